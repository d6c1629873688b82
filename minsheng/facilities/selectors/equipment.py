"""Reads of the equipment part (issue 10, part 7): a facility's register and history, its
gaps against the standard configuration, the backward-equipment report per township and
facility, the replacement priority, and the broken items the idleness part reads.

Every figure is ``facilities.replacement``'s (pure); these functions load the rows in a few
joined queries (never one per facility or item) and hand them over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.core.errors import DomainError
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_by_code

from .. import replacement as rp
from ..models import (
    Equipment,
    EquipmentEvent,
    EquipmentState,
    EquipmentType,
    Facility,
    StandardItem,
)
from ..policy.equipment import can_report_on, report_scope
from ..policy.register import PUBLIC_STATUSES
from ..services.equipment import MAX_COST, read_day

# --- the register -----------------------------------------------------------------------------


def equipment_types() -> QuerySet[EquipmentType]:
    return EquipmentType.objects.order_by("code")


def facility_items(facility_id: int) -> QuerySet[Equipment]:
    """The facility's items, those in use first (by type), then the retired ones."""
    return (
        Equipment.objects.filter(facility_id=facility_id)
        .select_related("equipment_type")
        .order_by("retired_on", "equipment_type__code", "pk")
    )


def item(equipment_id: int) -> Equipment | None:
    return (
        Equipment.objects.select_related("facility", "facility__region", "equipment_type")
        .filter(pk=equipment_id)
        .first()
    )


def item_history(equipment_id: int) -> QuerySet[EquipmentEvent]:
    return EquipmentEvent.objects.filter(equipment_id=equipment_id).select_related("actor")


def facility_history(facility_id: int, limit: int = 30) -> list[EquipmentEvent]:
    """The facility's latest equipment steps, newest first."""
    return list(
        EquipmentEvent.objects.filter(equipment__facility_id=facility_id)
        .select_related("equipment", "equipment__equipment_type", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def life_of(item: Equipment) -> int:
    return item.expected_life_years or item.equipment_type.expected_life_years


# --- the standard and the gaps ----------------------------------------------------------------


def standard_kinds() -> set[str]:
    return set(StandardItem.objects.values_list("kind", flat=True).distinct())


@dataclass(frozen=True)
class GapLine:
    """A standard line at a facility, with its type for display."""

    equipment_type: EquipmentType
    gap: rp.Gap


@dataclass
class FacilityGaps:
    facility: Facility
    lines: list[GapLine]
    # items in use (not retired) of any type, the standard's or not
    broken: int = 0
    degraded: int = 0
    past_life: int = 0

    @property
    def backward(self) -> bool:
        return rp.is_backward(line.gap for line in self.lines)

    @property
    def missing(self) -> int:
        return sum(line.gap.missing for line in self.lines if line.gap.required)

    @property
    def reasons(self) -> list[GapLine]:
        return [line for line in self.lines if line.gap.backward]


def _standard(kinds: Iterable[str]) -> dict[str, list[StandardItem]]:
    out: dict[str, list[StandardItem]] = {}
    rows = (
        StandardItem.objects.filter(kind__in=list(kinds))
        .select_related("equipment_type")
        .order_by("kind", "-required", "equipment_type__code")
    )
    for row in rows:
        out.setdefault(row.kind, []).append(row)
    return out


def _held(items: Iterable[Equipment], as_of: date) -> dict[int, list[rp.Held]]:
    out: dict[int, list[rp.Held]] = {}
    for i in items:
        out.setdefault(i.facility_id, []).append(
            rp.Held(
                type_key=i.equipment_type_id,
                state=i.state,
                age=rp.age_years(i.purchased_on, as_of),
                life_years=life_of(i),
            )
        )
    return out


def _in_use(as_of: date) -> Q:
    """Items held on ``as_of``: bought by then and not retired by then."""
    return Q(purchased_on__lte=as_of) & (Q(retired_on__isnull=True) | Q(retired_on__gt=as_of))


def gaps_of(facilities: list[Facility], as_of: date) -> list[FacilityGaps]:
    """Each facility's lines of its kind's standard (none for a kind without one) and its
    broken, degraded and over-age items; three queries in all."""
    standard = _standard({f.kind for f in facilities})
    items = list(
        Equipment.objects.filter(_in_use(as_of), facility__in=[f.pk for f in facilities])
        .select_related("equipment_type")
        .only(
            "facility_id",
            "equipment_type_id",
            "state",
            "purchased_on",
            "expected_life_years",
            "equipment_type__expected_life_years",
        )
    )
    held = _held(items, as_of)
    out = []
    for f in facilities:
        lines = standard.get(f.kind, [])
        mine = held.get(f.pk, [])
        computed = rp.gaps(
            [rp.Standard(s.equipment_type_id, s.quantity, s.required) for s in lines], mine
        )
        out.append(
            FacilityGaps(
                facility=f,
                lines=[GapLine(s.equipment_type, g) for s, g in zip(lines, computed, strict=True)],
                broken=sum(1 for h in mine if h.state == EquipmentState.BROKEN),
                degraded=sum(1 for h in mine if h.state == EquipmentState.DEGRADED),
                past_life=sum(1 for h in mine if rp.past_life(h.age, h.life_years)),
            )
        )
    return out


def facility_gaps(facility: Facility, as_of: date) -> FacilityGaps:
    return gaps_of([facility], as_of)[0]


# --- the backward-equipment report ------------------------------------------------------------


def _facilities_in(region: Region) -> QuerySet[Facility]:
    qs = Facility.objects.filter(status__in=PUBLIC_STATUSES).select_related("region", "township")
    if region.level == Region.Level.COUNTY:
        return qs
    return qs.filter(township_id=region.pk)


def townships_of(region: Region) -> list[Region]:
    if region.level == Region.Level.TOWNSHIP:
        return [region]
    return list(Region.objects.filter(parent=region, level=Region.Level.TOWNSHIP).order_by("code"))


@dataclass
class TownshipRow:
    township: Region
    facilities: int = 0  # checked against a standard
    backward: int = 0
    missing: int = 0
    broken: int = 0
    degraded: int = 0
    past_life: int = 0

    def add(self, g: FacilityGaps) -> None:
        self.facilities += 1
        self.backward += int(g.backward)
        self.missing += g.missing
        self.broken += g.broken
        self.degraded += g.degraded
        self.past_life += g.past_life


@dataclass
class BackwardReport:
    region: Region
    as_of: date
    townships: list[TownshipRow]
    total: TownshipRow
    facilities: list[FacilityGaps] = field(default_factory=list)  # the backward ones

    @property
    def checked(self) -> int:
        return self.total.facilities


def backward_report(region: Region, as_of: date) -> BackwardReport:
    """Facilities of a kind with a standard (open or closed temporarily) in ``region`` (a
    township or the county), against it on ``as_of``: counts per township, and the
    backward facilities with their reasons."""
    kinds = standard_kinds()
    facilities = list(_facilities_in(region).filter(kind__in=kinds))
    computed = gaps_of(facilities, as_of)
    rows = {t.pk: TownshipRow(t) for t in townships_of(region)}
    total = TownshipRow(region)
    for g in computed:
        row = rows.get(g.facility.township_id or 0)
        if row is not None:
            row.add(g)
        total.add(g)
    return BackwardReport(
        region=region,
        as_of=as_of,
        townships=list(rows.values()),
        total=total,
        facilities=[g for g in computed if g.backward],
    )


# --- the replacement priority -----------------------------------------------------------------


def weights() -> rp.Weights:
    """The weights of the score: ``MINSHENG_EQUIPMENT_WEIGHTS`` (a dict of ``Weights``
    fields) over the defaults."""
    override = getattr(settings, "MINSHENG_EQUIPMENT_WEIGHTS", None) or {}
    return rp.Weights(**override) if override else rp.DEFAULT_WEIGHTS


@dataclass(frozen=True)
class PriorityRow:
    ranked: rp.Ranked
    equipment: Equipment

    @property
    def life(self) -> int:
        return self.ranked.item.life_years


def type_medians(as_of: date) -> dict[int, float]:
    """The median uses a month of each type's items in use (the whole county's)."""
    uses: dict[int, list[float]] = {}
    for type_id, n in Equipment.objects.filter(_in_use(as_of)).values_list(
        "equipment_type_id", "uses_per_month"
    ):
        uses.setdefault(type_id, []).append(n)
    return {t: rp.median(v) for t, v in uses.items()}


def population_of(facility: Facility) -> int:
    return facility.population_served or facility.region.population


def largest_population(as_of: date) -> int:
    """The largest population served by a facility (open or closed temporarily) with
    equipment in use: the population term's scale, the same for every list."""
    rows = (
        Facility.objects.filter(
            status__in=PUBLIC_STATUSES,
            pk__in=Equipment.objects.filter(_in_use(as_of)).values("facility_id"),
        )
        .order_by()
        .values_list("population_served", "region__population")
        .distinct()
    )
    return max((served or region for served, region in rows), default=0)


def priority(region: Region, as_of: date, *, facility: Facility | None = None) -> list[PriorityRow]:
    """Items in use in ``region`` (or at ``facility``) ranked for replacement, with the
    running cost. The medians and the population scale are the county's, so an item has
    the same score in every list."""
    if facility is not None:
        qs = Equipment.objects.filter(facility=facility)
    else:
        qs = Equipment.objects.filter(facility__in=_facilities_in(region))
    items = list(
        qs.filter(_in_use(as_of)).select_related(
            "equipment_type", "facility", "facility__region", "facility__township"
        )
    )
    medians = type_medians(as_of)
    by_pk = {i.pk: i for i in items}
    ranked = rp.rank(
        [
            rp.Item(
                key=i.pk,
                age=rp.age_years(i.purchased_on, as_of),
                life_years=life_of(i),
                state=i.state,
                uses_per_month=i.uses_per_month,
                type_median=medians.get(i.equipment_type_id, 0.0),
                population=population_of(i.facility),
                cost=i.replacement_cost,
            )
            for i in items
        ],
        weights(),
        largest_population=largest_population(as_of),
    )
    return [PriorityRow(r, by_pk[r.item.key]) for r in ranked]


def budget_line(rows: list[PriorityRow], budget: Decimal | None) -> int | None:
    """How many rows from the top ``budget`` pays for (None: no budget given)."""
    if budget is None:
        return None
    return rp.within_budget([r.ranked for r in rows], budget)


# --- the reports' query -----------------------------------------------------------------------


@dataclass
class ReportQuery:
    region: Region
    as_of: date
    budget: Decimal | None
    errors: dict[str, str]


def read_report_query(user: Any, params: Mapping[str, Any]) -> ReportQuery:
    """The region (a code; default the user's scope), the as-of day (default today; not in
    the future) and an optional budget (yuan, not negative). What cannot be used is named in
    ``errors`` and its default used instead."""
    scope = report_scope(user)
    assert scope is not None
    errors: dict[str, str] = {}
    region = scope
    code = params.get("region", "").strip()
    if code:
        found = region_by_code(code)
        if found is None or not can_report_on(user, found):
            errors["region"] = _("No such region in your scope.")
        else:
            region = found
    today = timezone.localdate()
    as_of = today
    raw = params.get("as_of", "").strip()
    if raw:
        try:
            as_of = read_day(raw, "as_of", today=today) or today
        except DomainError as exc:
            errors["as_of"] = str(exc.errors[0].message)
    budget = None
    raw = params.get("budget", "").strip()
    if raw:
        try:
            budget = Decimal(raw)
            if not budget.is_finite() or budget < 0 or budget > MAX_COST:
                raise InvalidOperation
        except InvalidOperation:
            budget = None
            errors["budget"] = _("Give the budget as a number of yuan, 0 or more.")
    return ReportQuery(region=region, as_of=as_of, budget=budget, errors=errors)


# --- for the idleness part --------------------------------------------------------------------


def broken_equipment(facility_ids: Iterable[int]) -> dict[int, list[str]]:
    """The names of each facility's broken items in use (the item's label, else its type's
    name), by type; facilities with none are absent. One query."""
    rows = (
        Equipment.objects.filter(
            facility_id__in=list(facility_ids),
            state=EquipmentState.BROKEN,
            retired_on__isnull=True,
        )
        .select_related("equipment_type")
        .order_by("facility_id", "equipment_type__code", "pk")
    )
    out: dict[int, list[str]] = {}
    for row in rows:
        out.setdefault(row.facility_id, []).append(row.label or row.equipment_type.name)
    return out
