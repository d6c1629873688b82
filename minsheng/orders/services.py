"""Writes for the order loop (点单 → 审单 → 派单 → 接单 → 评单).

Every transition is one transaction that locks the order row, checks who is acting and
the transition table, changes the state and appends an :class:`OrderEvent`. Nothing else
assigns ``Order.status``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import Role
from minsheng.accounts.selectors import profile_of
from minsheng.catalog.models import Category, Provider, Service, ServiceArea, UrgencyClass
from minsheng.catalog.selectors import menu_entry
from minsheng.core.errors import Conflict, DomainError, ErrorDetail, NotFound, PermissionDenied
from minsheng.core.ids import as_id
from minsheng.orders import policy
from minsheng.orders.attributes import MAX_TEXT, clean_answers
from minsheng.orders.dispatch import best_candidate, eligible_provider_ids
from minsheng.orders.models import (
    ACTION_TRANSITIONS,
    DISPATCH_QUEUE_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Channel,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.orders.selectors import used_capacity_today
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_by_code

MAX_NOTE = 2000
STAFF_CHANNELS = frozenset({Channel.GRID_WORKER, Channel.HOTLINE, Channel.VISIT})


# --- helpers ----------------------------------------------------------------------------------


def _lock(order_id: Any) -> Order:
    """Lock the order row for the rest of the transaction (SQLite: the whole database)."""
    pk = as_id(order_id)
    order = Order.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if order is None:
        raise NotFound.single("order_not_found", _("No such order."), "order")
    return order


def _illegal(order: Order, action: str) -> Conflict:
    return Conflict.single(
        "illegal_transition",
        _("This order is %(status)s: it cannot be %(action)s now.")
        % {"status": order.get_status_display(), "action": Action(action).label},
        "status",
    )


def _transition(
    order: Order,
    *,
    action: str,
    to: str,
    actor: Any,
    now: datetime,
    note: str = "",
    provider: Provider | None = None,
    step_deadline: datetime | None = None,
    **changes: Any,
) -> OrderEvent:
    """Move a locked order along the table and append its event. Starts a new step."""
    frm = order.status
    if (frm, to) not in ACTION_TRANSITIONS[action] or to not in TRANSITIONS[frm]:
        raise _illegal(order, action)
    # The event names the provider concerned: the one given (a new assignee), else the one
    # holding the order when the step was taken (who delivered, who was cancelled on).
    provider_id = provider.pk if provider is not None else order.provider_id
    order.status = to
    order.updated_at = now
    order.step_deadline = step_deadline
    order.escalated_at = None
    fields = ["status", "updated_at", "step_deadline", "escalated_at"]
    for name, value in changes.items():
        setattr(order, name, value)
        fields.append(name)
    order.save(update_fields=fields)
    return OrderEvent.objects.create(
        order=order,
        action=action,
        old_status=frm,
        new_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        provider_id=provider_id,
        note=note,
        round=order.round,
        created_at=now,
    )


def _text(value: Any) -> str:
    """Free text from an adapter: None is empty; anything else is read as a string."""
    return "" if value is None else str(value)


def _clean_note(note: Any, *, field: str = "note", required: bool = False) -> str:
    note = _text(note).strip()
    if required and not note:
        raise DomainError.single("reason_required", _("Please give a reason."), field)
    if len(note) > MAX_NOTE:
        raise DomainError.single(
            "too_long", _("At most %(limit)d characters.") % {"limit": MAX_NOTE}, field
        )
    return note


def _urgency(order: Order) -> UrgencyClass:
    return UrgencyClass.objects.get(pk=order.urgency_id)


def _require(cond: bool) -> None:
    if not cond:
        raise PermissionDenied.single("not_permitted", _("You may not act on this order."), "order")


# --- 点单: ordering ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderInput:
    """What an adapter parsed from a form, a JSON body or an Open311 request."""

    region_code: str
    service_code: str = ""
    area_code: str = ""
    description: str = ""
    answers: Mapping[str, Any] | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    channel: str = Channel.WEB
    contact_name: str = ""
    contact_phone: str = ""


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _coordinate(value: Any, field: str, errors: list[ErrorDetail]) -> float | None:
    """A latitude or longitude as a finite float, or None; an error if it is not a number."""
    if not _given(value):
        return None
    if isinstance(value, bool):
        number = math.nan
    else:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
    if not math.isfinite(number):
        errors.append(ErrorDetail("not_number", _("Enter a number."), field))
        return None
    return number


def _resolve_place(
    data: OrderInput, errors: list[ErrorDetail]
) -> tuple[Region | None, float | None, float | None]:
    """The ordered place and its optional point; refusals are appended to ``errors``."""
    latitude = _coordinate(data.latitude, "latitude", errors)
    longitude = _coordinate(data.longitude, "longitude", errors)
    if latitude is not None and not -90 <= latitude <= 90:
        errors.append(
            ErrorDetail("latitude_range", _("Latitude is between -90 and 90."), "latitude")
        )
    if longitude is not None and not -180 <= longitude <= 180:
        errors.append(
            ErrorDetail("longitude_range", _("Longitude is between -180 and 180."), "longitude")
        )
    lat_given, long_given = _given(data.latitude), _given(data.longitude)
    if lat_given != long_given:
        errors.append(
            ErrorDetail(
                "location_incomplete",
                _("Give both latitude and longitude, or neither."),
                "longitude" if lat_given else "latitude",
            )
        )
    if len(_text(data.address).strip()) > 300:
        errors.append(ErrorDetail("too_long", _("At most 300 characters."), "address"))
    code = _text(data.region_code).strip()
    region = region_by_code(code) if code else None
    if region is None:
        errors.append(ErrorDetail("region_unknown", _("No such place."), "region"))
        return None, latitude, longitude
    if region.level == Region.Level.COUNTY:
        errors.append(
            ErrorDetail("region_too_broad", _("Choose a township or a village."), "region")
        )
        return None, latitude, longitude
    return region, latitude, longitude


def order_submit(
    *, actor: Any, data: OrderInput, resident: Any = None, now: datetime | None = None
) -> Order:
    """Place an order (点单) for a menu item or a free-form need.

    ``actor`` is the resident ordering for themself, or staff (grid worker, dispatcher,
    administrator) ordering on a resident's behalf, who must then name the channel and
    either the resident's account or their name and phone. Nothing is written on error.
    """
    now = now or timezone.now()
    profile = profile_of(actor) if actor is not None else None
    # An Open311 client application orders with no account: the adapter has checked its
    # API key, and the order's resident is whoever the request's contact fields name.
    client_app = actor is None and _text(data.channel) == Channel.OPEN311
    if profile is None and not client_app:
        raise PermissionDenied.single("login_required", _("Please log in to order."), None)
    errors: list[ErrorDetail] = []
    on_behalf = profile is not None and profile.role in (
        Role.GRID_WORKER,
        Role.DISPATCHER,
        Role.COUNTY_ADMIN,
    )
    if profile is not None and profile.role == Role.PROVIDER_STAFF:
        raise PermissionDenied.single(
            "not_permitted", _("Provider staff cannot place orders."), None
        )
    # Adapters hand over parsed input, but nothing here trusts its types: a wrong type is a
    # refusal with a field, never a crash.
    channel = _text(data.channel)
    contact_name = _text(data.contact_name).strip()
    contact_phone = _text(data.contact_phone).strip()
    if on_behalf:
        if channel not in STAFF_CHANNELS:
            errors.append(
                ErrorDetail(
                    "channel_invalid",
                    _("Choose how the resident reached you: grid worker, hotline or visit."),
                    "channel",
                )
            )
        if resident is None and not (contact_name and contact_phone):
            errors.append(
                ErrorDetail(
                    "contact_required",
                    _("Give the resident's name and phone."),
                    "contact_phone" if contact_name else "contact_name",
                )
            )
        resident_profile = profile_of(resident) if resident is not None else None
        if resident is not None and (
            resident_profile is None or resident_profile.role != Role.RESIDENT
        ):
            errors.append(
                ErrorDetail("resident_invalid", _("This account is not a resident's."), "resident")
            )
    else:
        allowed = (Channel.OPEN311,) if client_app else (Channel.WEB, Channel.API)
        if channel not in allowed:
            errors.append(ErrorDetail("channel_invalid", _("Unknown channel."), "channel"))
        resident = actor
    if len(contact_name) > 100:
        errors.append(ErrorDetail("too_long", _("At most 100 characters."), "contact_name"))
    if len(contact_phone) > 30:
        errors.append(ErrorDetail("too_long", _("At most 30 characters."), "contact_phone"))

    region, latitude, longitude = _resolve_place(data, errors)
    if region is not None and on_behalf and profile is not None and profile.region is not None:
        scope_region = profile.region
        order_probe = Order(region=region, township_id=region.township_id or region.pk)
        if not policy.in_region_scope(scope_region, order_probe):
            errors.append(
                ErrorDetail(
                    "region_out_of_scope", _("This place is outside your region."), "region"
                )
            )

    description = _text(data.description).strip()
    if len(description) > MAX_TEXT:
        errors.append(
            ErrorDetail(
                "too_long", _("At most %(limit)d characters.") % {"limit": MAX_TEXT}, "description"
            )
        )

    raw_answers = data.answers if data.answers is not None else {}
    if not isinstance(raw_answers, Mapping):
        errors.append(
            ErrorDetail("attributes_invalid", _("Answers must be given by question."), "attribute")
        )
        raw_answers = {}
    service_code = _text(data.service_code).strip()
    area_code = _text(data.area_code).strip()
    service: Service | None = None
    area: ServiceArea | None = None
    category: Category | None = None
    answers: dict[str, Any] = {}
    if service_code:
        # Reference data read on every order comes from the per-process cache.
        entry = menu_entry(service_code)
        if entry is None:
            errors.append(ErrorDetail("service_unknown", _("No such service."), "service"))
        elif not entry.service.published:
            errors.append(
                ErrorDetail("service_unpublished", _("This service is not on the menu."), "service")
            )
        else:
            service = entry.service
            area, category = service.category.area, service.category
            if region is not None and not entry.offered_at(region):
                errors.append(
                    ErrorDetail(
                        "service_not_offered",
                        _("This service is not offered at this place."),
                        "region",
                    )
                )
            try:
                answers = clean_answers(entry.attributes, raw_answers)
            except DomainError as exc:
                errors.extend(exc.errors)
    else:
        if raw_answers:
            errors.append(
                ErrorDetail(
                    "attribute_unknown", _("A free-form need has no questions."), "attribute"
                )
            )
        area = ServiceArea.objects.filter(code=area_code).first() if area_code else None
        if area is None:
            errors.append(
                ErrorDetail(
                    "area_required" if not area_code else "area_unknown",
                    _("Choose a service, or the area of your need."),
                    "area" if area_code else "service",
                )
            )
        if not description:
            errors.append(
                ErrorDetail("description_required", _("Describe what you need."), "description")
            )
    if errors or region is None or area is None:
        raise DomainError(errors)

    urgency = service.urgency if service is not None else UrgencyClass.objects.get(code="general")
    # No savepoint inside a caller's transaction (Open311 adds its own row in the same one):
    # every refusal above is raised before any write, so a failure here fails the caller's
    # whole transaction anyway, and the savepoint would cost two round trips per order.
    with transaction.atomic(savepoint=False):
        order = Order.objects.create(
            status=Status.SUBMITTED,
            service=service,
            area=area,
            category=category,
            urgency=urgency,
            description=description,
            answers=answers,
            region=region,
            # The object, not its id: the answer to the order then names its township
            # without another query (region_by_code loaded the village's parent).
            township=region.township or region,
            latitude=latitude,
            longitude=longitude,
            address=_text(data.address).strip(),
            resident=resident,
            contact_name=contact_name,
            contact_phone=contact_phone,
            created_by=actor,
            channel=channel,
            created_at=now,
            updated_at=now,
            step_deadline=now + urgency.review_limit,
            resolve_deadline=now + urgency.resolve_limit,
        )
        OrderEvent.objects.create(
            order=order,
            action=Action.SUBMIT,
            old_status="",
            new_status=Status.SUBMITTED,
            actor=actor,
            round=0,
            created_at=now,
        )
    return order


# --- 审单: review -----------------------------------------------------------------------------


def order_approve(
    *, order_id: int, actor: Any, note: str = "", now: datetime | None = None
) -> Order:
    """Approve at review; an auto-dispatch service goes straight to its best candidate."""
    now = now or timezone.now()
    note = _clean_note(note)
    with transaction.atomic():
        order = _lock(order_id)
        _require(policy.is_dispatcher_for(profile_of(actor), order))
        urgency = _urgency(order)
        _transition(
            order,
            action=Action.APPROVE,
            to=Status.APPROVED,
            actor=actor,
            now=now,
            note=note,
            step_deadline=now + urgency.review_limit,
        )
        _auto_dispatch(order, now=now)
    return order


def order_reject(*, order_id: int, actor: Any, reason: str, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    reason = _clean_note(reason, field="reason", required=True)
    with transaction.atomic():
        order = _lock(order_id)
        _require(policy.is_dispatcher_for(profile_of(actor), order))
        _transition(
            order,
            action=Action.REJECT,
            to=Status.REJECTED,
            actor=actor,
            now=now,
            note=reason,
            closed_at=now,
        )
    return order


# --- 派单: dispatch ---------------------------------------------------------------------------


def _lock_providers(ids: Iterable[int]) -> None:
    """Lock provider rows until the end of the transaction, so that their spare capacity is
    counted and used by one step at a time (two dispatches cannot both take the last slot).

    Always after the order's lock and in ascending id, so no two steps wait on each other.
    """
    list(Provider.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk").only("pk"))


def _check_provider(order: Order, provider_id: Any, now: datetime) -> Provider:
    pk = as_id(provider_id)
    if pk is not None:
        _lock_providers([pk])
    provider = Provider.objects.filter(pk=pk).first() if pk is not None else None
    if provider is None or provider.pk not in eligible_provider_ids(order):
        raise DomainError.single(
            "provider_not_eligible",
            _("This provider does not serve this place and kind of service."),
            "provider",
        )
    used = used_capacity_today([provider.pk], now).get(provider.pk, 0)
    if used >= provider.daily_capacity:
        raise DomainError.single(
            "provider_full", _("This provider has no capacity left today."), "provider"
        )
    return provider


def _require_assigned(actor: Any, order: Order) -> None:
    """The actor works for the provider holding the order.

    Staff whose team held the order before (declined, timed out, re-dispatched away) get a
    conflict rather than a refusal: they lost a race, they did nothing forbidden.
    """
    if policy.is_provider_staff_for(actor, order.provider_id):
        return
    mine = policy.provider_ids_of(actor)
    if mine and OrderEvent.objects.filter(order=order, provider_id__in=mine).exists():
        raise Conflict.single(
            "not_assigned", _("This order is no longer assigned to your team."), "order"
        )
    _require(False)


def _dispatch_to(
    order: Order, provider: Provider, *, action: str, actor: Any, now: datetime, note: str = ""
) -> None:
    urgency = _urgency(order)
    _transition(
        order,
        action=action,
        to=Status.DISPATCHED,
        actor=actor,
        now=now,
        note=note,
        provider=provider,
        step_deadline=now + urgency.accept_limit,
        provider_id=provider.pk,
        dispatched_at=now,
    )


def _dispatch_mode(order: Order) -> str | None:
    if order.service_id is None:
        return None
    return (
        Service.objects.filter(pk=order.service_id).values_list("dispatch_mode", flat=True).first()
    )


def _auto_dispatch(order: Order, *, now: datetime) -> bool:
    """Send a queued auto-dispatch order to its best available candidate, if any.

    Called inside the transaction of the step that queued the order (approval, decline,
    timeout, reopening), so the order is never seen queued in between.
    """
    if order.status not in DISPATCH_QUEUE_STATUSES:
        return False
    if _dispatch_mode(order) != Service.DispatchMode.AUTO:
        return False
    _lock_providers(eligible_provider_ids(order))
    best = best_candidate(order, now=now)
    if best is None:
        return False
    _dispatch_to(order, best.provider, action=Action.DISPATCH, actor=None, now=now)
    return True


def order_dispatch(
    *, order_id: int, actor: Any, provider_id: int, note: str = "", now: datetime | None = None
) -> Order:
    """A dispatcher sends a queued order to a provider, or re-dispatches a dispatched one."""
    now = now or timezone.now()
    note = _clean_note(note)
    with transaction.atomic():
        order = _lock(order_id)
        _require(policy.is_dispatcher_for(profile_of(actor), order))
        if order.status == Status.DISPATCHED:
            if order.provider_id is not None and order.provider_id == as_id(provider_id):
                raise DomainError.single(
                    "provider_unchanged", _("The order is already with this provider."), "provider"
                )
            action = Action.REDISPATCH
        else:
            action = Action.DISPATCH
        if (order.status, Status.DISPATCHED) not in ACTION_TRANSITIONS[action]:
            raise _illegal(order, action)
        provider = _check_provider(order, provider_id, now)
        _dispatch_to(order, provider, action=action, actor=actor, now=now, note=note)
    return order


def _back_to_queue(order: Order, *, action: str, actor: Any, now: datetime, note: str) -> None:
    """Declined or not taken: the order returns to dispatch, never lost.

    The event keeps the provider who let it go, which excludes them from this round's
    automatic dispatch (see ``declined_provider_ids``).
    """
    urgency = _urgency(order)
    _transition(
        order,
        action=action,
        to=Status.APPROVED,
        actor=actor,
        now=now,
        note=note,
        step_deadline=now + urgency.review_limit,
        provider_id=None,
        dispatched_at=None,
    )
    _auto_dispatch(order, now=now)


def order_decline(*, order_id: int, actor: Any, reason: str, now: datetime | None = None) -> Order:
    """The provider gives a dispatched order back, with a reason."""
    now = now or timezone.now()
    reason = _clean_note(reason, field="reason", required=True)
    with transaction.atomic():
        order = _lock(order_id)
        _require_assigned(actor, order)
        if order.status != Status.DISPATCHED:
            raise _illegal(order, Action.DECLINE)
        _back_to_queue(order, action=Action.DECLINE, actor=actor, now=now, note=reason)
    return order


# --- 接单: taking and delivering --------------------------------------------------------------


def order_accept(*, order_id: int, actor: Any, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock(order_id)
        _require_assigned(actor, order)
        _transition(
            order,
            action=Action.ACCEPT,
            to=Status.ACCEPTED,
            actor=actor,
            now=now,
            step_deadline=max(order.resolve_deadline, now),
            accepted_at=now,
        )
    return order


def order_grab(
    *, order_id: int, actor: Any, provider_id: int | None = None, now: datetime | None = None
) -> Order:
    """First come, first served: the row lock lets exactly one provider win.

    Without ``provider_id``, the order goes to the lowest-numbered of the actor's teams
    that may take it (staff of one team, the usual case, need not name it).
    """
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock(order_id)
        if provider_id is None:
            mine = set(policy.provider_ids_of(actor)) & eligible_provider_ids(order)
            provider_id = min(mine) if mine else 0  # 0: no team of theirs; refused below
        _require(policy.is_provider_staff_for(actor, as_id(provider_id)))
        if _dispatch_mode(order) != Service.DispatchMode.GRAB:
            raise Conflict.single(
                "not_grabbable", _("This order is dispatched, not grabbed."), "order"
            )
        if order.status not in DISPATCH_QUEUE_STATUSES:
            raise Conflict.single(
                "already_taken", _("This order has already been taken or is not open."), "order"
            )
        provider = _check_provider(order, provider_id, now)
        _transition(
            order,
            action=Action.GRAB,
            to=Status.ACCEPTED,
            actor=actor,
            now=now,
            provider=provider,
            step_deadline=max(order.resolve_deadline, now),
            provider_id=provider.pk,
            dispatched_at=now,
            accepted_at=now,
        )
    return order


def order_start(*, order_id: int, actor: Any, note: str = "", now: datetime | None = None) -> Order:
    now = now or timezone.now()
    note = _clean_note(note)
    with transaction.atomic():
        order = _lock(order_id)
        _require_assigned(actor, order)
        _transition(
            order,
            action=Action.START,
            to=Status.IN_SERVICE,
            actor=actor,
            now=now,
            note=note,
            step_deadline=max(order.resolve_deadline, now),
        )
    return order


def order_deliver(*, order_id: int, actor: Any, note: str, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    note = _clean_note(note, required=True)
    with transaction.atomic():
        order = _lock(order_id)
        _require_assigned(actor, order)
        _transition(
            order,
            action=Action.DELIVER,
            to=Status.DELIVERED,
            actor=actor,
            now=now,
            note=note,
            step_deadline=now + timedelta(days=settings.MINSHENG_AUTO_CLOSE_DAYS),
            delivered_at=now,
        )
    return order


# --- 评单: rating and callback ----------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    contacted: bool | None
    solved: bool | None
    satisfaction: str
    comment: str = ""


def _yes_no(value: Any) -> bool | None:
    """True/False as given; None when the answer is missing or not a yes/no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _clean_rating(data: RatingInput) -> tuple[RatingInput, list[ErrorDetail]]:
    errors: list[ErrorDetail] = []
    contacted, solved = _yes_no(data.contacted), _yes_no(data.solved)
    if contacted is None:
        errors.append(ErrorDetail("required", _("Say whether you were contacted."), "contacted"))
    if solved is None:
        errors.append(ErrorDetail("required", _("Say whether it was solved."), "solved"))
    satisfaction = _text(data.satisfaction).strip()
    if satisfaction not in Satisfaction.values:
        errors.append(
            ErrorDetail("satisfaction_invalid", _("Choose how satisfied you are."), "satisfaction")
        )
    comment = _text(data.comment).strip()
    if len(comment) > MAX_TEXT:
        errors.append(
            ErrorDetail(
                "too_long", _("At most %(limit)d characters.") % {"limit": MAX_TEXT}, "comment"
            )
        )
    return RatingInput(contacted, solved, satisfaction, comment), errors


def _last_delivery_rated(order: Order) -> bool:
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


def order_rate(
    *, order_id: int, actor: Any, data: RatingInput, now: datetime | None = None
) -> Rating:
    """The resident rates a delivered order, or staff record a callback for them.

    Solved closes the order; not solved reopens it (back to dispatch, a new round). The
    order lock serialises a resident and a callback rating at once: the second is told
    ``already_rated``; the unique (order, round) constraint backs this up.
    """
    now = now or timezone.now()
    data, errors = _clean_rating(data)
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        order = _lock(order_id)
        if policy.is_resident_of(actor, order):
            via = Rating.Via.RESIDENT
        elif policy.is_staff_for(profile_of(actor), order):
            via = Rating.Via.CALLBACK
        else:
            raise PermissionDenied.single(
                "not_permitted", _("You may not act on this order."), "order"
            )
        if order.status != Status.DELIVERED:
            if _last_delivery_rated(order):
                raise Conflict.single(
                    "already_rated", _("This order has already been rated."), "order"
                )
            raise _illegal(order, Action.RATE)
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    order=order,
                    round=order.round,
                    via=via,
                    contacted=bool(data.contacted),
                    solved=bool(data.solved),
                    satisfaction=data.satisfaction,
                    comment=data.comment,
                    rated_by=actor,
                    township_id=order.township_id,
                    provider_id=order.provider_id,
                    created_at=now,
                )
        except IntegrityError:
            raise Conflict.single(
                "already_rated", _("This order has already been rated."), "order"
            ) from None
        summary = str(Satisfaction(data.satisfaction).label) + (
            f": {data.comment}" if data.comment else ""
        )
        if data.solved:
            _transition(
                order,
                action=Action.RATE,
                to=Status.CLOSED,
                actor=actor,
                now=now,
                note=summary,
                closed_at=now,
            )
        else:
            urgency = _urgency(order)
            _transition(
                order,
                action=Action.REOPEN,
                to=Status.REOPENED,
                actor=actor,
                now=now,
                note=summary,
                step_deadline=now + urgency.review_limit,
                resolve_deadline=now + urgency.resolve_limit,
                round=order.round + 1,
                provider_id=None,
                dispatched_at=None,
                accepted_at=None,
                delivered_at=None,
            )
            _auto_dispatch(order, now=now)
    return rating


def order_cancel(
    *, order_id: int, actor: Any, reason: str = "", now: datetime | None = None
) -> Order:
    """The resident (or staff at their request) cancels an order while it is open."""
    now = now or timezone.now()
    reason = _clean_note(reason, field="reason")
    with transaction.atomic():
        order = _lock(order_id)
        _require(
            policy.is_resident_of(actor, order) or policy.is_staff_for(profile_of(actor), order)
        )
        if order.status not in OPEN_STATUSES:
            raise _illegal(order, Action.CANCEL)
        _transition(
            order,
            action=Action.CANCEL,
            to=Status.CANCELLED,
            actor=actor,
            now=now,
            note=reason,
            closed_at=now,
        )
    return order


def order_comment(
    *, order_id: int, actor: Any, note: str, now: datetime | None = None
) -> OrderEvent:
    """Add a public update to an order's history without changing its state.

    ``actor`` is the order's resident or staff in scope; ``None`` is a client application
    whose API key the adapter (Open311's ``servicerequestupdates``) has already checked.
    """
    now = now or timezone.now()
    note = _clean_note(note, required=True)
    with transaction.atomic():
        order = _lock(order_id)
        if actor is not None:
            _require(
                policy.is_resident_of(actor, order) or policy.is_staff_for(profile_of(actor), order)
            )
        order.updated_at = now
        order.save(update_fields=["updated_at"])
        return OrderEvent.objects.create(
            order=order,
            action=Action.COMMENT,
            old_status=order.status,
            new_status=order.status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            provider_id=order.provider_id,
            note=note,
            round=order.round,
            created_at=now,
        )


# --- history moved from another system ------------------------------------------------------


@dataclass(frozen=True)
class ImportedOrder:
    """An order as another system recorded it, already placed in a region of ours."""

    region: Region
    area: ServiceArea
    requested_at: datetime
    updated_at: datetime
    closed: bool
    service: Service | None = None
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    status_notes: str = ""
    source_note: str = ""
    expected_at: datetime | None = None


def order_import(*, data: ImportedOrder, now: datetime | None = None) -> Order:
    """Record an order another system took, with its history as far as it is known.

    A closed order arrives closed at its last update. An open one enters the loop at
    review (审单), ordered when it was ordered there: its review step is due counted from
    now (the county has only just seen it), its resolution from the original order time
    (or the deadline the other system gave). The events are an ``import`` at the order
    time and, where the other system published a status note, a public update with it.
    Nothing here checks the menu: history is recorded as it happened.
    """
    now = now or timezone.now()
    if data.updated_at < data.requested_at:
        raise DomainError.single(
            "updated_before_requested",
            _("The last update is earlier than the order time."),
            "updated_datetime",
        )
    urgency = (
        data.service.urgency
        if data.service is not None
        else UrgencyClass.objects.get(code="general")
    )
    status = Status.CLOSED if data.closed else Status.SUBMITTED
    description = _text(data.description).strip()[:MAX_TEXT]
    with transaction.atomic():
        order = Order.objects.create(
            status=status,
            service=data.service,
            area=data.area,
            category=data.service.category if data.service is not None else None,
            urgency=urgency,
            description=description,
            region=data.region,
            township_id=data.region.township_id or data.region.pk,
            latitude=data.latitude,
            longitude=data.longitude,
            address=_text(data.address).strip()[:300],
            channel=Channel.IMPORT,
            created_at=data.requested_at,
            updated_at=data.updated_at,
            step_deadline=None if data.closed else now + urgency.review_limit,
            resolve_deadline=data.expected_at or data.requested_at + urgency.resolve_limit,
            closed_at=data.updated_at if data.closed else None,
        )
        OrderEvent.objects.create(
            order=order,
            action=Action.IMPORT,
            old_status="",
            new_status=status,
            note=_text(data.source_note).strip()[:MAX_NOTE],
            round=0,
            created_at=data.requested_at,
        )
        notes = _text(data.status_notes).strip()[:MAX_NOTE]
        if notes:
            OrderEvent.objects.create(
                order=order,
                action=Action.COMMENT,
                old_status=status,
                new_status=status,
                note=notes,
                round=0,
                created_at=data.updated_at,
            )
    return order


# --- time limits ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    escalated: int = 0
    redispatched: int = 0
    requeued: int = 0
    auto_closed: int = 0


def _sweep_one(order_id: int, now: datetime, result: SweepResult) -> None:
    with transaction.atomic():
        order = _lock(order_id)
        # Re-check under the lock: another sweep or a person may have acted meanwhile.
        if order.step_deadline is None or order.step_deadline >= now:
            return
        if order.status == Status.DISPATCHED:
            _back_to_queue(
                order,
                action=Action.ACCEPT_TIMEOUT,
                actor=None,
                now=now,
                note=str(_("Not taken within the time limit.")),
            )
            if order.status == Status.DISPATCHED:
                result.redispatched += 1
            else:
                result.requeued += 1
        elif order.status == Status.DELIVERED:
            _transition(
                order,
                action=Action.AUTO_CLOSE,
                to=Status.CLOSED,
                actor=None,
                now=now,
                closed_at=now,
            )
            result.auto_closed += 1
        elif order.status in OPEN_STATUSES and order.escalated_at is None:
            order.escalated_at = now
            order.escalation_count += 1
            order.updated_at = now
            order.save(update_fields=["escalated_at", "escalation_count", "updated_at"])
            OrderEvent.objects.create(
                order=order,
                action=Action.ESCALATE,
                old_status=order.status,
                new_status=order.status,
                provider_id=order.provider_id,
                round=order.round,
                note=str(
                    _("Step overdue since %(due)s.")
                    % {"due": timezone.localtime(order.step_deadline).strftime("%Y-%m-%d %H:%M")}
                ),
                created_at=now,
            )
            result.escalated += 1


def sweep(*, now: datetime | None = None, batch: int = 1000) -> SweepResult:
    """Escalate overdue steps, re-dispatch timed-out acceptances, auto-close unrated orders.

    Idempotent: an escalated step is not escalated again, and every order is re-checked
    under its lock, so overlapping sweeps do no harm.
    """
    now = now or timezone.now()
    result = SweepResult()
    due = (
        Order.objects.filter(step_deadline__lt=now)
        .filter(
            # open steps not yet escalated, dispatched (re-dispatch), delivered (auto-close)
            status__in=[*OPEN_STATUSES, Status.DELIVERED]
        )
        .exclude(escalated_at__isnull=False, status__in=OPEN_STATUSES - {Status.DISPATCHED})
        .order_by("step_deadline")
        .values_list("pk", flat=True)
    )
    for order_id in list(due[:batch]):
        _sweep_one(order_id, now, result)
    return result
