"""Writes of the equipment part (issue 10, part 7): a facility's items of equipment.

Each service takes keyword-only arguments (the input as typed: the web form and the REST API
pass strings), locks the item (or the facility, to add one) before it checks, refuses with a
:class:`DomainError` carrying a stable code and the field and writing nothing, and appends an
:class:`EquipmentEvent`. Who may act is ``policy.equipment``'s; dates in the future are
refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import (
    Code,
    Conflict,
    DomainError,
    ErrorDetail,
    NotFound,
    PermissionDenied,
)
from minsheng.core.inputs import Invalid, is_blank, read_id, read_int, read_text
from minsheng.core.tables import RowError, TableError, read_table

from ..errors import EquipmentCode
from ..models import (
    Equipment,
    EquipmentAction,
    EquipmentEvent,
    EquipmentState,
    EquipmentType,
    Facility,
)
from ..policy import equipment as policy

LABEL_MAX = 200
NOTE_MAX = 500
MAX_USES = 100_000  # uses a month: more than three thousand a day is a typing error
MAX_LIFE = 50
MAX_COST = Decimal("9999999999.99")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass
class EquipmentInput:
    """A new item, as typed (strings from a form, or JSON values)."""

    equipment_type: Any = ""  # the type's code
    label: Any = ""
    purchased_on: Any = ""
    expected_life_years: Any = ""  # blank: the type's
    state: Any = EquipmentState.WORKING
    last_service_on: Any = ""
    uses_per_month: Any = ""
    replacement_cost: Any = ""


# --- reading input ----------------------------------------------------------------------------


def read_day(value: Any, field: str, *, today: date, required: bool = True) -> date | None:
    """A day ``YYYY-MM-DD`` (or a date), not after ``today``."""
    if isinstance(value, date):
        day: date | None = value
    elif is_blank(value):
        if required:
            raise DomainError.single(Code.REQUIRED, _("This field is required."), field)
        return None
    elif isinstance(value, str) and _DAY.fullmatch(value.strip()):
        try:
            day = parse_date(value.strip())
        except ValueError:
            day = None
    else:
        day = None
    if day is None or day.year < 1900:
        raise DomainError.single(EquipmentCode.DATE_INVALID, _("Give a date as YYYY-MM-DD."), field)
    if day > today:
        raise DomainError.single(
            EquipmentCode.DATE_IN_FUTURE, _("This date is in the future."), field
        )
    return day


def _whole(value: Any, field: str, *, low: int, high: int) -> int:
    try:
        return read_int(value, low=low, high=high)
    except Invalid as exc:
        raise exc.error(field) from None


def _state(value: Any, field: str = "state") -> str:
    if not isinstance(value, str) or value not in EquipmentState.values:
        raise DomainError.single(
            EquipmentCode.STATE_INVALID, _("Choose working, degraded or broken."), field
        )
    return value


def _cost(value: Any, field: str) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise InvalidOperation
        cost = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError.single(Code.NOT_NUMBER, _("Enter a number."), field) from None
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        raise DomainError.single(
            Code.OUT_OF_RANGE, _("A cost from 0 to 9,999,999,999.99 yuan."), field
        )
    return cost.quantize(Decimal("0.01"))


def _note(value: Any) -> str:
    try:
        return read_text(value, max_length=NOTE_MAX, markup=False)
    except Invalid as exc:
        raise exc.error("note") from None


def _collect(*readers: Any) -> list[Any]:
    """Run each reader (a no-argument callable), gathering every refusal before raising."""
    values: list[Any] = []
    errors: list[ErrorDetail] = []
    for reader in readers:
        try:
            values.append(reader())
        except DomainError as exc:
            errors.extend(exc.errors)
            values.append(None)
    if errors:
        raise DomainError(errors)
    return values


# --- locks and permission ---------------------------------------------------------------------


def _refuse(user: Actor, facility: Facility) -> None:
    if not policy.can_keep_equipment(user, facility):
        if policy.hides_facility(user, facility):
            raise NotFound.single(
                EquipmentCode.FACILITY_NOT_FOUND, _("No such facility."), "facility"
            )
        raise PermissionDenied.single(
            Code.NOT_PERMITTED, _("You may not keep this facility's equipment.")
        )


def _lock_facility(facility_id: object) -> Facility:
    try:
        pk: int | None = read_id(facility_id)
    except Invalid:
        pk = None
    found = Facility.objects.select_for_update().filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound.single(EquipmentCode.FACILITY_NOT_FOUND, _("No such facility."), "facility")
    return found


def _lock_item(equipment_id: object, actor: Actor) -> Equipment:
    try:
        pk: int | None = read_id(equipment_id)
    except Invalid:
        pk = None
    found = (
        Equipment.objects.select_for_update().select_related("facility").filter(pk=pk).first()
        if pk
        else None
    )
    if found is None:
        raise NotFound.single(
            EquipmentCode.EQUIPMENT_NOT_FOUND, _("No such item of equipment."), "equipment"
        )
    _refuse(actor, found.facility)
    if found.retired_on is not None:
        raise Conflict.single(EquipmentCode.RETIRED, _("This item is retired."), "equipment")
    return found


def _event(item: Equipment, action: str, *, actor: Actor, **fields: Any) -> EquipmentEvent:
    return EquipmentEvent.objects.create(
        equipment=item,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        created_at=timezone.now(),
        **fields,
    )


# --- the services -----------------------------------------------------------------------------


def _parse_item(data: EquipmentInput, *, today: date, types: dict[str, EquipmentType]) -> Equipment:
    """An unsaved item (no facility yet) read from ``data``; every bad field refused at once.
    ``types``: the equipment types by code."""

    def kind() -> EquipmentType:
        code = data.equipment_type
        found = types.get(code) if isinstance(code, str) else None
        if found is None:
            raise DomainError.single(
                EquipmentCode.TYPE_INVALID, _("Choose a type of equipment."), "equipment_type"
            )
        return found

    def label() -> str:
        try:
            return read_text(data.label, max_length=LABEL_MAX, markup=False)
        except Invalid as exc:
            raise exc.error("label") from None

    def life() -> int | None:
        if is_blank(data.expected_life_years):
            return None
        return _whole(data.expected_life_years, "expected_life_years", low=1, high=MAX_LIFE)

    def uses() -> int:
        if is_blank(data.uses_per_month):
            return 0
        return _whole(data.uses_per_month, "uses_per_month", low=0, high=MAX_USES)

    def state() -> str:
        return EquipmentState.WORKING if is_blank(data.state) else _state(data.state)

    type_, label_, purchased, life_, state_, serviced, uses_, cost = _collect(
        kind,
        label,
        lambda: read_day(data.purchased_on, "purchased_on", today=today),
        life,
        state,
        lambda: read_day(data.last_service_on, "last_service_on", today=today, required=False),
        uses,
        lambda: _cost(data.replacement_cost, "replacement_cost"),
    )
    if serviced is not None and serviced < purchased:
        raise DomainError.single(
            EquipmentCode.BEFORE_PURCHASE,
            _("The service cannot be before the purchase."),
            "last_service_on",
        )
    return Equipment(
        equipment_type=type_,
        label=label_,
        purchased_on=purchased,
        expected_life_years=life_,
        state=state_,
        last_service_on=serviced,
        uses_per_month=uses_,
        replacement_cost=cost,
    )


def _types() -> dict[str, EquipmentType]:
    return {t.code: t for t in EquipmentType.objects.all()}


def _added(item: Equipment, actor: Actor, at: datetime) -> EquipmentEvent:
    return EquipmentEvent(
        equipment=item,
        action=EquipmentAction.ADDED,
        actor=actor if actor is not None and actor.is_authenticated else None,
        new_state=item.state,
        on=item.purchased_on,
        uses=item.uses_per_month,
        created_at=at,
    )


@transaction.atomic
def equipment_add(*, actor: Actor, facility_id: object, data: EquipmentInput) -> Equipment:
    """Add an item to ``facility_id``'s register (a blank state: working)."""
    facility = _lock_facility(facility_id)
    _refuse(actor, facility)
    item = _parse_item(data, today=timezone.localdate(), types=_types())
    item.facility = facility
    item.save()
    _added(item, actor, timezone.now()).save()
    return item


# --- the import -------------------------------------------------------------------------------

IMPORT_COLUMNS = {
    # column -> EquipmentInput field
    "type": "equipment_type",
    "label": "label",
    "purchased_on": "purchased_on",
    "expected_life_years": "expected_life_years",
    "state": "state",
    "last_service_on": "last_service_on",
    "uses_per_month": "uses_per_month",
    "replacement_cost": "replacement_cost",
}
REQUIRED_COLUMNS = ["type", "purchased_on"]
MAX_FILE = 5 * 1024 * 1024
_COLUMN_OF = {v: k for k, v in IMPORT_COLUMNS.items()}


@dataclass
class ImportResult:
    """What an import did: ``added`` items written (0 when refused), and every bad row."""

    added: int
    errors: list[RowError]
    rows: int


def _file_error(code: str, message: Any) -> DomainError:
    return DomainError.single(code, message, "file")


@transaction.atomic
def equipment_import(
    *, actor: Actor, facility_id: object, data: bytes, filename: str, skip_bad: bool = False
) -> ImportResult:
    """Items from a CSV or XLSX file (columns: ``type`` (a type's code), ``purchased_on``,
    and optionally ``label``, ``expected_life_years``, ``state``, ``last_service_on``,
    ``uses_per_month``, ``replacement_cost``). Every bad row is reported with its number;
    nothing is written when one is bad unless ``skip_bad``. A file that cannot be read, or
    lacks a required column, is refused as a whole."""
    facility = _lock_facility(facility_id)
    _refuse(actor, facility)
    if len(data) > MAX_FILE:
        raise _file_error(Code.TOO_LONG, _("The file is larger than 5 MB."))
    try:
        table = read_table(data, filename)
    except TableError:
        raise _file_error(
            EquipmentCode.FILE_UNREADABLE, _("The file cannot be read as CSV or XLSX.")
        ) from None
    missing = table.missing(REQUIRED_COLUMNS)
    unknown = table.unknown(list(IMPORT_COLUMNS))
    if missing or unknown:
        raise _file_error(
            EquipmentCode.COLUMNS,
            _("The columns must be %(columns)s (type and purchased_on required).")
            % {"columns": ", ".join(IMPORT_COLUMNS)},
        )
    today = timezone.localdate()
    types = _types()
    good: list[Equipment] = []
    errors: list[RowError] = []
    for row in table.rows:
        fields = {IMPORT_COLUMNS[c]: v for c, v in row.values.items() if c in IMPORT_COLUMNS}
        try:
            item = _parse_item(EquipmentInput(**fields), today=today, types=types)
        except DomainError as exc:
            errors.extend(
                RowError(row.number, _COLUMN_OF.get(e.field or "", e.field), e.code, str(e.message))
                for e in exc.errors
            )
            continue
        item.facility = facility
        good.append(item)
    if errors and not skip_bad:
        return ImportResult(added=0, errors=errors, rows=len(table.rows))
    Equipment.objects.bulk_create(good)
    now = timezone.now()
    EquipmentEvent.objects.bulk_create([_added(i, actor, now) for i in good])
    return ImportResult(added=len(good), errors=errors, rows=len(table.rows))


@transaction.atomic
def equipment_set_state(
    *, actor: Actor, equipment_id: object, state: object, note: object = ""
) -> Equipment:
    """Working, degraded or broken (a change only)."""
    item = _lock_item(equipment_id, actor)
    new, text = _collect(lambda: _state(state), lambda: _note(note))
    if new == item.state:
        raise Conflict.single(
            EquipmentCode.SAME_STATE, _("The item is already in this state."), "state"
        )
    old = item.state
    item.state = new
    item.save(update_fields=["state"])
    _event(item, EquipmentAction.STATE, actor=actor, old_state=old, new_state=new, note=text)
    return item


@transaction.atomic
def equipment_record_service(
    *,
    actor: Actor,
    equipment_id: object,
    serviced_on: object,
    state: object = "",
    note: object = "",
) -> Equipment:
    """A service on ``serviced_on`` (not before the purchase or the last service recorded),
    optionally leaving the item in a new ``state`` (blank: as it was)."""
    item = _lock_item(equipment_id, actor)
    today = timezone.localdate()
    day, new, text = _collect(
        lambda: read_day(serviced_on, "serviced_on", today=today),
        lambda: item.state if is_blank(state) else _state(state),
        lambda: _note(note),
    )
    if day < item.purchased_on:
        raise DomainError.single(
            EquipmentCode.BEFORE_PURCHASE,
            _("The service cannot be before the purchase."),
            "serviced_on",
        )
    if item.last_service_on is not None and day < item.last_service_on:
        raise DomainError.single(
            EquipmentCode.BEFORE_LAST_SERVICE,
            _("A later service is already recorded."),
            "serviced_on",
        )
    old = item.state
    item.last_service_on = day
    item.state = new
    item.save(update_fields=["last_service_on", "state"])
    _event(
        item,
        EquipmentAction.SERVICED,
        actor=actor,
        old_state=old,
        new_state=new,
        on=day,
        note=text,
    )
    return item


@transaction.atomic
def equipment_record_usage(
    *, actor: Actor, equipment_id: object, uses_per_month: object, note: object = ""
) -> Equipment:
    """How many times a month the item is used now."""
    item = _lock_item(equipment_id, actor)
    uses, text = _collect(
        lambda: _whole(uses_per_month, "uses_per_month", low=0, high=MAX_USES),
        lambda: _note(note),
    )
    item.uses_per_month = uses
    item.save(update_fields=["uses_per_month"])
    _event(item, EquipmentAction.USAGE, actor=actor, uses=uses, note=text)
    return item


@transaction.atomic
def equipment_retire(
    *, actor: Actor, equipment_id: object, retired_on: object, note: object = ""
) -> Equipment:
    """Take the item out of use on ``retired_on`` (not before its purchase): it leaves the
    counts against the standard and the priority list, and its history stays."""
    item = _lock_item(equipment_id, actor)
    today = timezone.localdate()
    day, text = _collect(
        lambda: read_day(retired_on, "retired_on", today=today), lambda: _note(note)
    )
    if day < item.purchased_on:
        raise DomainError.single(
            EquipmentCode.BEFORE_PURCHASE,
            _("The item cannot be retired before its purchase."),
            "retired_on",
        )
    item.retired_on = day
    item.save(update_fields=["retired_on"])
    _event(item, EquipmentAction.RETIRED, actor=actor, on=day, note=text)
    return item
