"""Selectors of the medicines part (issue 10, item 6): the reference list, dispensing lists,
coverage of the essential list, residents' requests and the report per township.

Each function reads in a fixed number of queries (no query per facility or medicine).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When

from minsheng.orders.models import Order, Status
from minsheng.regions.models import Region

from .. import medicine_rules as rules
from ..models import Dispensing, Facility, Kind, Level, Medicine, MedicineRequest
from ..policy.register import PUBLIC_STATUSES

# A facility is short of what residents ask for when, in the period, at least this many
# requests named medicines it still does not dispense.
SHORT_REQUESTS = 3
TOP = 3  # the medicines named per facility in the report
# Orders not read as requests: not reviewed yet (a request counts once a dispatcher has
# accepted it as valid), or rejected, cancelled or merged into another order.
NOT_REQUESTS = [Status.SUBMITTED, Status.REJECTED, Status.CANCELLED, Status.MERGED]

_VILLAGE_FIRST = Case(
    When(level=Level.VILLAGE, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def reference(*, group: str = "", level: str = "") -> QuerySet[Medicine]:
    """The reference list (village level first, then by code), optionally one group or
    level."""
    rows = Medicine.objects.annotate(_first=_VILLAGE_FIRST).order_by("_first", "code")
    if group:
        rows = rows.filter(group=group)
    if level:
        rows = rows.filter(level=level)
    return rows


def reference_for_matching() -> list[Medicine]:
    return list(reference())


def expected_codes() -> dict[str, set[str]]:
    """The essential entries' codes by level."""
    out: dict[str, set[str]] = defaultdict(set)
    for code, level in Medicine.objects.filter(essential=True).values_list("code", "level"):
        out[level].add(code)
    return out


def expected_for(kind: str, expected: dict[str, set[str]]) -> set[str]:
    return set().union(*(expected.get(level, set()) for level in rules.levels_for(kind)))


def dispensed_codes(facility_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    rows = Dispensing.objects.filter(facility_id__in=facility_ids).values_list(
        "facility_id", "medicine__code"
    )
    for fid, code in rows:
        out[fid].add(code)
    return out


def coverage_for(facilities: list[Facility]) -> dict[int, rules.Coverage]:
    expected = expected_codes()
    dispensed = dispensed_codes([f.pk for f in facilities])
    return {
        f.pk: rules.coverage(expected_for(f.kind, expected), dispensed.get(f.pk, set()))
        for f in facilities
    }


def dispensing_of(facility_id: int) -> QuerySet[Dispensing]:
    return (
        Dispensing.objects.filter(facility_id=facility_id)
        .select_related("medicine")
        .annotate(
            _first=Case(
                When(medicine__level=Level.VILLAGE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_first", "medicine__code")
    )


def missing_of(facility: Facility) -> list[Medicine]:
    """The essential entries of the facility's levels it may not dispense."""
    have = Dispensing.objects.filter(facility=facility).values("medicine_id")
    return list(
        reference()
        .filter(essential=True, level__in=rules.levels_for(facility.kind))
        .exclude(pk__in=have)
    )


def addable_to(facility: Facility) -> list[Medicine]:
    """Entries of the reference list not on the facility's list yet."""
    have = Dispensing.objects.filter(facility=facility).values("medicine_id")
    return list(reference().exclude(pk__in=have))


@dataclass(frozen=True)
class Asked:
    medicine: Medicine
    requests: int
    last: date
    dispensed_now: bool


def _asked(
    facility_ids: list[int], since: date | None, until: date | None
) -> dict[int, list[Asked]]:
    """Per facility, the medicines residents asked for, most asked first."""
    rows = MedicineRequest.objects.filter(facility_id__in=facility_ids)
    if since is not None:
        rows = rows.filter(requested_on__gte=since)
    if until is not None:
        rows = rows.filter(requested_on__lte=until)
    counts = list(
        rows.values("facility_id", "medicine_id")
        .annotate(n=Count("pk"), last=Max("requested_on"))
        .order_by()
    )
    medicines = Medicine.objects.in_bulk({r["medicine_id"] for r in counts})
    have = set(
        Dispensing.objects.filter(facility_id__in=facility_ids).values_list(
            "facility_id", "medicine_id"
        )
    )
    out: dict[int, list[Asked]] = defaultdict(list)
    for r in counts:
        fid, mid = r["facility_id"], r["medicine_id"]
        out[fid].append(Asked(medicines[mid], r["n"], r["last"], (fid, mid) in have))
    for items in out.values():
        items.sort(key=lambda a: (-a.requests, a.medicine.code))
    return out


def asked_of(facility: Facility, since: date | None = None) -> list[Asked]:
    return _asked([facility.pk], since, None).get(facility.pk, [])


# --- the report per township --------------------------------------------------------------


@dataclass
class FacilityRow:
    facility: Facility
    coverage: rules.Coverage
    asked: list[Asked]

    @cached_property
    def requests(self) -> int:
        return sum(a.requests for a in self.asked)

    @cached_property
    def lacking(self) -> int:
        """Requests for medicines it still does not dispense."""
        return sum(a.requests for a in self.asked if not a.dispensed_now)

    @cached_property
    def top(self) -> list[Asked]:
        return self.asked[:TOP]

    @cached_property
    def short(self) -> bool:
        return self.lacking >= SHORT_REQUESTS


@dataclass
class TownshipBlock:
    township: Region | None
    rows: list[FacilityRow] = field(default_factory=list)

    @cached_property
    def coverage(self) -> rules.Coverage:
        return rules.Coverage(
            expected=sum(r.coverage.expected for r in self.rows),
            covered=sum(r.coverage.covered for r in self.rows),
        )

    @cached_property
    def requests(self) -> int:
        return sum(r.requests for r in self.rows)

    @cached_property
    def lacking(self) -> int:
        return sum(r.lacking for r in self.rows)

    @cached_property
    def short(self) -> int:
        return sum(1 for r in self.rows if r.short)

    @cached_property
    def top(self) -> list[tuple[Medicine, int]]:
        counts: dict[int, int] = defaultdict(int)
        names: dict[int, Medicine] = {}
        for r in self.rows:
            for a in r.asked:
                if not a.dispensed_now:
                    counts[a.medicine.pk] += a.requests
                    names[a.medicine.pk] = a.medicine
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]].code))
        return [(names[pk], n) for pk, n in ranked[:TOP]]


@dataclass
class Report:
    since: date
    until: date
    townships: list[TownshipBlock]

    @cached_property
    def facilities(self) -> int:
        return sum(len(t.rows) for t in self.townships)

    @cached_property
    def requests(self) -> int:
        return sum(t.requests for t in self.townships)

    @cached_property
    def short(self) -> int:
        return sum(t.short for t in self.townships)


def report(scope: Q, since: date, until: date) -> Report:
    """Each clinic and health centre matching ``scope`` (a ``policy.medicines.report_q``),
    by township: coverage, and the requests of ``since``..``until`` (days included)."""
    facilities = list(
        Facility.objects.filter(scope, kind__in=[Kind.CLINIC, Kind.HEALTH_CENTRE])
        .filter(status__in=PUBLIC_STATUSES)
        .select_related("township", "region")
        .order_by("township__code", "-kind", "region__code", "code")
    )
    cover = coverage_for(facilities)
    asked = _asked([f.pk for f in facilities], since, until)
    blocks: dict[int | None, TownshipBlock] = {}
    for f in facilities:
        block = blocks.setdefault(f.township_id, TownshipBlock(f.township))
        block.rows.append(FacilityRow(f, cover[f.pk], asked.get(f.pk, [])))
    return Report(since, until, list(blocks.values()))


# --- collecting requests from orders ------------------------------------------------------------


def uncollected_orders(service_code: str, *, since: datetime, until: datetime) -> list[Order]:
    """The orders of the medicine-request service placed in ``since``..``until`` not
    recorded yet, reviewed and not rejected, cancelled or merged (``NOT_REQUESTS``),
    oldest first."""
    recorded = MedicineRequest.objects.filter(order__isnull=False).values("order_id")
    return list(
        Order.objects.filter(
            service__code=service_code, created_at__gte=since, created_at__lte=until
        )
        .exclude(status__in=NOT_REQUESTS)
        .exclude(pk__in=recorded)
        .only("pk", "answers", "description", "region_id", "township_id", "created_at")
        .order_by("created_at", "pk")
    )


def serving_facilities(region_ids: set[int]) -> dict[int, Facility]:
    """For each region, the facility that serves its medicine requests: the village's
    clinic (open or closed temporarily; the first by code), else its township's health
    centre (a township's own orders go to its health centre)."""
    regions = list(Region.objects.filter(pk__in=region_ids).values_list("pk", "level", "parent_id"))
    town_of = {
        pk: (pk if level == Region.Level.TOWNSHIP else parent) for pk, level, parent in regions
    }
    live = Facility.objects.filter(status__in=PUBLIC_STATUSES).order_by("code")
    clinics: dict[int, Facility] = {}
    for f in live.filter(kind=Kind.CLINIC, region_id__in=region_ids):
        clinics.setdefault(f.region_id, f)
    centres: dict[int, Facility] = {}
    for f in live.filter(kind=Kind.HEALTH_CENTRE, region_id__in=set(town_of.values())):
        centres.setdefault(f.region_id, f)
    out: dict[int, Facility] = {}
    for pk, level, _parent in regions:
        found = clinics.get(pk) if level == Region.Level.VILLAGE else None
        found = found or centres.get(town_of[pk])
        if found is not None:
            out[pk] = found
    return out
