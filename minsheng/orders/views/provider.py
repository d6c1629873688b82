"""The provider's console (接单): a provider's day (today's jobs, with whom to call and how
to get there; history; ratings) and its steps: take, start, deliver, decline, grab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core.geo import geo_uri
from minsheng.core.ids import as_id
from minsheng.orders import policy, selectors, services
from minsheng.orders.candidates import order_point
from minsheng.orders.models import ContactView, Order
from minsheng.orders.views.common import (
    PAGE_SIZE,
    Failure,
    answer_rows,
    bad_input,
    note_fields,
    run_action,
)
from minsheng.orders.views.photos import add_photos, delivery_photo_field, read_photos

# The latest ratings of the team's work the console lists (the summary counts them all).
RATINGS_SHOWN = 50

# --- 接单: the provider's console -------------------------------------------------------------


@dataclass(frozen=True)
class Navigation:
    """Where a job is: the place in words, and a ``geo:`` link that opens the phone's map
    app there (the order's point, else its village's or township's centroid); no link
    when none is known."""

    place: str
    uri: str


def navigation(order: Order) -> Navigation:
    village = order.region.name if order.region_id != order.township_id else ""
    place = " · ".join(p for p in (order.township.name, village, order.address) if p)
    point = order_point(order)
    if point is None:
        return Navigation(place, "")
    return Navigation(place, geo_uri(point[0], point[1], order.address or order.region.name))


def _render_provider_console(request: HttpRequest, failure: Failure | None = None) -> HttpResponse:
    """A provider's day: today's jobs (assigned, accepted, in service; by deadline), the
    orders open to grab, what the team delivered, and how residents rated it."""
    user = request.user
    rows = []
    orders = list(selectors.provider_orders(user).prefetch_related("service__attributes")[:200])
    shown = services.contact_views_record(
        user=user, orders=orders, where=ContactView.Where.PROVIDER_CONSOLE
    )
    photos = selectors.photos_by_order(user, orders)
    for order in orders:
        rows.append(
            {
                "order": order,
                "contact": shown[order.pk],
                "navigation": navigation(order),
                "may": policy.permissions(user, order, ("accept", "decline", "start", "deliver")),
                "answers": answer_rows(order),
                "decline_fields": note_fields(
                    "decline",
                    order.pk,
                    failure,
                    name="reason",
                    label=_("Reason for declining"),
                    required=True,
                    help=_("The dispatcher will read this reason; the resident will not."),
                ),
                "deliver_fields": note_fields(
                    "deliver",
                    order.pk,
                    failure,
                    name="note",
                    label=_("What was done"),
                    required=True,
                    audience=True,
                ),
                "photo_field": delivery_photo_field(order.pk, failure),
                "photos": photos.get(order.pk, []),
            }
        )
    ratings = selectors.team_ratings(user)
    context = {
        "rows": rows,
        "grabbable": selectors.grabbable_orders(user),
        "history": Paginator(selectors.provider_history(user), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "ratings": list(ratings[:RATINGS_SHOWN]),
        "rating_summary": selectors.rating_summary(ratings),
        "failure": failure,
        "now": timezone.now(),
        "page_url": reverse("provider_console"),
    }
    return render(
        request,
        "orders/provider_console.html",
        context,
        status=failure.status if failure is not None else 200,
    )


@allowed(policy.can_work_as_provider)
def provider_console(request: HttpRequest) -> HttpResponse:
    return _render_provider_console(request)


def _provider_action(
    request: HttpRequest, pk: int, *, form: str, call: Callable[[Order], object], success: Any
) -> HttpResponse:
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404
    return run_action(
        request,
        form=form,
        order_id=order.pk,
        call=lambda: call(order),
        success=success % {"number": order.number},
        done=reverse("provider_console"),
        rerender=lambda f: _render_provider_console(request, f),
    )


@allowed(policy.can_work_as_provider)
@require_POST
def provider_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="accept",
        call=lambda o: services.order_accept(order_id=o.pk, actor=request.user),
        success=_("Order %(number)s accepted."),
    )


@allowed(policy.can_work_as_provider)
@require_POST
def provider_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="decline",
        call=lambda o: services.order_decline(
            order_id=o.pk, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("Order %(number)s declined: it goes back to the dispatcher."),
    )


@allowed(policy.can_work_as_provider)
@require_POST
def provider_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="start",
        call=lambda o: services.order_start(order_id=o.pk, actor=request.user),
        success=_("Service for order %(number)s started."),
    )


def _deliver(request: HttpRequest, order: Order) -> None:
    """Delivered, with the proof-of-delivery photos sent with the form: all or nothing."""
    photos = read_photos(request)
    with services.photo_transaction():
        services.order_deliver(
            order_id=order.pk,
            actor=request.user,
            note=request.POST.get("note", ""),
            audience=request.POST.get("audience"),
        )
        add_photos(request, order.pk, photos)


@allowed(policy.can_work_as_provider)
@require_POST
def provider_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="deliver",
        call=lambda o: _deliver(request, o),
        success=_("Order %(number)s delivered."),
    )


@allowed(policy.can_work_as_provider)
@require_POST
def provider_grab(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for_grab(request.user, pk)
    if order is None:
        raise Http404
    mine = policy.grab_teams(request.user, order)
    requested = as_id(request.POST.get("provider_id"))
    # With no team that may take it, the service says why (a team that failed it before).
    if "provider_id" in request.POST and mine and requested not in mine:
        return _render_provider_console(
            request, bad_input("grab", order.pk, request.POST, "provider")
        )
    return run_action(
        request,
        form="grab",
        order_id=order.pk,
        call=lambda: services.order_grab(
            order_id=order.pk, actor=request.user, provider_id=requested
        ),
        success=_("Order %(number)s is yours.") % {"number": order.number},
        done=reverse("provider_console"),
        rerender=lambda f: _render_provider_console(request, f),
    )
