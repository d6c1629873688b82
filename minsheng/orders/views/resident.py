"""The resident's pages: ordering (点单), their orders, cancelling and rating."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import (
    allowed,
    keep_form_across_login,
    kept_form,
    signed_in,
)
from minsheng.accounts.selectors import home_region, profile_of
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service, ServiceArea
from minsheng.catalog.selectors import service_with_attributes
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.orders import policy, selectors, services
from minsheng.orders.forms import (
    FieldSpec,
    area_field,
    attach_errors,
    attribute_field,
    description_field,
    error_links,
    offered_village_ids,
    own_contact_fields,
    parse_order,
    parse_rating,
    place_fields,
    place_groups,
    staff_fields,
)
from minsheng.orders.models import ContactView, Order
from minsheng.orders.views.common import (
    PAGE_SIZE,
    Failure,
    answer_rows,
    cancel_confirmed,
    cancel_fields,
    rating_form,
    run_action,
)
from minsheng.orders.views.photos import add_photos, photo_field, photo_limit, read_photos
from minsheng.regions.selectors import region_choices_tree

# --- 点单: ordering ---------------------------------------------------------------------------


def _after_order(order: Order, user: Actor) -> str:
    if policy.can_dispatch_anything(user):
        return reverse("staff_order", args=[order.pk])
    return reverse("my_order", args=[order.pk])


def _order_page(
    request: HttpRequest,
    *,
    service: Service | None,
    offered: set[int] | None,
) -> HttpResponse:
    """The order form of a menu item (``service``) or of a free-form need (None)."""
    user = request.user
    staff = policy.orders_for_others(user)
    attributes = list(service.attributes.all()) if service is not None else []
    tree = region_choices_tree()
    places = offered_village_ids(tree, offered, lambda v: policy.can_order_at(user, v))
    groups = place_groups(tree, allowed=places)
    home = home_region(user)
    default_region = home.code if home is not None and home.pk in places else ""
    sent = request.POST if request.method == "POST" else None
    # A form sent while the session had expired comes back filled in after the login.
    data = sent if sent is not None else kept_form(request)
    if sent is None and data is not None:
        messages.info(
            request, _("Welcome back. What you entered is still here: check it and send it.")
        )
    errors: list[ErrorDetail] = []
    status = 200
    if sent is not None:
        parsed = parse_order(
            sent,
            service_code=service.code if service is not None else "",
            staff=staff,
            attributes=attributes,
        )
        try:
            photos = read_photos(request)
            with services.photo_transaction():
                order = services.order_submit(actor=request.user, data=parsed)
                add_photos(request, order.pk, photos)
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            messages.success(
                request,
                _("Order %(number)s has been placed. We will review it soon.")
                % {"number": order.number},
            )
            return redirect(_after_order(order, user))

    sections: list[tuple[Any, list[FieldSpec]]] = []
    if service is not None:
        if attributes:
            sections.append((_("Questions"), [attribute_field(a, data) for a in attributes]))
        sections.append((_("Details"), [description_field(data, required=False)]))
    else:
        initial_area = request.GET.get("area", "")
        sections.append(
            (
                _("Your need"),
                [
                    area_field(ServiceArea.objects.all(), data, initial_area),
                    description_field(data, required=True),
                ],
            )
        )
    sections.append(
        (_("Where"), place_fields(groups=groups, data=data, default_region=default_region))
    )
    if staff:
        sections.insert(0, (_("On behalf of a resident"), staff_fields(data)))
    else:
        profile = profile_of(user)
        sections.append(
            (
                _("How to reach you"),
                own_contact_fields(
                    data,
                    name=profile.display_name if profile is not None else "",
                    phone=profile.phone if profile is not None else "",
                ),
            )
        )
    need_photos = photo_field(
        label=_("Photos (optional)"),
        help=_(
            "A photo of what needs doing helps the county send the right people. Up to "
            "%(count)s; where a photo was taken is removed from it."
        )
        % {"count": photo_limit()},
    )
    all_fields = [f for _title, fields in sections for f in fields] + [need_photos]
    attach_errors(all_fields, errors)
    context = {
        "service": service,
        "sections": sections,
        "errors": error_links(all_fields, errors),
        "staff": staff,
        "no_places": not groups,
        "photo_field": need_photos,
        "action": (
            reverse("service_order", args=[service.code])
            if service is not None
            else reverse("need_order")
        ),
    }
    return render(request, "orders/order_form.html", context, status=status)


@keep_form_across_login
@allowed(policy.can_order)
def service_order(request: HttpRequest, code: str) -> HttpResponse:
    service = service_with_attributes(code)
    if service is None or not service.published:
        raise Http404
    offered = set(service.regions.values_list("pk", flat=True))
    return _order_page(request, service=service, offered=offered)


@keep_form_across_login
@allowed(policy.can_order)
def need_order(request: HttpRequest) -> HttpResponse:
    return _order_page(request, service=None, offered=None)


# --- a resident's orders ----------------------------------------------------------------------


@signed_in
def my_orders(request: HttpRequest) -> HttpResponse:
    # "Mine": the orders one placed, for oneself or (staff) for a resident; not the whole
    # of a staff member's scope.
    qs = selectors.orders_visible_to(request.user).filter(
        Q(created_by=request.user) | Q(resident=request.user)
    )
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "orders": page.object_list,
        "to_rate_ids": selectors.to_rate_ids(request.user),
    }
    return render(request, "orders/my_orders.html", context)


def _my_order_or_404(request: HttpRequest, pk: int) -> Order:
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404
    return order


def _render_my_order(request: HttpRequest, pk: int, failure: Failure | None = None) -> HttpResponse:
    order = _my_order_or_404(request, pk)
    user = request.user
    may = policy.permissions(user, order, ("cancel", "rate", "callback"))
    details = policy.reading_of(user, order).details
    shown = services.contact_views_record(
        user=user, orders=[order], where=ContactView.Where.ORDER_PAGE
    )
    context = {
        "order": order,
        "contact": shown[order.pk],
        "details": details,
        "answers": answer_rows(order) if details else [],
        "timeline": selectors.timeline_for(user, order),
        "photos": selectors.photos_for(user, order),
        "ratings": selectors.ratings_for(user, order),
        "failure": failure,
        "may": may,
        "cancel_fields": cancel_fields(order, failure),
        "rating_fields": rating_form(
            "callback" if may["callback"] else "rate", order.pk, failure, callback=may["callback"]
        ),
        # After a refused action the page is shown at the action's URL: come back here.
        "page_url": reverse("my_order", args=[order.pk]),
    }
    return render(
        request,
        "orders/my_order.html",
        context,
        status=failure.status if failure is not None else 200,
    )


@signed_in
def my_order(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_my_order(request, pk)


@signed_in
@require_POST
def my_order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _my_order_or_404(request, pk)
    return run_action(
        request,
        form="cancel",
        order_id=order.pk,
        call=lambda: cancel_confirmed(request, order),
        success=_("Order %(number)s has been cancelled.") % {"number": order.number},
        done=reverse("my_order", args=[order.pk]),
        rerender=lambda f: _render_my_order(request, pk, f),
    )


def _my_rating(request: HttpRequest, pk: int, *, form: str) -> HttpResponse:
    """The resident's rating, or staff's callback for the resident, from the order page."""
    order = _my_order_or_404(request, pk)
    rate = services.order_rate if form == "rate" else services.order_callback
    success = (
        _("Thank you: your rating has been recorded.")
        if form == "rate"
        else _("Callback for order %(number)s recorded.") % {"number": order.number}
    )
    return run_action(
        request,
        form=form,
        order_id=order.pk,
        call=lambda: rate(order_id=order.pk, actor=request.user, data=parse_rating(request.POST)),
        success=success,
        done=reverse("my_order", args=[order.pk]),
        rerender=lambda f: _render_my_order(request, pk, f),
    )


@signed_in
@require_POST
def my_order_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _my_rating(request, pk, form="rate")


@signed_in
@require_POST
def my_order_callback(request: HttpRequest, pk: int) -> HttpResponse:
    """A grid worker (or other staff) records the resident's answers to a callback."""
    return _my_rating(request, pk, form="callback")
