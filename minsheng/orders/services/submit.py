"""点单: placing an order, for a menu item or a free-form need.

``order_submit`` reads its input in three steps, each adding its refusals to one list so a
form can show them all at once: who orders and how (the actor, the channel, whom it is
for), where (the place and an optional point), and what (the service and its answers, or
the area and the need in words). Nothing is written unless all three are sound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Category, Service, ServiceArea, UrgencyClass
from minsheng.catalog.selectors import menu_entry, urgency_class
from minsheng.core.errors import Code, DomainError, ErrorDetail, PermissionDenied
from minsheng.core.inputs import Invalid, read_point, read_text
from minsheng.core.phones import read_phone
from minsheng.orders import lifecycle, policy
from minsheng.orders.attributes import MAX_TEXT, clean_answers
from minsheng.orders.errors import OrderCode
from minsheng.orders.models import Audience, Channel, Order
from minsheng.orders.services import events
from minsheng.orders.services.steps import limits_of
from minsheng.regions.models import Region
from minsheng.regions.selectors import point_refusal, region_by_code

MAX_ADDRESS = 300
MAX_NAME = 100
MAX_PHONE = 30
MAX_CODE = 100


@dataclass(frozen=True)
class OrderInput:
    """What an adapter received from a form, a JSON body or an Open311 request.

    Values are read here with ``core.inputs`` (whatever their type), so every interface
    gets the same refusals. The place is a region code, unless the adapter has already
    resolved it (Open311 places a point or an address) and passes ``region=``.
    """

    region_code: str = ""
    service_code: str = ""
    area_code: str = ""
    description: str = ""
    answers: Mapping[str, Any] | None = None
    latitude: float | str | None = None
    longitude: float | str | None = None
    address: str = ""
    channel: str = Channel.WEB
    contact_name: str = ""
    contact_phone: str = ""


def _text(value: Any, field: str, limit: int, errors: list[ErrorDetail]) -> str | None:
    """The text, or None when it cannot be read (its refusal is added to ``errors``, and the
    checks that would follow from an empty value are left out: one error per field)."""
    try:
        return read_text(value, max_length=limit)
    except Invalid as exc:
        errors.append(exc.detail(field))
        return None


# --- who orders, and how ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Who:
    resident: User | None
    channel: str
    contact_name: str
    contact_phone: str


def _phone(value: Any, errors: list[ErrorDetail]) -> str | None:
    """The contact phone in its stored form ("" when none was given), or None when it is
    not a phone number (its refusal is added to ``errors``)."""
    if isinstance(value, str) and not value.strip():
        return ""
    try:
        return read_phone(value)
    except Invalid as exc:
        errors.append(exc.detail("contact_phone"))
        return None


def _profile_contact(user: Actor) -> tuple[str, str]:
    """The name and phone a resident's profile gives: who an order for them reaches.

    A profile phone saved before numbers were checked, and not a number, is left out
    rather than copied onto the order (the resident can give one on the form).
    """
    profile = profile_of(user)
    if profile is None:
        return "", ""
    try:
        phone = read_phone(profile.phone) if profile.phone.strip() else ""
    except Invalid:
        phone = ""
    return profile.display_name.strip()[:MAX_NAME], phone


def _who(actor: Actor, data: OrderInput, resident: User | None, errors: list[ErrorDetail]) -> _Who:
    """The actor may order, on the channel they name, for whom they name.

    Residents order for themselves on the web or through the API; staff (grid workers,
    dispatchers) on a resident's behalf, naming the channel the resident used and either
    the resident's account or their name and phone. An Open311 client application orders
    with no account (its key was checked by the adapter); the order is for whoever the
    request's contact fields name.

    Every order carries whom to call: the name and phone given, or, for a resident
    ordering for herself (or a resident's account named by staff), her profile's where
    none was given. A phone is a mainland mobile or landline (``core.phones.read_phone``),
    stored in its normal form.
    """
    channel = _text(data.channel, "channel", MAX_CODE, errors)
    client_app = actor is None and channel == Channel.OPEN311
    if not client_app:
        if profile_of(actor) is None:
            raise PermissionDenied.single(Code.LOGIN_REQUIRED, _("Please log in to order."), None)
        if not policy.can_order(actor):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("Provider staff cannot place orders."), None
            )
    contact_name = _text(data.contact_name, "contact_name", MAX_NAME, errors)
    contact_phone = _text(data.contact_phone, "contact_phone", MAX_PHONE, errors)
    if contact_phone is not None:
        contact_phone = _phone(contact_phone, errors)
    if policy.orders_for_others(actor):
        if channel is not None and channel not in policy.STAFF_CHANNELS:
            errors.append(
                ErrorDetail(
                    OrderCode.CHANNEL_INVALID,
                    _("Choose how the resident reached you: grid worker, hotline or visit."),
                    "channel",
                )
            )
        unreadable = contact_name is None or contact_phone is None
        if resident is None and not unreadable and not (contact_name and contact_phone):
            errors.append(
                ErrorDetail(
                    OrderCode.CONTACT_REQUIRED,
                    _("Give the resident's name and phone."),
                    "contact_phone" if contact_name else "contact_name",
                )
            )
        if resident is not None and not policy.can_be_ordered_for(resident):
            errors.append(
                ErrorDetail(
                    OrderCode.RESIDENT_INVALID, _("This account is not a resident's."), "resident"
                )
            )
        elif resident is not None:
            name, phone = _profile_contact(resident)
            contact_name, contact_phone = contact_name or name, contact_phone or phone
        return _Who(resident, channel or "", contact_name or "", contact_phone or "")
    allowed = (Channel.OPEN311,) if client_app else (Channel.WEB, Channel.API)
    if channel is not None and channel not in allowed:
        errors.append(ErrorDetail(OrderCode.CHANNEL_INVALID, _("Unknown channel."), "channel"))
    if not client_app:
        # A resident ordering for herself: her profile's name and phone unless she gave others.
        name, phone = _profile_contact(actor)
        contact_name, contact_phone = contact_name or name, contact_phone or phone
    return _Who(
        actor if isinstance(actor, User) else None,
        channel or "",
        contact_name or "",
        contact_phone or "",
    )


# --- where ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    region: Region | None
    latitude: float | None
    longitude: float | None
    address: str


def _where(
    actor: Actor, data: OrderInput, region: Region | None, errors: list[ErrorDetail]
) -> _Where:
    """The ordered place (a village or township, inside a staff member's region) and its
    optional point (inside the place: ``regions.selectors.point_refusal``) and address."""
    try:
        latitude, longitude = read_point(data.latitude, data.longitude)
    except DomainError as exc:
        errors.extend(exc.errors)
        latitude = longitude = None
    address = _text(data.address, "address", MAX_ADDRESS, errors) or ""
    code: str | None = ""
    if region is None:
        code = _text(data.region_code, "region", MAX_CODE, errors)
        region = region_by_code(code) if code else None
    if region is None:
        if code is not None:
            errors.append(ErrorDetail(OrderCode.REGION_UNKNOWN, _("No such place."), "region"))
    elif region.level == Region.Level.COUNTY:
        errors.append(
            ErrorDetail(OrderCode.REGION_TOO_BROAD, _("Choose a township or a village."), "region")
        )
        region = None
    elif not policy.can_order_at(actor, region):
        errors.append(
            ErrorDetail(
                OrderCode.REGION_OUT_OF_SCOPE, _("This place is outside your region."), "region"
            )
        )
    elif latitude is not None and longitude is not None:
        # The point on the map must be in the chosen place (its boundary, when it has one).
        misplaced = point_refusal(region, latitude, longitude)
        if misplaced is not None:
            errors.append(misplaced)
    return _Where(region, latitude, longitude, address)


# --- what -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _What:
    service: Service | None
    area: ServiceArea
    category: Category | None
    urgency: UrgencyClass
    description: str
    answers: dict[str, Any]


def _what(
    data: OrderInput, region: Region | None, errors: list[ErrorDetail], *, today: date
) -> _What | None:
    """A published menu item offered at the place, with its questions answered; or a
    free-form need: its area and the need in words."""
    description = _text(data.description, "description", MAX_TEXT, errors)
    raw_answers: Any = data.answers if data.answers is not None else {}
    if not isinstance(raw_answers, Mapping):
        errors.append(
            ErrorDetail(
                OrderCode.ATTRIBUTES_INVALID, _("Answers must be given by question."), "attribute"
            )
        )
        raw_answers = {}
    service_code = _text(data.service_code, "service", MAX_CODE, errors)
    if service_code is None:
        return None  # refused as it stands: neither a menu item nor a need can follow
    if service_code:
        # Reference data read on every order comes from the per-process cache.
        entry = menu_entry(service_code)
        if entry is None:
            errors.append(ErrorDetail(OrderCode.SERVICE_UNKNOWN, _("No such service."), "service"))
            return None
        if not entry.service.published:
            errors.append(
                ErrorDetail(
                    OrderCode.SERVICE_UNPUBLISHED, _("This service is not on the menu."), "service"
                )
            )
            return None
        service = entry.service
        if region is not None and not entry.offered_at(region):
            errors.append(
                ErrorDetail(
                    OrderCode.SERVICE_NOT_OFFERED,
                    _("This service is not offered at this place."),
                    "region",
                )
            )
        answers: dict[str, Any] = {}
        try:
            answers = clean_answers(entry.attributes, raw_answers, today=today)
        except DomainError as exc:
            errors.extend(exc.errors)
        return _What(
            service,
            service.category.area,
            service.category,
            service.urgency,
            description or "",
            answers,
        )
    if raw_answers:
        errors.append(
            ErrorDetail(
                OrderCode.ATTRIBUTE_UNKNOWN, _("A free-form need has no questions."), "attribute"
            )
        )
    area_code = _text(data.area_code, "area", MAX_CODE, errors)
    area = ServiceArea.objects.filter(code=area_code).first() if area_code else None
    if area is None and area_code is not None:
        # Named by the area field, where a free-form need's form asks it (no service
        # field is on that form to carry the message).
        errors.append(
            ErrorDetail(OrderCode.AREA_UNKNOWN, _("No such service area."), "area")
            if area_code
            else ErrorDetail(
                OrderCode.AREA_REQUIRED, _("Choose the service area of your need."), "area"
            )
        )
    if description == "":  # None: unreadable, and refused as such already
        errors.append(
            ErrorDetail(OrderCode.DESCRIPTION_REQUIRED, _("Describe what you need."), "description")
        )
    if area is None or description is None:
        return None
    return _What(None, area, None, urgency_class(code="general"), description, {})


def order_submit(
    *,
    actor: Actor,
    data: OrderInput,
    region: Region | None = None,
    resident: User | None = None,
    now: datetime | None = None,
) -> Order:
    """Place an order (点单): checks who, where and what, then writes the order and its
    first event. Nothing is written on error.

    ``region``: the place, already resolved by the adapter (else ``data.region_code``).
    ``resident``: the resident's account when staff order on their behalf.
    """
    errors: list[ErrorDetail] = []
    at = now or timezone.now()
    who = _who(actor, data, resident, errors)
    where = _where(actor, data, region, errors)
    what = _what(data, where.region, errors, today=timezone.localdate(at))
    if errors or where.region is None or what is None:
        raise DomainError(errors)
    place = where.region
    # No savepoint inside a caller's transaction (Open311 adds its own row in the same one):
    # every refusal above is raised before any write, so a failure here fails the caller's
    # whole transaction anyway, and the savepoint would cost two round trips per order.
    with transaction.atomic(savepoint=False):
        order = Order(
            service=what.service,
            area=what.area,
            category=what.category,
            urgency=what.urgency,
            description=what.description,
            answers=what.answers,
            region=place,
            # The object, not its id: the answer to the order then names its township
            # without another query (region_by_code loaded the village's parent).
            township=place.township or place,
            latitude=where.latitude,
            longitude=where.longitude,
            address=where.address,
            resident=who.resident,
            contact_name=who.contact_name,
            contact_phone=who.contact_phone,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            channel=who.channel,
            created_at=at,
        )
        change = lifecycle.submitted(at, limits_of(order))
        for name in lifecycle.STATE_FIELDS:
            setattr(order, name, getattr(change.state, name))
        order.save(force_insert=True)
        events.record(order, change, actor=actor, audience=Audience.PUBLIC)
    return order
