"""The dispatcher's pages (审单 / 派单): the console, escalations, every order, one order and its actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core.ids import as_id
from minsheng.orders import candidates, policy, selectors, services
from minsheng.orders.forms import (
    parse_rating,
)
from minsheng.orders.models import (
    DISPATCH_QUEUE_STATUSES,
    OPEN_STATUSES,
    ContactView,
    Order,
    Status,
)
from minsheng.orders.views.common import (
    PAGE_SIZE,
    Failure,
    answer_rows,
    bad_input,
    cancel_confirmed,
    cancel_fields,
    note_fields,
    rating_form,
    run_action,
)
from minsheng.orders.views.rating_validity import rating_validity_rows

# --- 审单 / 派单: the dispatcher's console ------------------------------------------------------


@allowed(policy.can_dispatch_anything)
def dispatch_console(request: HttpRequest) -> HttpResponse:
    queue = list(selectors.dispatch_queue(request.user)[:200])
    context = {
        "orders": queue,
        "now": timezone.now(),
        "to_review": sum(1 for o in queue if o.status == Status.SUBMITTED),
        "to_dispatch": sum(1 for o in queue if o.status in DISPATCH_QUEUE_STATUSES),
        "escalated": sum(1 for o in queue if o.escalated_at is not None),
    }
    return render(request, "orders/dispatch_console.html", context)


@allowed(policy.can_dispatch_anything)
def escalations(request: HttpRequest) -> HttpResponse:
    orders = list(
        selectors.orders_visible_to(request.user)
        .filter(status__in=OPEN_STATUSES, escalated_at__isnull=False)
        .order_by("escalated_at")[:200]
    )
    return render(request, "orders/escalations.html", {"orders": orders, "now": timezone.now()})


_NUMBER = re.compile(r"^(?:\d{8}-)?0*(\d{1,12})$")


@allowed(policy.can_dispatch_anything)
def staff_orders(request: HttpRequest) -> HttpResponse:
    """Every order in the dispatcher's scope, newest first, optionally of one status."""
    status = request.GET.get("status", "")
    number = request.GET.get("number", "").strip()
    qs = selectors.orders_visible_to(request.user)
    if status in Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    if number:
        # The number a resident reads out: date-id, or just the id.
        match = _NUMBER.match(number)
        qs = qs.filter(pk=int(match.group(1))) if match else qs.none()
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "orders": page.object_list,
        "status": status,
        "number": number,
        "statuses": Status.choices,
        "now": timezone.now(),
    }
    return render(request, "orders/staff_orders.html", context)


def _staff_order_or_404(request: HttpRequest, pk: int) -> Order:
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404
    return order


def _render_staff_order(
    request: HttpRequest, pk: int, failure: Failure | None = None
) -> HttpResponse:
    order = _staff_order_or_404(request, pk)
    user = request.user
    may = policy.permissions(
        user, order, ("approve", "reject", "dispatch", "redispatch", "cancel", "callback")
    )
    show_candidates = may["dispatch"] or may["redispatch"]
    shown = services.contact_views_record(
        user=user, orders=[order], where=ContactView.Where.STAFF_PAGE
    )
    context = {
        "contact": shown[order.pk],
        "contact_log": (
            selectors.contact_views_of(order) if policy.can_see_contact_log(user, order) else None
        ),
        "order": order,
        "details": policy.reading_of(user, order).details,
        "answers": answer_rows(order),
        "timeline": selectors.timeline_for(user, order),
        "photos": selectors.photos_for(user, order),
        "ratings": selectors.ratings_for(user, order),
        "rating_validity": rating_validity_rows(user, order, failure),  # issue 8: ranking
        "failure": failure,
        "now": timezone.now(),
        "may": may,
        "approve_fields": note_fields(
            "approve",
            order.pk,
            failure,
            name="note",
            label=_("Note (optional)"),
            required=False,
            audience=True,
        ),
        "reject_fields": note_fields(
            "reject",
            order.pk,
            failure,
            name="reason",
            label=_("Reason for rejecting"),
            required=True,
            help=_("The resident will read this reason."),
        ),
        "candidates": candidates.candidates(order) if show_candidates else [],
        "show_candidates": show_candidates,
        "dispatch_url": reverse(
            "staff_dispatch" if may["dispatch"] else "staff_redispatch", args=[order.pk]
        ),
        "cancel_fields": cancel_fields(order, failure),
        "callback_fields": rating_form("callback", order.pk, failure, callback=True),
        "page_url": reverse("staff_order", args=[order.pk]),
    }
    return render(
        request,
        "orders/staff_order.html",
        context,
        status=failure.status if failure is not None else 200,
    )


@allowed(policy.can_dispatch_anything)
def staff_order(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_staff_order(request, pk)


def _staff_action(
    request: HttpRequest, pk: int, *, form: str, call: Callable[[Order], object], success: Any
) -> HttpResponse:
    order = _staff_order_or_404(request, pk)
    return run_action(
        request,
        form=form,
        order_id=order.pk,
        call=lambda: call(order),
        success=success % {"number": order.number},
        done=reverse("staff_order", args=[order.pk]),
        rerender=lambda f: _render_staff_order(request, pk, f),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="approve",
        call=lambda o: services.order_approve(
            order_id=o.pk,
            actor=request.user,
            note=request.POST.get("note", ""),
            audience=request.POST.get("audience"),
        ),
        success=_("Order %(number)s approved."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="reject",
        call=lambda o: services.order_reject(
            order_id=o.pk, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("Order %(number)s rejected."),
    )


def _dispatch_view(request: HttpRequest, pk: int, *, redispatch: bool) -> HttpResponse:
    form = "redispatch" if redispatch else "dispatch"
    provider_id = as_id(request.POST.get("provider_id"))
    if provider_id is None:
        _staff_order_or_404(request, pk)
        return _render_staff_order(request, pk, bad_input(form, pk, request.POST, "provider"))
    send = services.order_redispatch if redispatch else services.order_dispatch
    return _staff_action(
        request,
        pk,
        form=form,
        call=lambda o: send(order_id=o.pk, actor=request.user, provider_id=provider_id),
        success=_("Order %(number)s re-dispatched.")
        if redispatch
        else _("Order %(number)s dispatched."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    return _dispatch_view(request, pk, redispatch=False)


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_redispatch(request: HttpRequest, pk: int) -> HttpResponse:
    return _dispatch_view(request, pk, redispatch=True)


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="cancel",
        call=lambda o: cancel_confirmed(request, o),
        success=_("Order %(number)s has been cancelled."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_callback(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="callback",
        call=lambda o: services.order_callback(
            order_id=o.pk, actor=request.user, data=parse_rating(request.POST)
        ),
        success=_("Callback for order %(number)s recorded."),
    )
