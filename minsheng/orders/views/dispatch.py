"""The dispatcher's pages (审单 / 派单): the console, escalations, every order, one order and its actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core.ids import as_id
from minsheng.orders import candidates, duplicates, policy, selectors, services
from minsheng.orders.forms import (
    parse_rating,
)
from minsheng.orders.models import DISPATCH_QUEUE_STATUSES, OPEN_STATUSES, Order, Status
from minsheng.orders.views.common import (
    PAGE_SIZE,
    Failure,
    answer_rows,
    bad_input,
    cancel_fields,
    note_fields,
    rating_form,
    run_action,
)

# --- 审单 / 派单: the dispatcher's console ------------------------------------------------------


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads (``LOGIN_REDIRECT_URL``; a ``next`` given to the login page
    wins): each person's own console, by ``policy.landing_url_name``."""
    return redirect(policy.landing_url_name(request.user))


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
    """Overdue orders, and for county dispatchers those townships handed up to the county."""
    orders = list(
        selectors.orders_visible_to(request.user)
        .filter(status__in=OPEN_STATUSES, escalated_at__isnull=False)
        .order_by("escalated_at")[:200]
    )
    context = {
        "orders": orders,
        "county_orders": list(selectors.county_escalations(request.user)[:200]),
        "county_level": policy.sees_county_escalations(request.user),
        "now": timezone.now(),
    }
    return render(request, "orders/escalations.html", context)


_NUMBER = re.compile(r"^(?:\d{8}-)?0*(\d{1,12})$")


def number_id(text: str) -> int | None:
    """The id in an order number as a resident reads it out (date-id, or just the id)."""
    match = _NUMBER.match(text.strip())
    return as_id(match.group(1)) if match else None


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
        pk = number_id(number)
        qs = qs.filter(pk=pk) if pk is not None else qs.none()
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
    may = policy.permissions(user, order, STAFF_ORDER_VERBS)
    show_candidates = may["dispatch"] or may["redispatch"] or may["approve_dispatch"]
    show_candidates = show_candidates or may["reassign"]
    context = {
        "order": order,
        "details": policy.reading_of(user, order).details,
        "answers": answer_rows(order),
        "timeline": selectors.timeline_for(user, order),
        "ratings": selectors.ratings_for(user, order),
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
        "dispatch_url": reverse(_sending_view(may), args=[order.pk]),
        "reassign_fields": note_fields(
            "reassign",
            order.pk,
            failure,
            name="reason",
            label=_("Why is it reassigned?"),
            required=True,
            help=_("Staff only: the team losing the order does not read this."),
        ),
        "urge_fields": note_fields(
            "urge", order.pk, failure, name="note", label=_("Note (optional)"), required=False
        ),
        "note_fields": note_fields(
            "note",
            order.pk,
            failure,
            name="note",
            label=_("Internal note"),
            required=True,
            audience=True,
        ),
        "escalate_fields": note_fields(
            "escalate_county",
            order.pk,
            failure,
            name="reason",
            label=_("Why does the county need to act?"),
            required=True,
        ),
        "duplicates": duplicates.likely_duplicates(order, selectors.orders_visible_to(user))
        if may["merge"]
        else [],
        "merge_errors": failure.messages
        if failure is not None and failure.matches("merge", order.pk)
        else [],
        "merged_duplicates": list(selectors.orders_visible_to(user).filter(merged_into=order)),
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


# The steps the staff order page offers (``may`` in its template).
STAFF_ORDER_VERBS = (
    "approve",
    "reject",
    "dispatch",
    "redispatch",
    "cancel",
    "callback",
    "approve_dispatch",
    "urge",
    "reassign",
    "note",
    "escalate_county",
    "merge",
)


def _sending_view(may: dict[str, bool]) -> str:
    """Where the candidates' buttons post: the one step the order's state offers."""
    for verb, view in (
        ("approve_dispatch", "staff_approve_dispatch"),
        ("dispatch", "staff_dispatch"),
        ("reassign", "staff_reassign"),
    ):
        if may[verb]:
            return view
    return "staff_redispatch"


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
    send = services.order_redispatch if redispatch else services.order_dispatch
    return _provider_action(
        request,
        pk,
        form="redispatch" if redispatch else "dispatch",
        call=lambda o, provider_id: send(
            order_id=o.pk, actor=request.user, provider_id=provider_id
        ),
        success=_("Order %(number)s re-dispatched.")
        if redispatch
        else _("Order %(number)s dispatched."),
    )


def _provider_action(
    request: HttpRequest,
    pk: int,
    *,
    form: str,
    call: Callable[[Order, int], object],
    success: Any,
) -> HttpResponse:
    """A step that names a provider (``provider_id``): a missing or malformed one is a 400
    on the page, with no service called."""
    provider_id = as_id(request.POST.get("provider_id"))
    if provider_id is None:
        _staff_order_or_404(request, pk)
        return _render_staff_order(request, pk, bad_input(form, pk, request.POST, "provider"))
    return _staff_action(
        request, pk, form=form, call=lambda o: call(o, provider_id), success=success
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


# --- a dispatcher's day (issue 8): one-step dispatch, urging, reassigning, notes, the county,
# duplicates ------------------------------------------------------------------------------------


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_approve_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="approve_dispatch",
        call=lambda o, provider_id: services.order_approve_dispatch(
            order_id=o.pk,
            actor=request.user,
            provider_id=provider_id,
            note=request.POST.get("note", ""),
        ),
        success=_("Order %(number)s approved and dispatched."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _provider_action(
        request,
        pk,
        form="reassign",
        call=lambda o, provider_id: services.order_reassign(
            order_id=o.pk,
            actor=request.user,
            provider_id=provider_id,
            reason=request.POST.get("reason", ""),
        ),
        success=_("Order %(number)s reassigned."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_urge(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="urge",
        call=lambda o: services.order_urge(
            order_id=o.pk, actor=request.user, note=request.POST.get("note", "")
        ),
        success=_("The provider of order %(number)s has been urged."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="note",
        call=lambda o: services.order_note(
            order_id=o.pk,
            actor=request.user,
            note=request.POST.get("note", ""),
            audience=request.POST.get("audience"),
        ),
        success=_("Note added to order %(number)s."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_escalate_county(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        form="escalate_county",
        call=lambda o: services.order_escalate_county(
            order_id=o.pk, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("Order %(number)s has been escalated to the county."),
    )


@allowed(policy.can_dispatch_anything)
@require_POST
def staff_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this order (the duplicate) into the one named by ``keep_id``."""
    keep_id = number_id(request.POST.get("keep_id", ""))
    if keep_id is None:
        _staff_order_or_404(request, pk)
        return _render_staff_order(request, pk, bad_input("merge", pk, request.POST, "keep"))
    return _staff_action(
        request,
        pk,
        form="merge",
        call=lambda o: services.order_merge(duplicate_id=o.pk, keep_id=keep_id, actor=request.user),
        success=_("Order %(number)s has been merged as a duplicate."),
    )
