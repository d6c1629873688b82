"""Writes of the register part (issue 10, items 1 and 2): facility entries, their status,
keepers and photos, the public page's view counter and the bulk import.

Every entry is read the same way, from the form, the import's row or a caller's text:
``read_entry`` turns text fields into an :class:`Entry` (every refusal at once, each naming
its field, which is the import's column), against :class:`Lookups` loaded once (regions and
menu services by code), so an import of thousands of rows asks the database twice, not per
row. ``facility_create``/``facility_update`` write one entry under the policy's say;
``facilities_import`` plans every row before it writes any.

A status changes only through ``facility_set_status`` (the table ``TRANSITIONS``), with a
reason recorded in the facility's append-only history (``FacilityEvent``) for the audience
the caller chooses (the public by default: residents should know why a place is closed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service
from minsheng.core.errors import (
    Code,
    Conflict,
    DomainError,
    ErrorDetail,
    NotFound,
    PermissionDenied,
)
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, is_blank, read_point, read_text
from minsheng.core.photos import PreparedPhoto, photo_read, photo_store, photo_transaction
from minsheng.core.tables import RowError, TableError, read_table
from minsheng.orders.models import Audience
from minsheng.regions.models import Region

from .. import hours as hours_text
from ..errors import RegisterCode
from ..models import Facility, FacilityAction, FacilityEvent, FacilityPhoto, Kind, PortalViews
from ..models import Status as FacilityStatus
from ..policy import register as policy

# Which status may follow which (a planned facility opens or is given up; an open one
# closes for a while, or is abandoned; an abandoned one may be planned again or reopened).
TRANSITIONS: dict[FacilityStatus, frozenset[FacilityStatus]] = {
    FacilityStatus.PLANNED: frozenset({FacilityStatus.OPEN, FacilityStatus.ABANDONED}),
    FacilityStatus.OPEN: frozenset({FacilityStatus.CLOSED, FacilityStatus.ABANDONED}),
    FacilityStatus.CLOSED: frozenset({FacilityStatus.OPEN, FacilityStatus.ABANDONED}),
    FacilityStatus.ABANDONED: frozenset({FacilityStatus.PLANNED, FacilityStatus.OPEN}),
}
MAX_PHOTOS = 12
PHOTO_FOLDER = "facility-photos"
REASON_MAX = 500

# The import's columns, in the order a template file lists them.
COLUMNS = [
    "code",
    "name_zh",
    "name_en",
    "kind",
    "status",
    "region",
    "latitude",
    "longitude",
    "address",
    "hours",
    "contact_name",
    "contact_phone",
    "services",
    "capacity",
    "population_served",
    "opened_on",
]
REQUIRED_COLUMNS = ["code", "name_zh", "kind", "status", "region"]
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PHONE = re.compile(r"^[0-9+()\- ]{3,30}$")


def can_transition(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(FacilityStatus(old), frozenset())


# --- reading an entry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A facility's register entry, read and checked (``status`` None: not given)."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    status: str | None
    region: Region
    latitude: float | None
    longitude: float | None
    address: str
    opening_hours: list[dict[str, Any]]
    hours_note: str
    contact_name: str
    contact_phone: str
    description: str
    services: list[Service]
    capacity: int | None
    population_served: int
    opened_on: date | None


@dataclass
class Lookups:
    """The places and menu services entries may name, by code, loaded once."""

    regions: dict[str, Region]
    services: dict[str, Service]

    @classmethod
    def load(cls) -> Lookups:
        regions = (
            Region.objects.filter(level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE])
            .select_related("parent")
            .defer("boundary", "parent__boundary")
        )
        return cls(
            regions={r.code: r for r in regions},
            services={s.code: s for s in Service.objects.all()},
        )


def _text(
    raw: Mapping[str, Any],
    name: str,
    errors: list[ErrorDetail],
    *,
    max_length: int,
    required: bool = False,
) -> str:
    try:
        return read_text(raw.get(name), max_length=max_length, required=required, markup=False)
    except Invalid as exc:
        errors.append(exc.detail(name))
        return ""


def _whole(
    raw: Mapping[str, Any],
    name: str,
    errors: list[ErrorDetail],
    *,
    low: int,
    code: str,
    message: Any,
) -> int | None:
    value = raw.get(name)
    if is_blank(value):
        return None
    text = str(value).strip()
    if text.endswith(".0"):  # a spreadsheet's number cell
        text = text[:-2]
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= 2_000_000_000:
        errors.append(ErrorDetail(code, message, name))
        return None
    return int(text)


def _date(
    raw: Mapping[str, Any], name: str, errors: list[ErrorDetail], *, today: date
) -> date | None:
    value = raw.get(name)
    if is_blank(value):
        return None
    try:
        day = date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors.append(ErrorDetail(RegisterCode.DATE_INVALID, _("A date as YYYY-MM-DD."), name))
        return None
    if day > today:
        errors.append(
            ErrorDetail(RegisterCode.DATE_IN_FUTURE, _("This date is in the future."), name)
        )
        return None
    return day


def read_entry(
    raw: Mapping[str, Any],
    *,
    lookups: Lookups,
    today: date,
    status_required: bool = True,
) -> tuple[Entry | None, list[ErrorDetail]]:
    """An :class:`Entry` from text fields named as the import's columns (plus
    ``hours_note`` and ``description``); ``hours`` in the text form of ``facilities.hours``,
    ``services`` menu codes separated by ``;``. Returns the entry, or None with every
    refusal (each naming its field)."""
    errors: list[ErrorDetail] = []
    code = _text(raw, "code", errors, max_length=60, required=True).lower()
    if code and not _CODE.match(code):
        errors.append(
            ErrorDetail(
                RegisterCode.CODE_INVALID,
                _(
                    "A code is lower-case letters, digits, - and _ (starting with a letter or "
                    "digit)."
                ),
                "code",
            )
        )
    name_zh = _text(raw, "name_zh", errors, max_length=200, required=True)
    name_en = _text(raw, "name_en", errors, max_length=200)
    kind = str(raw.get("kind") or "").strip().lower()
    if kind not in Kind.values:
        errors.append(
            ErrorDetail(
                RegisterCode.KIND_INVALID,
                _("Not a kind of facility: one of %(kinds)s.") % {"kinds": ", ".join(Kind.values)},
                "kind",
            )
        )
    status: str | None = str(raw.get("status") or "").strip().lower() or None
    if (status is None and status_required) or (
        status is not None and (status not in FacilityStatus.values)
    ):
        errors.append(
            ErrorDetail(
                RegisterCode.STATUS_INVALID,
                _("Not a status: one of %(statuses)s.")
                % {"statuses": ", ".join(FacilityStatus.values)},
                "status",
            )
        )
    region_code = str(raw.get("region") or "").strip()
    region = lookups.regions.get(region_code)
    if region is None:
        known = Region.objects.filter(code=region_code).exists() if region_code else False
        errors.append(
            ErrorDetail(
                RegisterCode.REGION_NOT_PLACE if known else RegisterCode.REGION_UNKNOWN,
                _("A facility is in a township or a village of the county.")
                if known
                else _("No place in the county has this code."),
                "region",
            )
        )
    try:
        latitude, longitude = read_point(raw.get("latitude"), raw.get("longitude"))
    except DomainError as exc:
        errors.extend(exc.errors)
        latitude = longitude = None
    address = _text(raw, "address", errors, max_length=300)
    opening_hours: list[dict[str, Any]] = []
    hours_raw = raw.get("hours")
    if not is_blank(hours_raw):
        try:
            opening_hours = hours_text.parse(str(hours_raw))
        except ValueError as exc:
            errors.append(
                ErrorDetail(
                    RegisterCode.HOURS_INVALID,
                    _(
                        "Opening hours as “1-5 09:00-17:00; 6-7 09:00-12:00” (days 1 Monday to "
                        "7 Sunday): %(fault)s"
                    )
                    % {"fault": exc},
                    "hours",
                )
            )
    hours_note = _text(raw, "hours_note", errors, max_length=200)
    contact_name = _text(raw, "contact_name", errors, max_length=100)
    contact_phone = _text(raw, "contact_phone", errors, max_length=30)
    if contact_phone and not _PHONE.match(contact_phone):
        errors.append(ErrorDetail(Code.NOT_PHONE, _("Not a phone number."), "contact_phone"))
    description = _text(raw, "description", errors, max_length=2000)
    services: list[Service] = []
    unknown: list[str] = []
    for service_code in str(raw.get("services") or "").replace("；", ";").split(";"):
        service_code = service_code.strip()
        if not service_code:
            continue
        service = lookups.services.get(service_code)
        if service is None:
            unknown.append(service_code)
        elif service not in services:
            services.append(service)
    if unknown:
        errors.append(
            ErrorDetail(
                RegisterCode.SERVICE_UNKNOWN,
                _("No menu service has the code %(codes)s.") % {"codes": ", ".join(unknown)},
                "services",
            )
        )
    capacity = _whole(
        raw,
        "capacity",
        errors,
        low=1,
        code=RegisterCode.CAPACITY_INVALID,
        message=_("Capacity is a whole number of people a day, at least 1."),
    )
    population = _whole(
        raw,
        "population_served",
        errors,
        low=0,
        code=RegisterCode.POPULATION_INVALID,
        message=_("The population served is a whole number (0: the region's population)."),
    )
    opened_on = _date(raw, "opened_on", errors, today=today)
    if errors or region is None:
        return None, errors
    return (
        Entry(
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            kind=kind,
            status=status,
            region=region,
            latitude=latitude,
            longitude=longitude,
            address=address,
            opening_hours=opening_hours,
            hours_note=hours_note,
            contact_name=contact_name,
            contact_phone=contact_phone,
            description=description,
            services=services,
            capacity=capacity,
            population_served=population or 0,
            opened_on=opened_on,
        ),
        [],
    )


def entry_fields(facility: Facility) -> dict[str, str]:
    """A facility's entry as the text fields ``read_entry`` reads (the edit form's values)."""
    return {
        "code": facility.code,
        "name_zh": facility.name_zh,
        "name_en": facility.name_en,
        "kind": facility.kind,
        "status": facility.status,
        "region": facility.region.code,
        "latitude": "" if facility.latitude is None else f"{facility.latitude:g}",
        "longitude": "" if facility.longitude is None else f"{facility.longitude:g}",
        "address": facility.address,
        "hours": hours_text.format(facility.opening_hours),
        "hours_note": facility.hours_note,
        "contact_name": facility.contact_name,
        "contact_phone": facility.contact_phone,
        "description": facility.description,
        "services": "; ".join(s.code for s in facility.services.all()),
        "capacity": "" if facility.capacity is None else str(facility.capacity),
        "population_served": str(facility.population_served or ""),
        "opened_on": facility.opened_on.isoformat() if facility.opened_on else "",
    }


# --- one entry --------------------------------------------------------------------------------

_ENTRY_FIELDS = [
    "code",
    "name_zh",
    "name_en",
    "kind",
    "latitude",
    "longitude",
    "address",
    "opening_hours",
    "hours_note",
    "contact_name",
    "contact_phone",
    "description",
    "capacity",
    "population_served",
    "opened_on",
]


def _township_of(region: Region) -> Region | None:
    if region.level == Region.Level.TOWNSHIP:
        return region
    return region.parent if region.parent and region.parent.level == "township" else None


def _not_found() -> NotFound:
    return NotFound.single(RegisterCode.FACILITY_NOT_FOUND, _("No such facility."), "facility")


def _not_permitted() -> DomainError:
    return PermissionDenied.single(Code.NOT_PERMITTED, _("You may not change this facility."), None)


def _lock(facility_id: object, actor: Actor, *, need: str = "manage") -> Facility:
    """Lock the facility's row; refuse one the actor may not see (404) or change (403)."""
    pk = as_id(facility_id)
    facility = (
        Facility.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    )
    if facility is None or not policy.can_see(actor, facility):
        raise _not_found()
    if not policy.can_manage(actor, facility):
        raise _not_permitted()
    return facility


def _event(
    facility: Facility,
    action: str,
    actor: Actor,
    at: datetime,
    note: str = "",
    audience: str = Audience.STAFF,
) -> FacilityEvent:
    return FacilityEvent.objects.create(
        facility=facility,
        action=action,
        actor=actor if isinstance(actor, User) else None,
        note=note,
        audience=audience,
        created_at=at,
    )


def _apply(facility: Facility, entry: Entry) -> list[str]:
    """Copy ``entry`` onto ``facility``; return the names of the fields that changed."""
    changed = []
    for name in _ENTRY_FIELDS:
        if getattr(facility, name) != getattr(entry, name):
            setattr(facility, name, getattr(entry, name))
            changed.append(name)
    if facility.region_id != entry.region.pk:
        facility.region = entry.region
        changed.append("region")
    township = _township_of(entry.region)
    facility.township = township
    return changed


def _code_taken(code: str, exclude: int | None = None) -> bool:
    qs = Facility.objects.filter(code=code)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _taken_error(field_name: str = "code") -> DomainError:
    return DomainError.single(
        RegisterCode.CODE_TAKEN, _("Another facility has this code."), field_name
    )


def facility_create(
    *, actor: Actor, entry: Entry, now: datetime | None = None, imported: bool = False
) -> Facility:
    """Register a facility from ``entry`` in a place the actor may register in; its status
    is the entry's (planned when not given). History: "registered" (or "imported")."""
    if not policy.can_register_in(actor, entry.region) and not imported:
        raise _not_permitted()
    at = now or timezone.now()
    with transaction.atomic():
        if _code_taken(entry.code):
            raise _taken_error()
        facility = Facility(
            status=entry.status or FacilityStatus.PLANNED, created_at=at, updated_at=at
        )
        _apply(facility, entry)
        facility.full_clean(exclude=["keepers", "services"], validate_unique=False)
        try:
            with transaction.atomic():
                facility.save()
        except IntegrityError:
            raise _taken_error() from None
        facility.services.set(entry.services)
        _event(
            facility,
            FacilityAction.IMPORTED if imported else FacilityAction.CREATED,
            actor,
            at,
        )
    return facility


def facility_update(
    *,
    facility_id: int,
    actor: Actor,
    entry: Entry,
    now: datetime | None = None,
    imported: bool = False,
) -> Facility:
    """Change a facility's entry (not its status: ``facility_set_status``). Moving it to
    another place needs the right to register there too. History: the fields changed."""
    at = now or timezone.now()
    with transaction.atomic():
        facility = (
            _lock(facility_id, actor)
            if not imported
            else Facility.objects.select_for_update().get(pk=facility_id)
        )
        if (
            not imported
            and entry.region.pk != facility.region_id
            and not policy.can_register_in(actor, entry.region)
        ):
            raise _not_permitted()
        if entry.code != facility.code and _code_taken(entry.code, exclude=facility.pk):
            raise _taken_error()
        changed = _apply(facility, entry)
        before = {s.pk for s in facility.services.all()}
        after = {s.pk for s in entry.services}
        if before != after:
            changed.append("services")
            facility.services.set(entry.services)
        if not changed:
            return facility
        facility.updated_at = max(at, facility.updated_at)
        facility.full_clean(exclude=["keepers", "services"], validate_unique=False)
        facility.save()
        _event(
            facility,
            FacilityAction.IMPORTED if imported else FacilityAction.UPDATED,
            actor,
            facility.updated_at,
            note=", ".join(changed),
        )
    return facility


def facility_set_status(
    *,
    facility_id: int,
    actor: Actor,
    status: str,
    reason: str,
    audience: str = Audience.PUBLIC,
    now: datetime | None = None,
) -> Facility:
    """Move a facility to ``status`` (``TRANSITIONS``), with a reason for ``audience``."""
    errors: list[ErrorDetail] = []
    if status not in FacilityStatus.values:
        errors.append(ErrorDetail(RegisterCode.STATUS_INVALID, _("Not a status."), "status"))
    if audience not in Audience.values:
        errors.append(ErrorDetail(Code.INVALID, _("Choose who may read the reason."), "audience"))
    try:
        reason = read_text(reason, max_length=REASON_MAX, required=True, markup=False)
    except Invalid as exc:
        code = RegisterCode.REASON_REQUIRED if exc.code == Code.REQUIRED else exc.code
        message = _("Say why the status changes.") if exc.code == Code.REQUIRED else exc.message
        errors.append(ErrorDetail(code, message, "reason"))
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        facility = _lock(facility_id, actor)
        if not can_transition(facility.status, status):
            raise Conflict.single(
                RegisterCode.STATUS_TRANSITION,
                _("A facility that is “%(old)s” cannot become “%(new)s”.")
                % {
                    "old": FacilityStatus(facility.status).label,
                    "new": FacilityStatus(status).label,
                },
                "status",
            )
        at = max(now or timezone.now(), facility.updated_at)
        old = facility.status
        facility.status = status
        facility.updated_at = at
        facility.save(update_fields=["status", "updated_at"])
        _event(
            facility,
            FacilityAction.STATUS,
            actor,
            at,
            note=f"{old} → {status}: {reason}",
            audience=audience,
        )
    return facility


def split_names(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,;，；、]+", text.strip()) if n]


def facility_set_keepers(
    *, facility_id: int, actor: Actor, usernames: Iterable[str], now: datetime | None = None
) -> Facility:
    """Name the accounts that keep the facility day to day (replacing the list). Each is an
    active account's user name; any unknown one refuses the whole list."""
    names = list(dict.fromkeys(n.strip() for n in usernames if n.strip()))
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    unknown = [n for n in names if n not in users]
    if unknown:
        raise DomainError.single(
            RegisterCode.KEEPER_UNKNOWN,
            _("No active account has the user name %(names)s.") % {"names": ", ".join(unknown)},
            "keepers",
        )
    with transaction.atomic():
        facility = _lock(facility_id, actor)
        before = set(facility.keepers.values_list("username", flat=True))
        if before == set(names):
            return facility
        facility.keepers.set([users[n] for n in names])
        at = max(now or timezone.now(), facility.updated_at)
        _event(
            facility,
            FacilityAction.UPDATED,
            actor,
            at,
            note="keepers: " + (", ".join(names) or "-"),
        )
    return facility


def facility_add_photo(
    *,
    facility_id: int,
    actor: Actor,
    upload: Any,
    caption: str = "",
    now: datetime | None = None,
) -> FacilityPhoto:
    """Add a photo to the facility (read and re-encoded like an order's photo: no metadata
    kept). Shown on the public page while the facility is public."""
    with transaction.atomic():
        _lock(facility_id, actor)  # who may, before the file is read at all
    try:
        caption = read_text(caption, max_length=200, markup=False)
    except Invalid as exc:
        raise exc.error("caption") from None
    prepared = upload if isinstance(upload, PreparedPhoto) else photo_read(upload)
    if not isinstance(actor, User):
        raise _not_permitted()
    with photo_transaction():
        facility = _lock(facility_id, actor)
        if FacilityPhoto.objects.filter(facility_id=facility.pk).count() >= MAX_PHOTOS:
            raise DomainError.single(
                RegisterCode.PHOTO_TOO_MANY,
                _("A facility has at most %(count)s photos.") % {"count": MAX_PHOTOS},
                "photo",
            )
        at = max(now or timezone.now(), facility.updated_at)
        image, thumbnail = photo_store(prepared, at, folder=PHOTO_FOLDER)
        photo = FacilityPhoto.objects.create(
            facility=facility,
            image=image,
            thumbnail=thumbnail,
            content_type=prepared.content_type,
            width=prepared.width,
            height=prepared.height,
            caption=caption,
            uploaded_by=actor,
            created_at=at,
        )
        _event(facility, FacilityAction.PHOTO, actor, at, note=caption)
    return photo


# --- the public page's counter ----------------------------------------------------------------


def facility_view_record(*, facility_id: int, day: date | None = None) -> None:
    """Count one view of the facility's public page on ``day`` (today): one row a day,
    incremented in the database with ``F()`` (no read, no lock held). The caller decides
    whether the view counts (``policy.counts_as_visit``: not staff, not bots)."""
    day = day or timezone.localdate()
    counted = PortalViews.objects.filter(facility_id=facility_id, day=day).update(
        views=F("views") + 1
    )
    if counted:
        return
    try:
        with transaction.atomic():
            PortalViews.objects.create(facility_id=facility_id, day=day, views=1)
    except IntegrityError:  # another request made the day's row first
        PortalViews.objects.filter(facility_id=facility_id, day=day).update(views=F("views") + 1)


# --- the import -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (``committed``) or would do: the codes created and updated, and
    every bad row."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    committed: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


@dataclass(frozen=True)
class _Plan:
    row: int
    entry: Entry
    existing: Facility | None


def _row_error(row: int, detail: ErrorDetail) -> RowError:
    return RowError(row=row, column=detail.field, code=detail.code, message=str(detail.message))


def facilities_import(
    *,
    actor: Actor,
    data: bytes,
    filename: str,
    commit: bool,
    skip_bad_rows: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Create or update facilities by code from a CSV/XLSX table (``COLUMNS``).

    Every row is read and checked before any is written; every bad row is reported with
    its number (the header is row 1), column and reason. With any bad row nothing is
    written, unless ``skip_bad_rows`` (then the good rows are). ``commit`` False: a dry run.
    ``actor`` None: the command (whoever runs it may change the whole register); otherwise
    each row needs the policy's right to register in its place (and to manage the facility
    it updates). A row's status on an existing facility follows ``TRANSITIONS``.
    """
    at = now or timezone.now()
    today = timezone.localdate(at)
    result = ImportResult()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        result.errors.append(RowError(1, None, RegisterCode.FILE_UNREADABLE, str(exc)))
        return result
    for column in table.missing(REQUIRED_COLUMNS):
        result.errors.append(
            RowError(1, column, RegisterCode.COLUMN_MISSING, str(_("This column is missing.")))
        )
    for column in table.unknown(COLUMNS):
        result.errors.append(
            RowError(
                1,
                column,
                RegisterCode.COLUMN_UNKNOWN,
                str(_("Not a column of the register: the columns are %(columns)s."))
                % {"columns": ", ".join(COLUMNS)},
            )
        )
    if result.errors:
        return result
    result.rows = len(table.rows)
    lookups = Lookups.load()
    codes = [r.values.get("code", "").strip().lower() for r in table.rows]
    existing = {
        f.code: f
        for f in Facility.objects.filter(code__in=[c for c in codes if c]).select_related(
            "region", "township"
        )
    }
    seen: dict[str, int] = {}
    plans: list[_Plan] = []
    for row in table.rows:
        entry, problems = read_entry(row.values, lookups=lookups, today=today)
        row_errors = [_row_error(row.number, p) for p in problems]
        if entry is not None:
            first = seen.get(entry.code)
            if first is not None:
                row_errors.append(
                    RowError(
                        row.number,
                        "code",
                        RegisterCode.CODE_REPEATED,
                        str(_("This code is already on row %(row)s.")) % {"row": first},
                    )
                )
            seen.setdefault(entry.code, row.number)
            current = existing.get(entry.code)
            row_errors += _row_permission(actor, row.number, entry, current)
            if (
                current is not None
                and entry.status is not None
                and entry.status != current.status
                and not can_transition(current.status, entry.status)
            ):
                row_errors.append(
                    RowError(
                        row.number,
                        "status",
                        RegisterCode.STATUS_TRANSITION,
                        str(_("A facility that is “%(old)s” cannot become “%(new)s”."))
                        % {
                            "old": FacilityStatus(current.status).label,
                            "new": FacilityStatus(entry.status).label,
                        },
                    )
                )
            if not row_errors:
                plans.append(_Plan(row.number, entry, current))
        result.errors.extend(row_errors)
    if result.errors and not skip_bad_rows:
        return result
    for plan in plans:
        (result.updated if plan.existing else result.created).append(plan.entry.code)
    if not commit:
        return result
    try:
        _write(plans, actor=actor, at=at)
    except _RowRefused as exc:
        # Checked above, so only a race (a code taken meanwhile) gets here: nothing written.
        result.errors.extend(_row_error(exc.row, e) for e in exc.errors)
        return result
    result.committed = True
    return result


class _RowRefused(Exception):
    def __init__(self, row: int, errors: list[ErrorDetail]) -> None:
        super().__init__(row)
        self.row = row
        self.errors = errors


def _write(plans: list[_Plan], *, actor: Actor, at: datetime) -> None:
    """Write the planned rows in one transaction: all or nothing (a refusal names its row)."""
    with transaction.atomic():
        for plan in plans:
            try:
                _write_one(plan, actor=actor, at=at)
            except DomainError as exc:
                raise _RowRefused(plan.row, exc.errors) from exc


def _write_one(plan: _Plan, *, actor: Actor, at: datetime) -> None:
    note = f"row {plan.row}"
    if plan.existing is None:
        facility_create(actor=actor, entry=plan.entry, now=at, imported=True)
        return
    facility = facility_update(
        facility_id=plan.existing.pk, actor=actor, entry=plan.entry, now=at, imported=True
    )
    if plan.entry.status and plan.entry.status != facility.status:
        old = facility.status
        facility.status = plan.entry.status
        facility.updated_at = max(at, facility.updated_at)
        facility.save(update_fields=["status", "updated_at"])
        _event(
            facility,
            FacilityAction.STATUS,
            actor,
            facility.updated_at,
            note=f"{old} → {facility.status}: {note}",
        )


def _row_permission(
    actor: Actor, row: int, entry: Entry, current: Facility | None
) -> list[RowError]:
    if actor is None:
        return []
    allowed = policy.can_register_in(actor, entry.region) and (
        current is None or policy.can_manage(actor, current)
    )
    if allowed:
        return []
    return [
        RowError(
            row,
            "region",
            Code.NOT_PERMITTED,
            str(_("You may not register or change facilities in this place.")),
        )
    ]


def import_template() -> bytes:
    """A CSV with the import's columns and one example row."""
    example = {
        "code": "bookshop-example",
        "name_zh": "示例村农家书屋",
        "name_en": "Example village bookshop",
        "kind": Kind.BOOKSHOP.value,
        "status": FacilityStatus.OPEN.value,
        "region": "",
        "hours": "1-5 09:00-17:00; 6-7 09:00-12:00",
        "capacity": "30",
        "opened_on": "2019-05-01",
    }
    line = ",".join(example.get(c, "") for c in COLUMNS)
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n" + line + "\r\n").encode()


__all__ = [
    "COLUMNS",
    "MAX_PHOTOS",
    "TRANSITIONS",
    "Entry",
    "ImportResult",
    "Lookups",
    "can_transition",
    "entry_fields",
    "facilities_import",
    "facility_add_photo",
    "facility_create",
    "facility_set_keepers",
    "facility_set_status",
    "facility_update",
    "facility_view_record",
    "import_template",
    "read_entry",
    "split_names",
]
