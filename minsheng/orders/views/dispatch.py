"""The dispatcher's pages (审单 / 派单): the console, escalations, every order, one order and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.accounts.selectors import profile_of
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.ids import as_id
from minsheng.orders import candidates, duplicates, policy, queue, selectors, services
from minsheng.orders.forms import (
    parse_rating,
    queue_fields,
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
from minsheng.regions.models import Region

# --- 审单 / 派单: the dispatcher's console ------------------------------------------------------


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads (``LOGIN_REDIRECT_URL``; a ``next`` given to the login page
    wins): each person's own console, by ``policy.landing_url_name``."""
    return redirect(policy.landing_url_name(request.user))


# One-step approve and dispatch is offered on the console for this many submitted orders
# (each needs its candidates ranked).
QUICK_DISPATCH = 20


def _queue_context(request: HttpRequest) -> tuple[dict[str, Any], int]:
    """The console's queue, filtered and sorted as the GET parameters ask; a parameter it
    cannot read leaves the queue empty with its message (and a 400)."""
    user = request.user
    failure: list[ErrorDetail] = []
    try:
        query = queue.read_queue_query(request.GET)
    except DomainError as exc:
        failure, query = exc.errors, queue.QueueQuery()
    orders = [] if failure else list(queue.apply(selectors.dispatch_queue(user), query)[:200])
    submitted = [o for o in orders if o.status == Status.SUBMITTED][:QUICK_DISPATCH]
    ranked = candidates.candidates_for(submitted)
    quick = {pk: [c for c in ranked_list if c.available][:5] for pk, ranked_list in ranked.items()}
    for o in orders:
        o.quick_candidates = quick.get(o.pk, [])  # type: ignore[attr-defined]
    county_wide = policy.works_county_wide(user)
    context = {
        "orders": orders,
        "now": timezone.now(),
        "marked": duplicates.marked(orders, selectors.orders_visible_to(user)),
        "county_wide": county_wide,
        "to_review": sum(1 for o in orders if o.status == Status.SUBMITTED),
        "to_dispatch": sum(1 for o in orders if o.status in DISPATCH_QUEUE_STATUSES),
        "escalated": sum(1 for o in orders if o.escalated_at is not None),
        "filter_fields": queue_fields(
            request.GET,
            scope=_region_of(user),
            county_wide=county_wide,
            search=False,
            errors=failure,
        ),
        "filter_errors": [str(e.message) for e in failure],
        "narrowed": query.narrowed,
        "refresh_seconds": settings.MINSHENG_QUEUE_REFRESH_SECONDS,
        "query": request.GET.urlencode(),
    }
    return context, 400 if failure else 200


def _region_of(user: Any) -> Region | None:
    """The region the reader works in (whose villages the filters offer)."""
    profile = profile_of(user)
    return profile.region if profile is not None else None


@allowed(policy.can_dispatch_anything)
def dispatch_console(request: HttpRequest) -> HttpResponse:
    context, status = _queue_context(request)
    return render(request, "orders/dispatch_console.html", context, status=status)


@allowed(policy.can_dispatch_anything)
def dispatch_queue_fragment(request: HttpRequest) -> HttpResponse:
    """The console's queue alone, for its self-refresh (``queue-refresh.js``)."""
    context, status = _queue_context(request)
    return render(request, "orders/_queue.html", context, status=status)


@allowed(policy.can_dispatch_anything)
def escalations(request: HttpRequest) -> HttpResponse:
    """Overdue orders, and for county dispatchers those townships handed up to the county."""
    orders = list(
        selectors.orders_visible_to(request.user)
        .filter(status__in=OPEN_STATUSES, escalated_at__isnull=False)
        .order_by("escalated_at")[:200]
    )
    county_orders = list(selectors.county_escalations(request.user)[:200])
    for o in [*orders, *county_orders]:
        # The actions each row offers (the order page has the rest: reassign, notes).
        o.may = policy.permissions(request.user, o, ("urge",))  # type: ignore[attr-defined]
    context = {
        "orders": orders,
        "county_orders": county_orders,
        "county_level": policy.sees_county_escalations(request.user),
        "now": timezone.now(),
    }
    return render(request, "orders/escalations.html", context)


@allowed(policy.can_dispatch_anything)
def staff_orders(request: HttpRequest) -> HttpResponse:
    """Search every order in the dispatcher's scope: by number, resident's name, phone,
    place, service, state, channel and period; newest first unless asked otherwise."""
    user = request.user
    failure: list[ErrorDetail] = []
    params = request.GET.copy()
    params.setdefault("sort", "created")
    try:
        query = queue.read_queue_query(params)
    except DomainError as exc:
        failure, query = exc.errors, queue.QueueQuery()
    qs = selectors.orders_visible_to(user)
    qs = qs.none() if failure else queue.apply(qs, query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "page": page,
        "orders": page.object_list,
        "county_wide": policy.works_county_wide(user),
        "filter_fields": queue_fields(
            request.GET,
            scope=_region_of(user),
            county_wide=policy.works_county_wide(user),
            search=True,
            errors=failure,
        ),
        "filter_errors": [str(e.message) for e in failure],
        "query": keep.urlencode(),
        "now": timezone.now(),
    }
    return render(request, "orders/staff_orders.html", context, status=400 if failure else 200)


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
    keep_id = queue.number_id(request.POST.get("keep_id", ""))
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
