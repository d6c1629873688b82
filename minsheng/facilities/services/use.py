"""Writes of the use part (issue 10): daily use counts entered by staff, imported from a
table or posted by a counter device, the devices themselves, and the orders delivered at a
facility counted as its use.

Every count is checked the same way wherever it comes from (``_check_counts``):

- the day is a date, not in the future (local time);
- the kind is one of ``UseKind`` and fits the facility (``selectors.use.fitting_kinds``):
  visits anywhere counted, loans where there is a collection, consultations at clinics and
  health centres, bookings at cultural stations, sports grounds and elderly-care points;
  nothing at infrastructure; ``orders`` only from ``order_use_collect``;
- the count is a whole number, not negative, and not absurd: at most ten times the
  facility's capacity (people a day), or ``CEILING`` when the capacity is not recorded;
- the facility is open or closed temporarily (a planned or abandoned one has no use).

A count replaces the count of the same facility, day, kind and source (a keeper correcting
a figure, a device posting its running total); the sources are kept apart and never added
(``selectors.use``: per day and kind the largest source counts).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
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
from minsheng.core.inputs import Invalid, is_blank, read_id, read_text
from minsheng.core.tables import RowError, TableError, read_table
from minsheng.orders.models import Audience, Order
from minsheng.orders.models import Status as OrderStatus
from minsheng.regions.models import Region

from ..errors import UseCode
from ..models import (
    CounterDevice,
    Facility,
    FacilityAction,
    FacilityEvent,
    Title,
    UseCount,
    UseKind,
    UseSource,
)
from ..policy import use as policy
from ..selectors.use import fitting_kinds, kinds_for

# Without a recorded capacity, a day's count of one kind above this is a mistake: more than
# a township health centre or a county library sees on its busiest day.
CEILING = 5000
ABSURD_FACTOR = 10  # the issue: "over ten times the facility's capacity"
DEVICE_NAME_MAX = 100
KEY_PREFIX_LENGTH = 8
COLUMNS = ["facility", "date", "kind", "count"]


class Unauthorized(DomainError):
    """No valid credentials: a device key that is wrong, unknown or revoked."""

    status_code = 401


# --- reading ----------------------------------------------------------------------------------


def _read_day(
    value: Any, field_name: str, *, today: date
) -> tuple[date | None, ErrorDetail | None]:
    if isinstance(value, datetime):
        value = value.date()
    day: date | None = None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = parse_date(value.strip())
        except ValueError:
            day = None
    if day is None or day.year < 2000:
        return None, ErrorDetail(
            UseCode.NOT_DATE, _("Give the date as YYYY-MM-DD, for example 2026-05-01."), field_name
        )
    if day > today:
        return None, ErrorDetail(
            UseCode.FUTURE_DATE,
            _("The date is in the future: count a day once it is over."),
            field_name,
        )
    return day, None


def ceiling_of(facility: Facility) -> int:
    """The largest count of one kind a day that is not absurd at ``facility``."""
    if facility.capacity:
        return ABSURD_FACTOR * facility.capacity
    return CEILING


def _read_count(value: Any, field_name: str, ceiling: int) -> tuple[int | None, ErrorDetail | None]:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isascii():
        text = value.strip()
        if text.lstrip("+-").isdigit() and len(text) <= 12:
            number = int(text)
    if number is None:
        return None, ErrorDetail(Code.NOT_NUMBER, _("Enter a whole number."), field_name)
    if number < 0:
        return None, ErrorDetail(UseCode.NEGATIVE, _("A count cannot be negative."), field_name)
    if number > ceiling:
        return None, ErrorDetail(
            UseCode.ABSURD,
            _("%(n)d is over ten times what the facility holds in a day (at most %(max)d).")
            % {"n": number, "max": ceiling},
            field_name,
        )
    return number, None


def _check_kind(kind: Any, fitting: list[str], field_name: str) -> ErrorDetail | None:
    if not isinstance(kind, str) or kind not in UseKind.values:
        return ErrorDetail(
            UseCode.KIND_UNKNOWN,
            _("Unknown kind of use: give one of %(kinds)s.") % {"kinds": ", ".join(fitting)},
            field_name,
        )
    if kind not in fitting:
        return ErrorDetail(
            UseCode.KIND_NOT_FITTING,
            _("This facility does not count %(kind)s: it counts %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(fitting) or "—"},
            field_name,
        )
    return None


def _check_counted(facility: Facility) -> None:
    if not policy.is_counted(facility):
        raise DomainError.single(
            UseCode.FACILITY_NOT_IN_USE,
            _(
                "Use is counted only at open (or temporarily closed) facilities, not infrastructure."
            ),
            "facility",
        )


def _check_counts(
    facility: Facility, counts: Any, *, field_prefix: str = "counts."
) -> tuple[dict[str, int], list[ErrorDetail]]:
    """``counts`` ({kind: count}) read and checked for ``facility``; blank values skipped."""
    if not isinstance(counts, Mapping):
        return {}, [ErrorDetail(UseCode.NO_COUNTS, _("Give the counts by kind."), "counts")]
    fitting = kinds_for(facility)
    ceiling = ceiling_of(facility)
    read: dict[str, int] = {}
    errors: list[ErrorDetail] = []
    for kind, raw in counts.items():
        name = f"{field_prefix}{kind}"
        fault = _check_kind(kind, fitting, name)
        if fault is not None:
            errors.append(fault)
            continue
        if is_blank(raw):
            continue
        number, fault = _read_count(raw, name, ceiling)
        if fault is not None:
            errors.append(fault)
        elif number is not None:
            read[kind] = number
    if not read and not errors:
        errors.append(ErrorDetail(UseCode.NO_COUNTS, _("Enter at least one count."), "counts"))
    return read, errors


def _facility(facility_id: Any, *, lock: bool = False) -> Facility:
    try:
        pk = read_id(facility_id)
    except Invalid:
        pk = None
    qs = Facility.objects.select_for_update() if lock else Facility.objects.all()
    found = qs.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise NotFound.single(UseCode.FACILITY_NOT_FOUND, _("No such facility."), "facility")
    return found


def _write(
    facility: Facility,
    day: date,
    counts: Mapping[str, int],
    *,
    source: str,
    at: datetime,
    recorded_by: User | None = None,
    device: CounterDevice | None = None,
) -> list[UseCount]:
    """Replace the counts of ``facility``/``day``/``source`` for the kinds given."""
    written = []
    for kind, number in counts.items():
        row, _created = UseCount.objects.update_or_create(
            facility=facility,
            day=day,
            kind=kind,
            source=source,
            defaults={
                "count": number,
                "recorded_by": recorded_by,
                "device": device,
                "recorded_at": at,
            },
        )
        written.append(row)
    return written


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


# --- staff entry ------------------------------------------------------------------------------


def use_count_record(*, actor: Actor, facility_id: Any, day: Any, counts: Any) -> list[UseCount]:
    """A keeper's or manager's counts of one day at one facility (source STAFF), replacing
    what staff entered for that day and kind. A blank count is skipped, a zero recorded."""
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        facility = _facility(facility_id, lock=True)
        if not policy.can_enter_use(actor, facility):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("You do not keep this facility."), "facility"
            )
        _check_counted(facility)
        read_day, day_fault = _read_day(day, "date", today=today)
        read, errors = _check_counts(facility, counts)
        if day_fault is not None:
            errors.insert(0, day_fault)
        if errors or read_day is None:
            raise DomainError(errors)
        return _write(
            facility, read_day, read, source=UseSource.STAFF, at=now, recorded_by=_user(actor)
        )


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import found: ``planned`` the good rows ((facility, day, kind) → count),
    ``errors`` every bad row, ``written`` how many counts were written (0 in a dry run or
    when a bad row stopped it)."""

    rows: int = 0
    planned: dict[tuple[int, date, str], int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    written: int = 0
    committed: bool = False
    facilities: int = 0


def use_counts_import(
    *,
    actor: Actor,
    data: bytes,
    filename: str,
    commit: bool = False,
    skip_bad_rows: bool = False,
) -> ImportResult:
    """Import use counts from a CSV or XLSX table with the columns facility (its code),
    date (YYYY-MM-DD), kind (``UseKind``) and count (source IMPORT, replacing earlier
    imports of the same day and kind). Every row is planned first; each bad row is
    reported with its number and reason. Nothing is written when ``commit`` is false, nor
    when a row is bad unless ``skip_bad_rows``.

    ``actor`` None is the command line (a county operator); anyone else may import only for
    the facilities they keep (a row for another is a bad row).
    """
    result = ImportResult()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise DomainError.single(UseCode.BAD_FILE, str(exc), "file") from None
    missing = table.missing(COLUMNS)
    if missing:
        raise DomainError.single(
            UseCode.MISSING_COLUMNS,
            _("The table lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            "file",
        )
    result.rows = len(table.rows)
    codes = {r.values.get("facility", "") for r in table.rows}
    facilities = {f.code: f for f in Facility.objects.filter(code__in=codes)}
    with_titles = set(
        Title.objects.filter(facility__code__in=codes).values_list("facility_id", flat=True)
    )
    fitting = {
        f.pk: fitting_kinds(f.kind, has_collection=f.pk in with_titles) for f in facilities.values()
    }
    # The facilities the importer may enter counts for, in one query (the command: all).
    if actor is None:
        allowed = {f.pk for f in facilities.values()}
    else:
        entered = policy.entered_q(actor)
        allowed = (
            set(Facility.objects.filter(entered, code__in=codes).values_list("pk", flat=True))
            if entered is not None
            else set()
        )
    today = timezone.localdate()
    for row in table.rows:

        def bad(column: str | None, code: str, message: Any, number: int = row.number) -> None:
            result.errors.append(RowError(number, column, str(code), str(message)))

        facility = facilities.get(row.values.get("facility", ""))
        if facility is None:
            bad("facility", UseCode.FACILITY_NOT_FOUND, _("No facility has this code."))
            continue
        if facility.pk not in allowed:
            bad("facility", Code.NOT_PERMITTED, _("You do not keep this facility."))
            continue
        if not policy.is_counted(facility):
            bad(
                "facility",
                UseCode.FACILITY_NOT_IN_USE,
                _("Use is counted only at open (or temporarily closed) facilities."),
            )
            continue
        day, fault = _read_day(row.values.get("date", ""), "date", today=today)
        faults = [fault] if fault is not None else []
        kind = row.values.get("kind", "").strip().lower()
        fault = _check_kind(kind, fitting[facility.pk], "kind")
        if fault is not None:
            faults.append(fault)
        number, fault = _read_count(row.values.get("count", ""), "count", ceiling_of(facility))
        if fault is not None:
            faults.append(fault)
        if faults or day is None or number is None:
            for f in faults:
                bad(f.field, f.code, f.message)
            continue
        key = (facility.pk, day, kind)
        if key in result.planned:
            bad(
                None,
                UseCode.DUPLICATE_ROW,
                _("This facility, date and kind appear in an earlier row."),
            )
            continue
        result.planned[key] = number
    result.facilities = len({k[0] for k in result.planned})
    if not commit or (result.errors and not skip_bad_rows):
        return result
    now = timezone.now()
    with transaction.atomic():
        keys = set(result.planned)
        pks = sorted({pk for pk, _day, _kind in keys})
        # Lock the facilities: two imports (or an entry) of the same day replace in turn.
        list(Facility.objects.select_for_update().filter(pk__in=pks).values_list("pk"))
        # Replace: the earlier imported counts of these facility-days and kinds go first.
        days = [day for _pk, day, _kind in keys] or [today]
        existing = UseCount.objects.filter(
            facility_id__in=pks,
            source=UseSource.IMPORT,
            day__gte=min(days),
            day__lte=max(days),
        ).values_list("pk", "facility_id", "day", "kind")
        doomed = [row_pk for row_pk, pk, day, kind in existing if (pk, day, kind) in keys]
        for start in range(0, len(doomed), 1000):
            UseCount.objects.filter(pk__in=doomed[start : start + 1000]).delete()
        UseCount.objects.bulk_create(
            [
                UseCount(
                    facility_id=pk,
                    day=day,
                    kind=kind,
                    count=number,
                    source=UseSource.IMPORT,
                    recorded_by=_user(actor),
                    recorded_at=now,
                )
                for (pk, day, kind), number in result.planned.items()
            ],
            batch_size=1000,
        )
    result.written = len(result.planned)
    result.committed = True
    return result


# --- counter devices --------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _device_event(facility: Facility, actor: Actor, note: str, at: datetime) -> None:
    FacilityEvent.objects.create(
        facility=facility,
        action=FacilityAction.DEVICE,
        actor=_user(actor),
        note=note,
        audience=Audience.STAFF,
        created_at=at,
    )


def counter_device_create(
    *, actor: Actor, facility_id: Any, name: Any
) -> tuple[CounterDevice, str]:
    """A counter device for ``facility_id`` and its key, returned this once: only its
    SHA-256 and its first characters (to find it) are kept. Managers only."""
    try:
        clean_name = read_text(name, max_length=DEVICE_NAME_MAX, required=True, markup=False)
    except Invalid as exc:
        raise exc.error("name") from None
    now = timezone.now()
    with transaction.atomic():
        facility = _facility(facility_id, lock=True)
        if not policy.can_manage_devices(actor, facility):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("Only the facility's managers add counter devices."), None
            )
        _check_counted(facility)
        creator = _user(actor)
        assert creator is not None  # a manager is a signed-in user (policy.manages)
        # 8 hex digits find the row (a clash is retried), 40 URL-safe characters are secret.
        while True:
            prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
            if not CounterDevice.objects.filter(key_prefix=prefix).exists():
                break
        key = f"{prefix}.{secrets.token_urlsafe(30)}"
        device = CounterDevice.objects.create(
            facility=facility,
            name=clean_name,
            key_prefix=prefix,
            key_hash=_hash(key),
            created_by=creator,
            created_at=now,
        )
        _device_event(facility, actor, f"+ {clean_name} ({prefix})", now)
    return device, key


def counter_device_revoke(*, actor: Actor, device_id: Any) -> CounterDevice:
    """Revoke a device: its key is refused from now on. Managers only; revoking twice is
    refused (409)."""
    try:
        pk = read_id(device_id)
    except Invalid:
        pk = None
    now = timezone.now()
    with transaction.atomic():
        device = (
            CounterDevice.objects.select_for_update()
            .select_related("facility")
            .filter(pk=pk)
            .first()
            if pk is not None
            else None
        )
        if device is None:
            raise NotFound.single(UseCode.DEVICE_NOT_FOUND, _("No such device."), "device")
        if not policy.can_manage_devices(actor, device.facility):
            raise PermissionDenied.single(
                Code.NOT_PERMITTED, _("Only the facility's managers revoke counter devices."), None
            )
        if not device.active:
            raise Conflict.single(
                UseCode.DEVICE_REVOKED, _("This device is already revoked."), "device"
            )
        device.active = False
        device.save(update_fields=["active"])
        _device_event(device.facility, actor, f"− {device.name} ({device.key_prefix})", now)
    return device


_DUMMY_HASH = _hash("no device has this key")


def _device_by_key(key: Any) -> CounterDevice:
    """The active device ``key`` belongs to, compared in constant time; else 401."""
    refused = Unauthorized.single(
        UseCode.DEVICE_KEY_INVALID, _("The device key is wrong or revoked."), None
    )
    if not isinstance(key, str) or len(key) > 200 or not key.isascii() or "\x00" in key:
        raise refused
    prefix = key.split(".", 1)[0][:KEY_PREFIX_LENGTH]
    device = (
        CounterDevice.objects.select_related("facility").filter(key_prefix=prefix).first()
        if len(prefix) == KEY_PREFIX_LENGTH
        else None
    )
    expected = device.key_hash if device is not None else _DUMMY_HASH
    matches = hmac.compare_digest(_hash(key), expected)
    if device is None or not matches or not device.active:
        raise refused
    return device


def device_counts_post(*, key: Any, facility_id: Any, day: Any, counts: Any) -> list[UseCount]:
    """A counter device's counts of one day (source DEVICE), replacing its earlier post of
    that day and kind; sets the device's ``last_seen_at``. Refuses a wrong or revoked key
    (401), a key of another facility (403), a future date, an unknown or unfitting kind, a
    negative or absurd count (400, naming the field)."""
    device = _device_by_key(key)
    try:
        pk = read_id(facility_id)
    except Invalid:
        raise DomainError.single(Code.INVALID, _("Give the facility's id."), "facility") from None
    if pk != device.facility_id:
        raise PermissionDenied.single(
            UseCode.DEVICE_OTHER_FACILITY,
            _("This device's key is for another facility."),
            "facility",
        )
    now = timezone.now()
    with transaction.atomic():
        locked = CounterDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.active:  # revoked while this request was on its way
            raise Unauthorized.single(
                UseCode.DEVICE_KEY_INVALID, _("The device key is wrong or revoked."), None
            )
        facility = _facility(pk)
        _check_counted(facility)
        read_day, day_fault = _read_day(day, "date", today=timezone.localdate(now))
        read, errors = _check_counts(facility, counts)
        if day_fault is not None:
            errors.insert(0, day_fault)
        if errors or read_day is None:
            raise DomainError(errors)
        written = _write(facility, read_day, read, source=UseSource.DEVICE, at=now, device=locked)
        locked.last_seen_at = now
        locked.save(update_fields=["last_seen_at"])
    return written


# --- orders delivered at a facility -----------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    days: int
    orders: int  # orders delivered in the days, counted at one facility or more
    counts: int  # UseCount rows written
    removed: int  # UseCount rows of those days replaced


def order_use_collect(*, day_from: date, day_to: date) -> Collected:
    """Count the orders delivered from ``day_from`` to ``day_to`` (local days, inclusive) as
    each facility's use (kind and source ORDERS), replacing what was collected for those
    days before (idempotent).

    An order counts at a facility when it was delivered on the day (``delivered_at``; its
    status now delivered or closed), its service is one the facility delivers
    (``Facility.services``) and is delivered at a facility (``delivery_mode`` "facility"),
    and its place is the facility's village, or, for a facility of a township, in that
    township; when a provider runs the facility, the order's provider must be it. An order
    may so count at a village clinic and at its township's health centre alike, both of
    which deliver it to the village.
    """
    if day_to < day_from:
        raise DomainError.single(Code.INVALID, _("The first day is after the last."), "day_from")
    start = timezone.make_aware(datetime.combine(day_from, time.min))
    end = timezone.make_aware(datetime.combine(day_to + timedelta(days=1), time.min))
    links = Facility.services.through.objects.filter(
        service__delivery_mode=Service.DeliveryMode.FACILITY,
        facility__status__in=policy.COUNTED_STATUSES,
    ).values_list(
        "service_id",
        "facility_id",
        "facility__region_id",
        "facility__region__level",
        "facility__provider_id",
    )
    # service -> [(facility, its region, whether a township's, its provider)]
    by_service: dict[int, list[tuple[int, int, bool, int | None]]] = {}
    for service_id, facility_id, region_id, level, provider_id in links:
        by_service.setdefault(service_id, []).append(
            (facility_id, region_id, level == Region.Level.TOWNSHIP, provider_id)
        )
    orders = Order.objects.filter(
        delivered_at__gte=start,
        delivered_at__lt=end,
        status__in=[OrderStatus.DELIVERED, OrderStatus.CLOSED],
        service_id__in=list(by_service),
    ).values_list("service_id", "region_id", "township_id", "provider_id", "delivered_at")
    tally: dict[tuple[int, date], int] = {}
    counted = 0
    for service_id, region_id, township_id, provider_id, delivered_at in orders.iterator():
        day = timezone.localtime(delivered_at).date()
        hit = False
        for facility_id, f_region, township_facility, f_provider in by_service[service_id]:
            here = region_id == f_region or (township_facility and township_id == f_region)
            if not here or (f_provider is not None and provider_id != f_provider):
                continue
            tally[(facility_id, day)] = tally.get((facility_id, day), 0) + 1
            hit = True
        counted += hit
    now = timezone.now()
    with transaction.atomic():
        removed, _detail = UseCount.objects.filter(
            source=UseSource.ORDERS, day__gte=day_from, day__lte=day_to
        ).delete()
        UseCount.objects.bulk_create(
            [
                UseCount(
                    facility_id=facility_id,
                    day=day,
                    kind=UseKind.ORDERS,
                    count=n,
                    source=UseSource.ORDERS,
                    recorded_at=now,
                )
                for (facility_id, day), n in sorted(tally.items())
            ],
            batch_size=1000,
        )
    return Collected(
        days=(day_to - day_from).days + 1, orders=counted, counts=len(tally), removed=removed
    )
