"""Web pages of the order loop: thin adapters that parse, call one service, then redirect.

Every action is a POST. A :class:`DomainError` re-renders the page it came from with each
message next to its field and the error's status code (nothing was written). Who sees an
order and what they may do with it is ``orders.policy``'s answer only: an order outside the
user's scope is a 404, a console they may not use a 403, and a page shows an action's form
exactly when ``policy`` says they may take it (the ``may`` value of its context).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request, signed_in
from minsheng.accounts.selectors import home_region
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service, ServiceArea
from minsheng.catalog.selectors import service_with_attributes
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, read_month
from minsheng.orders import candidates, policy, selectors, services
from minsheng.orders.forms import (
    FieldSpec,
    area_field,
    attach_errors,
    attribute_field,
    audience_field,
    description_field,
    error_links,
    offered_village_ids,
    parse_order,
    parse_rating,
    place_fields,
    place_groups,
    rating_fields,
    staff_fields,
)
from minsheng.orders.models import DISPATCH_QUEUE_STATUSES, OPEN_STATUSES, Order, Status
from minsheng.orders.templatetags.minsheng_ui import list_separator
from minsheng.regions.selectors import region_choices_tree

PAGE_SIZE = 25


@dataclass
class Failure:
    """A refused POST, to be shown on the page it came from."""

    form: str
    order_id: int | None
    errors: list[ErrorDetail]
    data: QueryDict
    status: int

    def matches(self, form: str, order_id: int | None) -> bool:
        return self.form == form and self.order_id == order_id

    @property
    def messages(self) -> list[str]:
        return [str(e.message) for e in self.errors]


def _run(
    request: HttpRequest,
    *,
    form: str,
    order_id: int | None,
    call: Callable[[], object],
    success: Any,
    done: str,
    rerender: Callable[[Failure], HttpResponse],
) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        return rerender(Failure(form, order_id, exc.errors, request.POST, exc.status_code))
    messages.success(request, success)
    return redirect(done)


def _bad_input(form: str, order_id: int | None, data: QueryDict, field: str) -> Failure:
    return Failure(
        form, order_id, [ErrorDetail("invalid", _("This value is not valid."), field)], data, 400
    )


def _note_fields(
    form: str,
    order_id: int,
    failure: Failure | None,
    *,
    name: str,
    label: Any,
    required: bool,
    help: Any = "",
    audience: bool = False,
) -> list[FieldSpec]:
    """A note or reason field; with ``audience``, the choice of who will read the note
    (staff only unless the writer says otherwise). A reason's reader is fixed: ``help``
    says who it is."""
    data = failure.data if failure is not None and failure.matches(form, order_id) else None
    prefix = f"o{order_id}-{form}"
    specs = [
        FieldSpec(
            name=name,
            label=label,
            kind="textarea",
            required=required,
            value=data.get(name, "") if data is not None else "",
            maxlength=services.MAX_NOTE,
            help=help,
            prefix=prefix,
        )
    ]
    if audience:
        specs.append(audience_field(data, prefix=prefix))
    if data is not None and failure is not None:
        attach_errors(specs, failure.errors)
    return specs


def _cancel_fields(order: Order, failure: Failure | None) -> list[FieldSpec]:
    return _note_fields(
        "cancel",
        order.pk,
        failure,
        name="reason",
        label=_("Reason (optional)"),
        required=False,
        help=_("The resident and staff will read this."),
    )


def _rating_form(
    form: str, order_id: int, failure: Failure | None, *, callback: bool
) -> list[FieldSpec]:
    data = failure.data if failure is not None and failure.matches(form, order_id) else None
    fields = rating_fields(data, callback=callback)
    if data is not None and failure is not None:
        attach_errors(fields, failure.errors)
    return fields


def answer_rows(order: Order) -> list[tuple[str, str]]:
    """The order's answers as (question, answer) in the service's order of questions."""
    answers: dict[str, Any] = order.answers or {}
    if not answers:
        return []
    attrs = list(order.service.attributes.all()) if order.service is not None else []
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for attr in attrs:
        if attr.code not in answers:
            continue
        seen.add(attr.code)
        value = answers[attr.code]
        labels = dict(attr.choice_pairs())
        if isinstance(value, list):
            text = list_separator().join(labels.get(str(v), str(v)) for v in value)
        elif attr.is_list:
            text = labels.get(str(value), str(value))
        elif attr.datatype == attr.Datatype.DATETIME:
            parsed = parse_datetime(str(value))
            text = timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed else str(value)
        else:
            text = str(value)
        rows.append((attr.label, text))
    rows.extend((code, str(v)) for code, v in answers.items() if code not in seen)
    return rows


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
    data = request.POST if request.method == "POST" else None
    errors: list[ErrorDetail] = []
    status = 200
    if data is not None:
        parsed = parse_order(
            data,
            service_code=service.code if service is not None else "",
            staff=staff,
            attributes=attributes,
        )
        try:
            order = services.order_submit(actor=request.user, data=parsed)
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
    all_fields = [f for _title, fields in sections for f in fields]
    attach_errors(all_fields, errors)
    context = {
        "service": service,
        "sections": sections,
        "errors": error_links(all_fields, errors),
        "staff": staff,
        "no_places": not groups,
        "action": (
            reverse("service_order", args=[service.code])
            if service is not None
            else reverse("need_order")
        ),
    }
    return render(request, "orders/order_form.html", context, status=status)


@allowed(policy.can_order)
def service_order(request: HttpRequest, code: str) -> HttpResponse:
    service = service_with_attributes(code)
    if service is None or not service.published:
        raise Http404
    offered = set(service.regions.values_list("pk", flat=True))
    return _order_page(request, service=service, offered=offered)


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
    return render(request, "orders/my_orders.html", {"page": page, "orders": page.object_list})


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
    context = {
        "order": order,
        "details": details,
        "answers": answer_rows(order) if details else [],
        "timeline": selectors.timeline_for(user, order),
        "ratings": selectors.ratings_for(user, order),
        "failure": failure,
        "may": may,
        "cancel_fields": _cancel_fields(order, failure),
        "rating_fields": _rating_form(
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
    return _run(
        request,
        form="cancel",
        order_id=order.pk,
        call=lambda: services.order_cancel(
            order_id=order.pk, actor=request.user, reason=request.POST.get("reason", "")
        ),
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
    return _run(
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
    context = {
        "order": order,
        "details": policy.reading_of(user, order).details,
        "answers": answer_rows(order),
        "timeline": selectors.timeline_for(user, order),
        "ratings": selectors.ratings_for(user, order),
        "failure": failure,
        "now": timezone.now(),
        "may": may,
        "approve_fields": _note_fields(
            "approve",
            order.pk,
            failure,
            name="note",
            label=_("Note (optional)"),
            required=False,
            audience=True,
        ),
        "reject_fields": _note_fields(
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
        "cancel_fields": _cancel_fields(order, failure),
        "callback_fields": _rating_form("callback", order.pk, failure, callback=True),
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
    return _run(
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
        return _render_staff_order(request, pk, _bad_input(form, pk, request.POST, "provider"))
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
        call=lambda o: services.order_cancel(
            order_id=o.pk, actor=request.user, reason=request.POST.get("reason", "")
        ),
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


# --- 接单: the provider's console -------------------------------------------------------------


def _render_provider_console(request: HttpRequest, failure: Failure | None = None) -> HttpResponse:
    user = request.user
    rows = []
    for order in selectors.provider_orders(user).prefetch_related("service__attributes")[:200]:
        rows.append(
            {
                "order": order,
                "may": policy.permissions(user, order, ("accept", "decline", "start", "deliver")),
                "answers": answer_rows(order),
                "decline_fields": _note_fields(
                    "decline",
                    order.pk,
                    failure,
                    name="reason",
                    label=_("Reason for declining"),
                    required=True,
                    help=_("The dispatcher will read this reason; the resident will not."),
                ),
                "deliver_fields": _note_fields(
                    "deliver",
                    order.pk,
                    failure,
                    name="note",
                    label=_("What was done"),
                    required=True,
                    audience=True,
                ),
            }
        )
    context = {
        "rows": rows,
        "grabbable": selectors.grabbable_orders(user),
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
    return _run(
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


@allowed(policy.can_work_as_provider)
@require_POST
def provider_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="deliver",
        call=lambda o: services.order_deliver(
            order_id=o.pk,
            actor=request.user,
            note=request.POST.get("note", ""),
            audience=request.POST.get("audience"),
        ),
        success=_("Order %(number)s delivered."),
    )


@allowed(policy.can_work_as_provider)
@require_POST
def provider_grab(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for_grab(request.user, pk)
    if order is None:
        raise Http404
    mine = policy.grab_teams(request.user, order)
    if not mine:
        raise Http404
    requested = as_id(request.POST.get("provider_id"))
    if "provider_id" in request.POST and requested not in mine:
        return _render_provider_console(
            request, _bad_input("grab", order.pk, request.POST, "provider")
        )
    return _run(
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


# --- the public ranking -----------------------------------------------------------------------


@clean_request
def ranking_page(request: HttpRequest) -> HttpResponse:
    months = selectors.months_with_ratings()
    default = months[0] if months else timezone.localdate().replace(day=1)
    raw = request.GET.get("month", "")
    error = ""
    month = default
    if raw:
        try:
            month = read_month(raw)
        except Invalid as exc:
            error = str(exc.message)
    context = {
        "month": month,
        "months": months,
        "error": error,
        "previous_month": selectors.previous_month(month),
        "townships": selectors.ranking("township", month),
        "providers": selectors.ranking("provider", month),
    }
    return render(request, "orders/ranking.html", context, status=400 if error else 200)
