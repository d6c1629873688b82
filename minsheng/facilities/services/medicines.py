"""Services of the medicines part (issue 10, item 6): a clinic's dispensing list, residents'
medicine requests collected from their orders, and the reference list loaded from a table.

Every write locks first (the facility for its list; the order rows for a collection run is
made idempotent by ``MedicineRequest.order`` being unique), checks ``policy.medicines``,
and appends a staff-only ``FacilityEvent`` saying what changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service
from minsheng.core.errors import Code, DomainError, NotFound, PermissionDenied
from minsheng.core.tables import Row, RowError, Table
from minsheng.orders.models import Audience, Order

from .. import medicine_rules as rules
from ..errors import MedicineCode
from ..models import (
    Dispensing,
    Facility,
    FacilityAction,
    FacilityEvent,
    Level,
    Medicine,
    MedicineRequest,
)
from ..policy import medicines as policy
from ..selectors import medicines as selectors

# The menu item residents order a medicine through (a county adds it: docs/medicines.md).
SERVICE_CODE = "medicine-request"
# Its questions: a choice among common medicines (keys are reference codes, ``other`` for
# none of them) and free text; failing both, the order's description is read.
ATTR_MEDICINE = "medicine"
ATTR_TEXT = "medicine_text"
OTHER = "other"
# Orders placed longer ago are not read (an order whose clinic had the medicine is read
# again each run: the window bounds that work).
WINDOW_DAYS = 400


def _lock_facility(facility_id: int) -> Facility:
    found = Facility.objects.select_for_update().filter(pk=facility_id).first()
    if found is None:
        raise NotFound.single("not_found", gettext_lazy("No such facility."), "facility")
    return found


def _medicine(code: str) -> Medicine:
    found = Medicine.objects.filter(code=code).first()
    if found is None:
        raise DomainError.single(
            MedicineCode.UNKNOWN_MEDICINE,
            gettext_lazy("Choose a medicine of the reference list."),
            "medicine",
        )
    return found


def _checked(actor: Actor, facility_id: int) -> Facility:
    facility = _lock_facility(facility_id)
    if not policy.dispenses(facility):
        raise DomainError.single(
            MedicineCode.NOT_HEALTH,
            gettext_lazy("Only clinics and health centres keep a list of medicines."),
            None,
        )
    if not policy.can_keep_medicines(actor, facility):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED,
            gettext_lazy("You do not keep this facility's list of medicines."),
            None,
        )
    return facility


def _event(facility: Facility, actor: Actor, note: str) -> None:
    FacilityEvent.objects.create(
        facility=facility,
        action=FacilityAction.UPDATED,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        audience=Audience.STAFF,
        created_at=timezone.now(),
    )


def dispensing_add(
    *, actor: Actor, facility_id: int, medicine_code: str, in_stock: bool = True
) -> Dispensing:
    """Put a medicine on the facility's list (it may dispense it from now on)."""
    with transaction.atomic():
        facility = _checked(actor, facility_id)
        medicine = _medicine(medicine_code)
        if Dispensing.objects.filter(facility=facility, medicine=medicine).exists():
            raise DomainError.single(
                MedicineCode.ALREADY_DISPENSED,
                gettext_lazy("This medicine is on the list already."),
                "medicine",
            )
        row = Dispensing.objects.create(facility=facility, medicine=medicine, in_stock=in_stock)
        _event(facility, actor, _("Medicine added to the list: %(name)s") % {"name": medicine})
    return row


def _row(facility: Facility, medicine_code: str) -> Dispensing:
    medicine = _medicine(medicine_code)
    row = (
        Dispensing.objects.select_for_update()
        .filter(facility=facility, medicine=medicine)
        .select_related("medicine")
        .first()
    )
    if row is None:
        raise DomainError.single(
            MedicineCode.NOT_DISPENSED,
            gettext_lazy("This medicine is not on the list."),
            "medicine",
        )
    return row


def dispensing_remove(*, actor: Actor, facility_id: int, medicine_code: str) -> None:
    """Take a medicine off the list (the facility may no longer dispense it)."""
    with transaction.atomic():
        facility = _checked(actor, facility_id)
        row = _row(facility, medicine_code)
        row.delete()
        _event(
            facility,
            actor,
            _("Medicine taken off the list: %(name)s") % {"name": row.medicine},
        )


def dispensing_set_stock(
    *, actor: Actor, facility_id: int, medicine_code: str, in_stock: bool
) -> Dispensing:
    """Say whether a medicine on the list is in stock."""
    with transaction.atomic():
        facility = _checked(actor, facility_id)
        row = _row(facility, medicine_code)
        if row.in_stock != in_stock:
            row.in_stock = in_stock
            row.save(update_fields=["in_stock"])
            note = (_("In stock again: %(name)s") if in_stock else _("Out of stock: %(name)s")) % {
                "name": row.medicine
            }
            _event(facility, actor, note)
    return row


# --- residents' requests ----------------------------------------------------------------------


@dataclass
class CollectSummary:
    read: int = 0  # orders of the service not collected before
    recorded: int = 0  # requests recorded (the facility lacks the medicine)
    dispensed: int = 0  # the facility has what was asked: not a request
    unmatched: int = 0  # no medicine of the list named
    no_facility: int = 0  # no clinic or health centre serves the place
    by_medicine: Counter[str] = field(default_factory=Counter)


def _asked(order: Order, entries: list[rules.Entry], codes: set[str]) -> list[str]:
    """The reference codes an order asks for (see ``SERVICE_CODE``'s questions)."""
    answers = order.answers if isinstance(order.answers, dict) else {}
    chosen = answers.get(ATTR_MEDICINE)
    if isinstance(chosen, str) and chosen in codes:
        return [chosen]
    for text in (answers.get(ATTR_TEXT), order.description):
        if isinstance(text, str) and (found := rules.named(text, entries)):
            return found
    return []


def medicine_requests_collect(*, now: datetime | None = None) -> CollectSummary:
    """Read the ``medicine-request`` orders not collected yet and record a
    ``MedicineRequest`` for each whose facility (the clinic of the order's village, else the
    health centre of its township) does not dispense what it asks for.

    An order is read once reviewed (approved, whatever happened next), unless it was
    rejected, cancelled or merged first; once recorded it stays (a later cancellation does
    not unsay the need). Only orders of the last ``WINDOW_DAYS`` are read.

    Idempotent: an order is recorded at most once (``MedicineRequest.order`` is unique,
    and runs at once queue on the menu item's row); an order whose facility had the
    medicine is read again next time (until it is counted or leaves the window)."""
    now = now or timezone.now()
    summary = CollectSummary()
    with transaction.atomic():
        # One run at a time: a second run waits on the menu item's row, then reads only
        # the orders the first left (its query sees what the first committed).
        if not Service.objects.select_for_update().filter(code=SERVICE_CODE).exists():
            return summary
        orders = selectors.uncollected_orders(
            SERVICE_CODE, since=now - timedelta(days=WINDOW_DAYS), until=now
        )
        if not orders:
            return summary
        medicines = selectors.reference_for_matching()
        entries = [
            rules.Entry(m.code, (m.name_zh, m.name_en), rules.split_keywords(m.keywords))
            for m in medicines
        ]
        by_code = {m.code: m for m in medicines}
        serving = selectors.serving_facilities({o.region_id for o in orders})
        dispensed = selectors.dispensed_codes([f.pk for f in serving.values()])
        rows: list[MedicineRequest] = []
        for order in orders:
            summary.read += 1
            asked = _asked(order, entries, set(by_code))
            if not asked:
                summary.unmatched += 1
                continue
            facility = serving.get(order.region_id)
            if facility is None:
                summary.no_facility += 1
                continue
            lacking = rules.lacking(asked, dispensed.get(facility.pk, set()))
            if lacking is None:
                summary.dispensed += 1
                continue
            rows.append(
                MedicineRequest(
                    order=order,
                    facility=facility,
                    medicine=by_code[lacking],
                    township_id=order.township_id,
                    requested_on=timezone.localdate(order.created_at),
                )
            )
            summary.by_medicine[lacking] += 1
        # ignore_conflicts: should the order have been recorded by other means meanwhile.
        MedicineRequest.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    summary.recorded = len(rows)
    return summary


# --- the reference list -----------------------------------------------------------------------

COLUMNS = ["code", "name_zh", "name_en", "group", "level", "keywords", "essential"]
REQUIRED = ["code", "name_zh", "group", "level"]
YES = {"1", "yes", "y", "true", "是", ""}
NO = {"0", "no", "n", "false", "否"}


@dataclass
class LoadPlan:
    rows: list[dict[str, object]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    written: bool = False


def _plan_row(row: Row, seen: set[str]) -> tuple[dict[str, object] | None, list[RowError]]:
    v = row.values
    errors: list[RowError] = []

    def bad(column: str, code: str, message: str) -> None:
        errors.append(RowError(row.number, column, code, message))

    code = v.get("code", "").strip().lower()
    if not code:
        bad("code", Code.REQUIRED, _("A code is required."))
    elif len(code) > 40 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        bad("code", Code.INVALID, _("A code is letters, digits, - and _ (at most 40)."))
    elif code in seen:
        bad("code", MedicineCode.DUPLICATE_CODE, _("This code is on an earlier row too."))
    name_zh = v.get("name_zh", "")
    if not name_zh:
        bad("name_zh", Code.REQUIRED, _("A Chinese name is required."))
    for column, limit in (("name_zh", 200), ("name_en", 200), ("keywords", 200)):
        if len(v.get(column, "")) > limit:
            bad(column, Code.TOO_LONG, _("At most %(n)d characters.") % {"n": limit})
    group = v.get("group", "").lower()
    if group not in Medicine.Group.values:
        bad("group", MedicineCode.BAD_GROUP, _("The group is chemical or patent."))
    level = v.get("level", "").lower()
    if level not in Level.values:
        bad("level", MedicineCode.BAD_LEVEL, _("The level is village or township."))
    essential = v.get("essential", "").lower()
    if essential not in YES | NO:
        bad("essential", Code.NOT_YES_NO, _("Essential is yes or no."))
    if errors:
        return None, errors
    seen.add(code)
    return {
        "code": code,
        "name_zh": name_zh,
        "name_en": v.get("name_en", ""),
        "group": group,
        "level": level,
        "keywords": v.get("keywords", ""),
        "essential": essential in YES,
    }, []


def medicines_plan(table: Table) -> LoadPlan:
    """Every row of a reference table checked, nothing written."""
    plan = LoadPlan()
    missing = table.missing(REQUIRED)
    if missing:
        plan.errors.append(
            RowError(
                1,
                missing[0],
                Code.REQUIRED,
                _("Missing columns: %(names)s") % {"names": ", ".join(missing)},
            )
        )
        return plan
    seen: set[str] = set()
    for row in table.rows:
        values, errors = _plan_row(row, seen)
        plan.errors.extend(errors)
        if values is not None:
            plan.rows.append(values)
    existing = set(Medicine.objects.filter(code__in=list(seen)).values_list("code", flat=True))
    plan.updated = len(existing)
    plan.created = len(plan.rows) - plan.updated
    return plan


def medicines_load(*, table: Table, skip_bad_rows: bool = False) -> LoadPlan:
    """Create or update the reference entries of ``table`` (by code). With a bad row,
    nothing is written unless ``skip_bad_rows``; then the good rows are."""
    plan = medicines_plan(table)
    if plan.errors and (not skip_bad_rows or not plan.rows):
        return plan
    with transaction.atomic():
        for values in plan.rows:
            defaults = {k: v for k, v in values.items() if k != "code"}
            Medicine.objects.update_or_create(code=values["code"], defaults=defaults)
    plan.written = True
    return plan
