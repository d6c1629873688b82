"""Who may see and do what with an order: the one place that answers it.

Every rule about orders lives here, as a function of ``(user, order)``:

- ``can_<verb>(user, order) -> bool`` for every step a person can take (approve, reject,
  dispatch, redispatch, decline, accept, grab, start, deliver, cancel, rate, callback,
  comment) and for seeing the order and its candidates: the role, the region scope, the
  team, and whether the order's state allows the step now (``orders.lifecycle``);
- ``require(verb, user, order)``: the same question, raising the refusal a service reports
  (403 not permitted; 409 with a code saying what state stands in the way);
- ``reading_of(user, order)``: what of the order a user reads (which steps, which notes,
  which details), used by the one timeline selector that the web, the REST API and
  Open311 all show;
- ``visible_orders_q(user)`` and ``grab_queue_q(user)``: the same rules for lists.

Services call ``require`` before they write; pages, templates (through the ``may`` value
their views pass), the REST API and Open311 only ask. Nobody else reads roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import DISPATCH_ROLES, Profile, Role
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Provider, Service
from minsheng.catalog.selectors import providers_serving
from minsheng.core.errors import Code, Conflict, DomainError, PermissionDenied
from minsheng.core.inputs import Invalid
from minsheng.core.phones import is_mobile, mask_phone, read_phone, tel_uri
from minsheng.orders import lifecycle
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import (
    DISPATCH_QUEUE_STATUSES,
    FINAL_STATUSES,
    NOTE_ACTIONS,
    OPEN_STATUSES,
    STEP_AUDIENCE,
    Action,
    Audience,
    Channel,
    Order,
    OrderEvent,
    PhotoKind,
    Rating,
    Status,
)
from minsheng.regions.models import Region

# Staff who order on a resident's behalf (grid workers, hotline agents at the dispatch
# desk, county staff), and the ways residents reach them.
ORDERING_FOR_OTHERS = frozenset({Role.GRID_WORKER, Role.DISPATCHER, Role.COUNTY_ADMIN})
STAFF_CHANNELS = frozenset({Channel.GRID_WORKER, Channel.HOTLINE, Channel.VISIT})
# Orders that were public from the start: made through Open311 by a client application
# (whose users post to a public API, as on FixMyStreet), or imported from a public server.
# Orders residents placed on the web, by phone, through a grid worker or on a visit are
# for elderly people, families and the disabled at home: anyone may see that a service was
# ordered in a village and how it went, but not the resident's words, address or doorstep.
PUBLIC_CHANNELS = frozenset({Channel.OPEN311, Channel.IMPORT})

_RANK = {Audience.PUBLIC: 0, Audience.RESIDENT: 1, Audience.STAFF: 2}


# --- scopes -----------------------------------------------------------------------------------


def region_scope_q(region: Region) -> Q:
    """Orders placed in ``region`` or below it."""
    if region.level == Region.Level.COUNTY:
        return Q()
    if region.level == Region.Level.TOWNSHIP:
        return Q(township_id=region.pk)
    return Q(region_id=region.pk)


def in_region_scope(region: Region | None, order: Order) -> bool:
    """Whether ``order`` was placed in ``region`` or below it; no region holds nothing."""
    if region is None:
        return False
    if region.level == Region.Level.COUNTY:
        return True
    if region.level == Region.Level.TOWNSHIP:
        return order.township_id == region.pk
    return order.region_id == region.pk


def provider_ids_of(user: Actor) -> list[int]:
    """The active providers ``user`` works for (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return []
    cached: list[int] | None = getattr(user, "_minsheng_provider_ids", None)
    if cached is None:
        cached = list(Provider.objects.filter(staff=user, active=True).values_list("pk", flat=True))
        user._minsheng_provider_ids = cached  # type: ignore[attr-defined]
    return list(cached)


def _dispatcher(profile: Profile | None, order: Order) -> bool:
    return (
        profile is not None
        and profile.role in DISPATCH_ROLES
        and in_region_scope(profile.region, order)
    )


def _staff_for(user: Actor, order: Order) -> bool:
    """Staff who act for the resident on this order (callbacks, cancelling on request, notes):
    dispatchers and administrators in their region; grid workers in their region, or on
    the orders they entered."""
    profile = profile_of(user)
    if profile is None:
        return False
    if profile.role in DISPATCH_ROLES:
        return in_region_scope(profile.region, order)
    if profile.role == Role.GRID_WORKER:
        if order.created_by_id is not None and order.created_by_id == profile.user_id:
            return True
        return in_region_scope(profile.region, order)
    return False


def _resident_of(user: Actor, order: Order) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and order.resident_id is not None
        and order.resident_id == user.pk
    )


def _assigned(user: Actor, order: Order) -> bool:
    return order.provider_id is not None and order.provider_id in provider_ids_of(user)


def _handed_on(user: Actor, order: Order) -> bool:
    """A team of the user's held the order once and holds it no more."""
    ids = provider_ids_of(user)
    return (
        bool(ids)
        and not _assigned(user, order)
        and OrderEvent.objects.filter(order_id=order.pk, provider_id__in=ids).exists()
    )


# --- who sees which orders --------------------------------------------------------------------


def visible_orders_q(user: Actor) -> Q | None:
    """A filter for the orders ``user`` may see, or None for nothing at all."""
    profile = profile_of(user)
    if profile is None:
        return None
    if profile.role in DISPATCH_ROLES:
        return region_scope_q(profile.region) if profile.region is not None else None
    if profile.role == Role.GRID_WORKER:
        # What they entered, and their region's; without a region only what they entered
        # (never the whole county by default).
        own = Q(created_by=user) | Q(resident=user)
        if profile.region is None:
            return own
        scope = region_scope_q(profile.region)
        # Q() | x would drop the empty (match-all) side: a county-level scope is everything.
        return scope if not scope else own | scope
    if profile.role == Role.PROVIDER_STAFF:
        ids = provider_ids_of(user)
        if not ids:
            return None
        # Orders assigned to them now, and those they once held (declined, timed out): of
        # those, ``reading_of`` shows them their own steps only.
        handled = OrderEvent.objects.filter(provider_id__in=ids).values("order_id")
        return Q(provider_id__in=ids) | Q(pk__in=handled)
    return Q(resident=user) | followed_orders_q(user)


def can_view(user: Actor, order: Order) -> bool:
    return (
        _resident_of(user, order)
        or _staff_for(user, order)
        or _assigned(user, order)
        or _handed_on(user, order)
        or _follows(user, order)
    )


def eligible_providers(order: Order) -> QuerySet[Provider]:
    """Active providers serving the order's place and kind of service.

    A menu order names its category; a free-form need only its area, and is served by
    providers of any category in that area (not by everyone in the place).
    """
    qs = providers_serving(region=order.region, category=order.category)
    if order.category_id is None:
        qs = qs.filter(categories__area_id=order.area_id).distinct()
    return qs


def eligible_provider_ids(order: Order) -> set[int]:
    return set(eligible_providers(order).values_list("pk", flat=True))


def coverage_q(provider_ids: list[int]) -> Q:
    """Orders inside the coverage of any of these (active) providers: place and category.

    ``eligible_providers`` seen from the order's side: a provider serving a village, its
    township or the county covers an order placed there.
    """
    q = Q(pk__in=[])
    providers = Provider.objects.filter(pk__in=provider_ids, active=True).prefetch_related(
        "regions", "categories"
    )
    for provider in providers:
        regions = [r.pk for r in provider.regions.all()]
        categories = [c.pk for c in provider.categories.all()]
        areas = {c.area_id for c in provider.categories.all()}
        place = Q(region_id__in=regions) | Q(township_id__in=regions)
        place |= Q(township__parent_id__in=regions)
        kind = Q(category_id__in=categories) | Q(category__isnull=True, area_id__in=areas)
        q |= place & kind
    return q


def grab_queue_q(user: Actor) -> Q | None:
    """Orders a provider's staff may grab: queued, grab-mode, inside the coverage of one of
    their teams that did not fail the order before (``failed_by_q``)."""
    ids = provider_ids_of(user)
    if not ids:
        return None
    teams = Q(pk__in=[])
    for provider_id in ids:
        teams |= coverage_q([provider_id]) & ~failed_by_q(provider_id)
    return (
        Q(status__in=DISPATCH_QUEUE_STATUSES, service__dispatch_mode=Service.DispatchMode.GRAB)
        & teams
    )


def grab_teams(user: Actor, order: Order) -> set[int]:
    """The user's teams that may take this order (grab it): eligible, and not a team whose
    delivery of it was found not solved (``failed_rounds``)."""
    mine = provider_ids_of(user)
    if not mine:
        return set()
    return (set(mine) & eligible_provider_ids(order)) - set(failed_rounds(order))


# --- who may order ----------------------------------------------------------------------------


def can_order(user: Actor) -> bool:
    """Residents order for themselves; grid workers and dispatch staff for residents."""
    profile = profile_of(user)
    return profile is not None and (
        profile.role == Role.RESIDENT or profile.role in ORDERING_FOR_OTHERS
    )


def orders_for_others(user: Actor) -> bool:
    """Whether ``user`` orders on a resident's behalf (and must say for whom and how)."""
    profile = profile_of(user)
    return profile is not None and profile.role in ORDERING_FOR_OTHERS


def can_be_ordered_for(resident: Actor) -> bool:
    """Whose account staff may name when they order on someone's behalf: a resident's."""
    profile = profile_of(resident)
    return profile is not None and profile.role == Role.RESIDENT


def ordering_scope(user: Actor) -> Region | None:
    """The region a staff member may order in (None: anywhere, or not staff)."""
    profile = profile_of(user)
    if profile is None or profile.role not in ORDERING_FOR_OTHERS:
        return None
    return profile.region


def can_order_at(user: Actor, region: Region) -> bool:
    """Whether staff may order in ``region`` (their own region; a grid worker with none,
    anywhere). Residents and client applications order where they are."""
    scope = ordering_scope(user)
    if scope is None:
        return True
    probe = Order(region=region, township_id=region.township_id or region.pk)
    return in_region_scope(scope, probe)


# --- consoles ---------------------------------------------------------------------------------


def can_dispatch_anything(user: Actor) -> bool:
    """The dispatch console, the escalations and the list of all orders in one's region."""
    profile = profile_of(user)
    return profile is not None and profile.role in DISPATCH_ROLES and profile.region is not None


def can_work_as_provider(user: Actor) -> bool:
    """The provider's console: staff of a provider team."""
    profile = profile_of(user)
    return profile is not None and profile.role == Role.PROVIDER_STAFF


# --- steps on one order -----------------------------------------------------------------------


def not_permitted() -> PermissionDenied:
    return PermissionDenied.single(Code.NOT_PERMITTED, _("You may not act on this order."), "order")


def no_longer_assigned() -> Conflict:
    return Conflict.single(
        OrderCode.NOT_ASSIGNED, _("This order is no longer assigned to your team."), "order"
    )


def illegal(order: Order, action: str) -> Conflict:
    return Conflict.single(
        OrderCode.ILLEGAL_TRANSITION,
        _("This order is %(status)s: it cannot be %(action)s now.")
        % {"status": order.get_status_display(), "action": Action(action).label},
        "status",
    )


def last_delivery_rated(order: Order) -> bool:
    """Whether the order's latest delivery already has its rating.

    Rating closes the order (that round's rating exists) or reopens it into a new round that
    has no delivery yet (the previous round's rating exists).
    """
    if Rating.objects.filter(order=order, round=order.round).exists():
        return True
    return (
        order.round > 0
        and order.delivered_at is None
        and Rating.objects.filter(order=order, round=order.round - 1).exists()
    )


def _state(order: Order, action: str) -> DomainError | None:
    return None if lifecycle.allows(order.status, action) else illegal(order, action)


def _dispatcher_step(action: str) -> Callable[[Actor, Order], DomainError | None]:
    def rule(user: Actor, order: Order) -> DomainError | None:
        if not _dispatcher(profile_of(user), order):
            return not_permitted()
        return _state(order, action)

    return rule


def _provider_step(action: str) -> Callable[[Actor, Order], DomainError | None]:
    def rule(user: Actor, order: Order) -> DomainError | None:
        if not _assigned(user, order):
            if _handed_on(user, order):
                # They lost a race (re-dispatched, timed out): nothing forbidden was tried.
                return no_longer_assigned()
            return not_permitted()
        return _state(order, action)

    return rule


def _dispatch(user: Actor, order: Order) -> DomainError | None:
    if not _dispatcher(profile_of(user), order):
        return not_permitted()
    if order.status == Status.DISPATCHED:
        return Conflict.single(
            OrderCode.ALREADY_DISPATCHED,
            _(
                "This order has already been dispatched to %(provider)s: re-dispatch it if "
                "it should go to another provider."
            )
            % {"provider": order.provider.name if order.provider is not None else "-"},
            "order",
        )
    return _state(order, Action.DISPATCH)


def _grab(user: Actor, order: Order) -> DomainError | None:
    if not grab_teams(user, order):
        mine = set(provider_ids_of(user)) & eligible_provider_ids(order)
        if mine and mine <= set(failed_rounds(order)):
            return PermissionDenied.single(
                OrderCode.FAILED_THIS_ORDER,
                _(
                    "Your team's service on this order was found not solved: only a "
                    "dispatcher can send it back to you."
                ),
                "order",
            )
        return not_permitted()
    service = order.service
    if service is None or service.dispatch_mode != Service.DispatchMode.GRAB:
        return Conflict.single(
            OrderCode.NOT_GRABBABLE, _("This order is dispatched, not grabbed."), "order"
        )
    if order.status not in DISPATCH_QUEUE_STATUSES:
        return Conflict.single(
            OrderCode.ALREADY_TAKEN,
            _("This order has already been taken or is not open."),
            "order",
        )
    return None


def _rating_step(
    who: Callable[[Actor, Order], bool],
) -> Callable[[Actor, Order], DomainError | None]:
    def rule(user: Actor, order: Order) -> DomainError | None:
        if not who(user, order):
            return not_permitted()
        if order.status != Status.DELIVERED:
            if last_delivery_rated(order):
                return Conflict.single(
                    OrderCode.ALREADY_RATED, _("This order has already been rated."), "order"
                )
            return illegal(order, Action.RATE)
        return None

    return rule


def _cancel(user: Actor, order: Order) -> DomainError | None:
    if not (_resident_of(user, order) or _staff_for(user, order)):
        return not_permitted()
    return _state(order, Action.CANCEL)


def _comment(user: Actor, order: Order) -> DomainError | None:
    if not (_resident_of(user, order) or _staff_for(user, order)):
        return not_permitted()
    return final_refusal(order)


def final_refusal(order: Order) -> DomainError | None:
    """An order that has ended (closed, rejected, cancelled) takes no more updates."""
    if order.status in FINAL_STATUSES:
        return Conflict.single(
            OrderCode.ORDER_FINAL,
            _("This order is %(status)s: it can no longer be updated.")
            % {"status": order.get_status_display()},
            "order",
        )
    return None


def _candidates(user: Actor, order: Order) -> DomainError | None:
    return None if _dispatcher(profile_of(user), order) else not_permitted()


# --- photos (issue 8) -------------------------------------------------------------------------
# A photo shows the resident's home, doorstep or family: it is one of the order's details.
# Whoever reads the details (``reading_of(...).details``: the resident, staff acting for
# them, the team holding the order) sees its photos; nobody else, and never the public,
# whatever the order's channel (photos are written for the resident and staff).
# Who adds a photo decides its kind: the resident, or whoever ordered for them, photographs
# the need while the order is open; the team holding the order adds proof of delivery while
# it delivers (in service, or delivered and not yet rated).

PHOTO_AUDIENCE = Audience.RESIDENT
NEED_PHOTO_STATUSES = OPEN_STATUSES
DELIVERY_PHOTO_STATUSES = frozenset({Status.IN_SERVICE, Status.DELIVERED})


def _orderer(user: Actor, order: Order) -> bool:
    return _resident_of(user, order) or (
        user is not None
        and user.is_authenticated
        and order.created_by_id is not None
        and order.created_by_id == user.pk
    )


def photo_kind(user: Actor, order: Order) -> str | None:
    """The kind of photo ``user`` adds to ``order`` (whatever its state), or None."""
    if _orderer(user, order):
        return PhotoKind.NEED
    if _assigned(user, order):
        return PhotoKind.DELIVERY
    return None


def _photo(user: Actor, order: Order) -> DomainError | None:
    kind = photo_kind(user, order)
    if kind is None:
        return no_longer_assigned() if _handed_on(user, order) else not_permitted()
    final = final_refusal(order)
    if final is not None:
        return final
    if kind == PhotoKind.NEED and order.status not in NEED_PHOTO_STATUSES:
        return Conflict.single(
            OrderCode.PHOTOS_CLOSED,
            _("Photos of the need can be added until the order is delivered."),
            "photo",
        )
    if kind == PhotoKind.DELIVERY and order.status not in DELIVERY_PHOTO_STATUSES:
        return Conflict.single(
            OrderCode.PHOTOS_CLOSED,
            _("Proof of delivery can be added once the service has started."),
            "photo",
        )
    return None


def can_add_photo(user: Actor, order: Order) -> bool:
    return can("photo", user, order)


def can_see_photos(user: Actor, order: Order) -> bool:
    """Whether ``user`` sees the photos of ``order``: those who read its details."""
    return can_view(user, order) and reading_of(user, order).details


def photos_q(user: Actor, order: Order) -> Q | None:
    """A filter for the photos of ``order`` that ``user`` sees, or None for none at all."""
    if not can_see_photos(user, order):
        return None
    return Q(order_id=order.pk, audience__in=_within(reading_of(user, order)))


# --- a dispatcher's day (issue 8): one step to approve and dispatch, urging, reassigning,
# internal notes, escalating to the county, merging duplicates ---------------------------------


def _township_dispatcher(profile: Profile | None) -> bool:
    """A dispatcher whose region is a township (not the county): who hands orders up."""
    return (
        profile is not None
        and profile.role in DISPATCH_ROLES
        and profile.region is not None
        and profile.region.level == Region.Level.TOWNSHIP
    )


def _urge(user: Actor, order: Order) -> DomainError | None:
    """催办: a dispatcher presses the provider holding an open order."""
    if not _dispatcher(profile_of(user), order):
        return not_permitted()
    if order.status in FINAL_STATUSES:
        return Conflict.single(
            OrderCode.ORDER_FINAL,
            _("This order is %(status)s: there is nobody left to urge.")
            % {"status": order.get_status_display()},
            "order",
        )
    if not lifecycle.allows(order.status, Action.URGE):
        return Conflict.single(
            OrderCode.NOT_WITH_PROVIDER,
            _("This order is %(status)s: no provider holds it, so there is nobody to urge.")
            % {"status": order.get_status_display()},
            "order",
        )
    return None


def _note(user: Actor, order: Order) -> DomainError | None:
    """An internal note: staff who act on the order, while it is not final."""
    if not _staff_for(user, order):
        return not_permitted()
    return final_refusal(order)


def _escalate_county(user: Actor, order: Order) -> DomainError | None:
    profile = profile_of(user)
    if not (_dispatcher(profile, order) and _township_dispatcher(profile)):
        return not_permitted()
    ended = final_refusal(order)
    if ended is not None:
        return ended
    if order.county_escalated_at is not None:
        return Conflict.single(
            OrderCode.ALREADY_ESCALATED,
            _("This order has already been escalated to the county."),
            "order",
        )
    return _state(order, Action.ESCALATE_COUNTY)


def _merge(user: Actor, order: Order) -> DomainError | None:
    """Merging ``order`` (the duplicate) into another: see ``merge_refusal`` for the pair."""
    if not _dispatcher(profile_of(user), order):
        return not_permitted()
    return final_refusal(order) or _state(order, Action.MERGE)


def merge_refusal(user: Actor, duplicate: Order, keep: Order) -> DomainError | None:
    """Why ``duplicate`` may not be merged into ``keep`` by ``user``, or None if it may: the
    same order twice, an order the user may not act on, either order ended, or two
    townships (each township's dispatchers answer for their own orders)."""
    if duplicate.pk == keep.pk:
        return DomainError.single(
            OrderCode.MERGE_SAME_ORDER, _("An order cannot be merged into itself."), "keep"
        )
    profile = profile_of(user)
    if not (_dispatcher(profile, duplicate) and _dispatcher(profile, keep)):
        return not_permitted()
    if duplicate.township_id != keep.township_id:
        return Conflict.single(
            OrderCode.MERGE_ACROSS_TOWNSHIPS,
            _(
                "These orders are in different townships (%(a)s, %(b)s): only orders of "
                "the same township can be merged."
            )
            % {"a": duplicate.township.name, "b": keep.township.name},
            "keep",
        )
    for order, field in ((duplicate, "duplicate"), (keep, "keep")):
        if order.status in FINAL_STATUSES:
            return Conflict.single(
                OrderCode.ORDER_FINAL,
                _("Order %(number)s is %(status)s: it can no longer be merged.")
                % {"number": order.number, "status": order.get_status_display()},
                field,
            )
    return _state(duplicate, Action.MERGE)


def _follows(user: Actor, order: Order) -> bool:
    """The resident of a duplicate merged into ``order`` follows it (reads its steps and
    notes as its own resident does, not that resident's details; takes no step on it)."""
    return (
        user is not None
        and user.is_authenticated
        and Order.objects.filter(merged_into_id=order.pk, resident_id=user.pk).exists()
    )


def followed_orders_q(user: Actor) -> Q:
    """The orders ``user``'s merged duplicates were merged into."""
    merged = Order.objects.filter(resident_id=user.pk if user is not None else None)
    return Q(pk__in=merged.filter(merged_into__isnull=False).values("merged_into_id"))


def landing_url_name(user: Actor) -> str:
    """Where a person lands after signing in: dispatchers and administrators at the dispatch
    console, provider staff at theirs, a grid worker at the orders they entered (or the order
    form while there are none), a resident at home."""
    profile = profile_of(user)
    if can_dispatch_anything(user):
        return "dispatch_console"
    if can_work_as_provider(user):
        return "provider_console"
    if profile is not None and profile.role == Role.GRID_WORKER:
        entered = Order.objects.filter(created_by_id=profile.user_id).exists()
        return "my_orders" if entered else "need_order"
    return "home"


def sees_county_escalations(user: Actor) -> bool:
    """County-level dispatchers see the orders townships escalated to the county."""
    return works_county_wide(user)


def works_county_wide(user: Actor) -> bool:
    """Dispatchers and administrators of the whole county (their queue shows the township
    of each order, and filters by it)."""
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role in DISPATCH_ROLES
        and profile.region is not None
        and profile.region.level == Region.Level.COUNTY
    )


# --- end of a dispatcher's day ----------------------------------------------------------------


# --- the rules, by verb -----------------------------------------------------------------------


RULES: dict[str, Callable[[Actor, Order], DomainError | None]] = {
    "approve": _dispatcher_step(Action.APPROVE),
    "reject": _dispatcher_step(Action.REJECT),
    "dispatch": _dispatch,
    "redispatch": _dispatcher_step(Action.REDISPATCH),
    "candidates": _candidates,
    "decline": _provider_step(Action.DECLINE),
    "accept": _provider_step(Action.ACCEPT),
    "start": _provider_step(Action.START),
    "deliver": _provider_step(Action.DELIVER),
    "grab": _grab,
    "cancel": _cancel,
    "rate": _rating_step(_resident_of),
    "callback": _rating_step(_staff_for),
    "comment": _comment,
    "photo": _photo,
    # a dispatcher's day (issue 8)
    "approve_dispatch": _dispatcher_step(Action.APPROVE),
    "urge": _urge,
    "reassign": _dispatcher_step(Action.REASSIGN),
    "note": _note,
    "escalate_county": _escalate_county,
    "merge": _merge,
}
VERBS: tuple[str, ...] = tuple(RULES)


def refusal(verb: str, user: Actor, order: Order) -> DomainError | None:
    """Why ``user`` may not take step ``verb`` on ``order`` now, or None if they may."""
    return RULES[verb](user, order)


def require(verb: str, user: Actor, order: Order) -> None:
    """Raise the refusal of ``verb`` (403 not permitted, 409 not in this state), if any."""
    error = refusal(verb, user, order)
    if error is not None:
        raise error


def can(verb: str, user: Actor, order: Order) -> bool:
    return refusal(verb, user, order) is None


def can_approve(user: Actor, order: Order) -> bool:
    return can("approve", user, order)


def can_reject(user: Actor, order: Order) -> bool:
    return can("reject", user, order)


def can_dispatch(user: Actor, order: Order) -> bool:
    return can("dispatch", user, order)


def can_redispatch(user: Actor, order: Order) -> bool:
    return can("redispatch", user, order)


def can_see_candidates(user: Actor, order: Order) -> bool:
    return can("candidates", user, order)


def can_decline(user: Actor, order: Order) -> bool:
    return can("decline", user, order)


def can_accept(user: Actor, order: Order) -> bool:
    return can("accept", user, order)


def can_start(user: Actor, order: Order) -> bool:
    return can("start", user, order)


def can_deliver(user: Actor, order: Order) -> bool:
    return can("deliver", user, order)


def can_grab(user: Actor, order: Order) -> bool:
    return can("grab", user, order)


def can_cancel(user: Actor, order: Order) -> bool:
    return can("cancel", user, order)


def can_rate(user: Actor, order: Order) -> bool:
    return can("rate", user, order)


def can_callback(user: Actor, order: Order) -> bool:
    return can("callback", user, order)


def can_comment(user: Actor, order: Order) -> bool:
    return can("comment", user, order)


# a dispatcher's day (issue 8)
def can_approve_dispatch(user: Actor, order: Order) -> bool:
    return can("approve_dispatch", user, order)


def can_urge(user: Actor, order: Order) -> bool:
    return can("urge", user, order)


def can_reassign(user: Actor, order: Order) -> bool:
    return can("reassign", user, order)


def can_note(user: Actor, order: Order) -> bool:
    return can("note", user, order)


def can_escalate_county(user: Actor, order: Order) -> bool:
    return can("escalate_county", user, order)


def can_merge(user: Actor, order: Order) -> bool:
    """Whether ``order`` may be merged (as the duplicate) into some other order."""
    return can("merge", user, order)


def permissions(user: Actor, order: Order, verbs: tuple[str, ...] = VERBS) -> dict[str, bool]:
    """``{verb: may}`` for a page's template (``may.approve``): the same answers as above."""
    return {verb: can(verb, user, order) for verb in verbs}


# --- what a reader reads ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What of an order one reader reads.

    ``audience``: the widest audience they belong to (a step or note written for a wider
    one than theirs is withheld); ``details``: the resident's words, contact, address,
    point and answers; ``providers``: for a team that handed the order on, the teams whose
    own steps (and ratings) they still read, and nothing else; ``actors``: who took each
    step (staff only).
    """

    audience: str
    details: bool
    providers: frozenset[int] | None = None
    actors: bool = False


STAFF_READING = Reading(Audience.STAFF, details=True, actors=True)
RESIDENT_READING = Reading(Audience.RESIDENT, details=True)
# The resident of a duplicate merged into the order (issue 8): the steps and notes its own
# resident reads, but not another person's words, contact, address or answers.
FOLLOWER_READING = Reading(Audience.RESIDENT, details=False)


def public_reading(order: Order) -> Reading:
    """What anyone reads of an order (Open311's public feed): its public steps and notes;
    its details only when it was made public from the start."""
    return Reading(Audience.PUBLIC, details=order.channel in PUBLIC_CHANNELS)


def reading_of(user: Actor, order: Order) -> Reading:
    """What ``user`` reads of ``order``; someone with no part in it reads what the public
    does (pages and the REST API show such orders to nobody: see ``can_view``)."""
    if _staff_for(user, order) or _assigned(user, order):
        return STAFF_READING
    if provider_ids_of(user):
        # A team that handed it on: its own past steps only, no details.
        return Reading(
            Audience.STAFF, details=False, providers=frozenset(provider_ids_of(user)), actors=True
        )
    if _resident_of(user, order):
        return RESIDENT_READING
    if _follows(user, order):
        return FOLLOWER_READING
    return public_reading(order)


def step_audience(event: OrderEvent) -> str:
    return event.audience if event.action in NOTE_ACTIONS else STEP_AUDIENCE[event.action]


def sees_step(reading: Reading, event: OrderEvent) -> bool:
    if reading.providers is not None and event.provider_id not in reading.providers:
        return False
    return _RANK[Audience(reading.audience)] >= _RANK[Audience(step_audience(event))]


def note_for(reading: Reading, event: OrderEvent) -> str:
    """The event's note if the reader may read it, else nothing (the step still shows)."""
    return (
        event.note if _RANK[Audience(reading.audience)] >= _RANK[Audience(event.audience)] else ""
    )


def _within(reading: Reading) -> list[str]:
    top = _RANK[Audience(reading.audience)]
    return [a.value for a in Audience if _RANK[a] <= top]


def steps_q(reading: Reading) -> Q:
    """``sees_step`` as a filter on events (lists and Open311's latest public step)."""
    audiences = _within(reading)
    shown = [a for a, aud in STEP_AUDIENCE.items() if a not in NOTE_ACTIONS and aud in audiences]
    q = Q(action__in=shown) | Q(action__in=sorted(NOTE_ACTIONS), audience__in=audiences)
    if reading.providers is not None:
        q &= Q(provider_id__in=sorted(reading.providers))
    return q


def ratings_q(reading: Reading) -> Q | None:
    """The ratings of an order a reader reads: none for the public; a team that handed the
    order on, only those of its own work; everyone else all of them."""
    if reading.audience == Audience.PUBLIC:
        return None
    if reading.providers is not None:
        return Q(provider_id__in=sorted(reading.providers))
    return Q()


def ratings_visible_q(user: Actor) -> Q | None:
    """Ratings in lists: of the orders one sees, except that provider staff see those of
    their own work and of the orders they hold now."""
    ids = provider_ids_of(user)
    if ids:
        return Q(provider_id__in=ids) | Q(order__provider_id__in=ids)
    q = visible_orders_q(user)
    if q is None:
        return None
    return Q(order__in=Order.objects.filter(q).values("pk"))


def default_audience(action: str, *, by_resident: bool = False, by_client: bool = False) -> str:
    """The audience an event is written with when nobody chose one.

    A client application's update is public (Open311 is a public interface); what the
    resident says, or what is said to them as a reason (a rejection, a cancellation, a
    rating), goes to the resident and staff; a staff member's note stays with the staff.
    """
    if action in (Action.SUBMIT, Action.IMPORT) or by_client:
        return Audience.PUBLIC
    if by_resident or action in (Action.REJECT, Action.CANCEL, Action.RATE, Action.REOPEN):
        return Audience.RESIDENT
    return Audience.STAFF


# Notes whose audience staff choose when they write them (staff-only by default).
CHOSEN_AUDIENCE = frozenset(
    {
        Action.APPROVE,
        Action.DISPATCH,
        Action.REDISPATCH,
        Action.START,
        Action.DELIVER,
        Action.COMMENT,
    }
)


# --- the ranking and the validity of ratings (issue 8) -----------------------------------------


def _dispatches_in_township(user: Actor, township: Region) -> bool:
    profile = profile_of(user)
    if profile is None or profile.role not in DISPATCH_ROLES:
        return False
    return in_region_scope(profile.region, Order(township_id=township.pk, region_id=township.pk))


def can_see_ranked_orders(user: Actor, township: Region) -> bool:
    """Which orders were rated in a township (the ranking's drill-down): its dispatchers and
    county administrators. Everyone else, the public included, sees the figures only."""
    return _dispatches_in_township(user, township)


def rating_validity_refusal(user: Actor, rating: Rating, valid: bool) -> DomainError | None:
    """Why ``user`` may not mark ``rating`` valid (or not valid) now, or None.

    Dispatchers of the order's region and county administrators judge whether a rating
    counts (a callback that reached nobody, a duplicate): the people who run callbacks and
    answer for the ranking. Providers, whose rates it is, never do; nor do grid workers.
    Marking it as it already is is a conflict, so a double click writes nothing twice.
    """
    if not _dispatcher(profile_of(user), rating.order):
        return PermissionDenied.single(
            Code.NOT_PERMITTED, _("You may not change whether this rating counts."), "rating"
        )
    if rating.valid == valid:
        return Conflict.single(
            OrderCode.RATING_VALIDITY_UNCHANGED,
            _("This rating already counts.") if valid else _("This rating is already not valid."),
            "valid",
        )
    return None


def can_invalidate_rating(user: Actor, rating: Rating) -> bool:
    return rating_validity_refusal(user, rating, False) is None


def can_revalidate_rating(user: Actor, rating: Rating) -> bool:
    return rating_validity_refusal(user, rating, True) is None


# --- following an order without an account (/track/) ------------------------------------------
# Whoever holds an order's number and the phone it was placed with (the contact phone given
# with it, or its resident's own) follows it without an account: they read what its
# resident reads of its progress (public and resident steps and notes, never staff-only
# ones) but none of its details (words, address, point, answers, contact), which a
# neighbour who knows the phone should not learn from a number read out loud.

TRACKER_READING = Reading(Audience.RESIDENT, details=False)


def _same_phone(stored: str, phone: str) -> bool:
    """Whether a stored number (perhaps written before numbers were checked) is ``phone``."""
    if not stored:
        return False
    try:
        return read_phone(stored) == phone
    except Invalid:
        return False


def holds_order(order: Order, phone: str) -> bool:
    """Whether ``phone`` (a stored form, ``core.phones.read_phone``) is the one ``order`` was
    placed with: its contact phone, or its resident's profile phone."""
    if _same_phone(order.contact_phone, phone):
        return True
    profile = profile_of(order.resident) if order.resident_id is not None else None
    return profile is not None and _same_phone(profile.phone, phone)


def tracking_reading(order: Order, phone: str) -> Reading | None:
    """What the holder of ``order``'s number and ``phone`` reads of it; None if the phone is
    not the order's."""
    return TRACKER_READING if holds_order(order, phone) else None


# --- who is told about an order (orders.notifications asks; issue 8) ----------------------------
# The people an order's news goes to, by the same scopes as the rules above: the dispatch
# staff whose region holds the order (the most local first: its township's or village's,
# else the county's), the county's dispatch staff (an escalation to the county), the staff of
# a provider team, and the order's resident (an account, or only a phone when staff ordered
# for someone without one). Inactive accounts are told nothing.


def queue_dispatchers(order: Order) -> QuerySet[User]:
    """Dispatch staff whose queue the order is in: those scoped to its township or
    village; where there are none, those scoped to the county."""
    staff = User.objects.filter(is_active=True, profile__role__in=DISPATCH_ROLES)
    local = staff.filter(profile__region_id__in=[order.township_id, order.region_id])
    return local if local.exists() else county_dispatchers()


def county_dispatchers() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        profile__role__in=DISPATCH_ROLES,
        profile__region__level=Region.Level.COUNTY,
    )


def provider_staff(provider_id: int | None) -> QuerySet[User]:
    """The staff of an active provider team (none for no team)."""
    if provider_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, providers__pk=provider_id, providers__active=True
    ).distinct()


def owners_now(order: Order) -> QuerySet[User]:
    """Who holds the order's current step: the provider's staff once it is dispatched,
    the dispatch staff before."""
    if order.status in (Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE):
        return provider_staff(order.provider_id)
    return queue_dispatchers(order)


def resident_to_tell(order: Order) -> tuple[User | None, str]:
    """The order's resident (an active account), or else the mobile it was placed with
    (SMS only): ``(None, "")`` when there is nobody to tell."""
    if order.resident_id is not None:
        resident = User.objects.filter(pk=order.resident_id, is_active=True).first()
        return resident, ""
    phone = order.contact_phone
    return None, phone if phone and is_mobile(phone) else ""


# --- rating without logging in (issue 8) --------------------------------------------------------
# Whoever holds a valid rating link (sent to the resident when the order was delivered), or
# answers the rating SMS from the phone it went to, may rate that round of that order while
# it waits for its rating: the link or the SMS stands for the resident.


def link_rating_refusal(order: Order, round: int) -> DomainError | None:
    if order.round != round or order.status != Status.DELIVERED:
        if order.round != round or last_delivery_rated(order):
            return Conflict.single(
                OrderCode.LINK_USED,
                _("This order has already been rated: thank you. The link cannot be used again."),
                "token",
            )
        return illegal(order, Action.RATE)
    return None


def can_rate_by_link(order: Order, round: int) -> bool:
    return link_rating_refusal(order, round) is None


def require_link_rating(order: Order, round: int) -> None:
    error = link_rating_refusal(order, round)
    if error is not None:
        raise error


# --- reaching the resident: who sees the contact in full (issue 8) ----------------------------
#
# The resident's name and phone are what a dispatcher, the team serving her and callback
# staff need to reach her, and personal data everyone else does without (PIPL: the minimum,
# and access logged). In full, as a ``tel:`` link: the dispatchers and administrators whose
# region covers the order and the grid workers who act for her there (everyone who may
# record a callback: ``_staff_for``), and the staff of the team the order is assigned to,
# while it works on it and after delivery until it is rated (to check it was done).
# Everyone else who may see the order reads it masked (138****5678, 王**): the resident
# herself, a team that handed the order on or failed it. Each showing in full is recorded
# (``orders.services.contact_views_record``), and the order's dispatchers read that log.

# While the holding team calls the resident: from dispatch to the rating.
CONTACT_STATUSES = frozenset(
    {Status.DISPATCHED, Status.ACCEPTED, Status.IN_SERVICE, Status.DELIVERED}
)


def can_see_contact(user: Actor, order: Order) -> bool:
    """Whether ``user`` reads the order's contact name and phone in full."""
    if _staff_for(user, order):
        return True
    return _assigned(user, order) and order.status in CONTACT_STATUSES


def can_see_contact_log(user: Actor, order: Order) -> bool:
    """Who reads the log of who saw the order's contact: its dispatchers and administrators."""
    return _dispatcher(profile_of(user), order)


@dataclass(frozen=True)
class Contact:
    """The order's contact as one reader reads it: ``tel`` is the link to call (empty when
    masked or there is no phone); ``full`` whether the name and phone are unmasked."""

    name: str
    phone: str
    tel: str
    full: bool

    @property
    def recorded(self) -> bool:
        """Showing it is a view of the resident's number the log keeps."""
        return self.full and bool(self.phone)


def mask_name(name: str) -> str:
    """The family name and a star for each other character (王大爷 → 王**)."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def contact_of(user: Actor, order: Order) -> Contact:
    """The order's contact as ``user`` reads it (see the block's comment). Pages and the
    REST API show it through ``orders.services.contact_views_record``, which logs it."""
    if can_see_contact(user, order):
        phone = order.contact_phone
        return Contact(order.contact_name, phone, tel_uri(phone) if phone else "", full=True)
    return masked_contact(order)


def masked_contact(order: Order) -> Contact:
    """The contact as those read it who may not read it in full."""
    return Contact(mask_name(order.contact_name), mask_phone(order.contact_phone), "", full=False)


# --- reopened orders: the team that failed one does not get it back (issue 8) ---------------
#
# A delivery the resident (or a callback for her) found not solved reopens the order into a
# new round. The team whose delivery that was is read from the not-solved rating itself
# (``Rating.provider``, written from the order at rating time): the rating is the record of
# the failure, so nothing new is stored and no other copy can disagree with it. From then
# on the order never goes back to that team by itself: automatic dispatch and re-dispatch
# (``orders.candidates``: not ``available``) and grabs (``grab_queue_q``, ``can_grab``) skip
# it; a dispatcher may still choose it explicitly, seeing it marked in the candidates list.


def failed_rounds(order: Order) -> dict[int, int]:
    """``{provider id: round}``: the teams whose delivery of ``order`` was found not solved,
    each with the (latest) round it failed in."""
    rows = (
        Rating.objects.filter(order_id=order.pk, solved=False, provider_id__isnull=False)
        .order_by("round")
        .values_list("provider_id", "round")
    )
    return {provider_id: rnd for provider_id, rnd in rows if provider_id is not None}


def failed_rounds_by_order(orders: list[Order]) -> dict[int, dict[int, int]]:
    """``failed_rounds`` of many orders (a dispatcher's queue) in one query:
    ``{order id: {provider id: round}}``."""
    out: dict[int, dict[int, int]] = {}
    rows = (
        Rating.objects.filter(
            order_id__in=[o.pk for o in orders], solved=False, provider_id__isnull=False
        )
        .order_by("round")
        .values_list("order_id", "provider_id", "round")
    )
    for order_id, provider_id, rnd in rows:
        out.setdefault(order_id, {})[provider_id] = rnd
    return out


def failed_by_q(provider_id: int) -> Q:
    """Orders this provider's delivery of was found not solved (``failed_rounds``, as a
    filter on orders)."""
    failed = Rating.objects.filter(solved=False, provider_id=provider_id).values("order_id")
    return Q(pk__in=failed)


# --- Orders waiting for the reader's rating (issue 8: the "to rate" badge) --------------------


def to_rate_q(user: Actor) -> Q:
    """The orders ``user`` may rate now: the same answer as ``can_rate`` (their own order,
    delivered and not yet rated) as a filter, for the badge that counts them."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(resident_id=user.pk, status=Status.DELIVERED)
