"""Selectors of the activities part (issue 10): querysets already joined, no query in a loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from minsheng.accounts.models import Profile, Role
from minsheng.accounts.selectors import home_region
from minsheng.accounts.types import Actor
from minsheng.regions.models import Region

from .. import variety
from ..models import (
    INFRASTRUCTURE,
    Activity,
    ActivityKind,
    ActivityRating,
    ActivityStatus,
    Facility,
    Signup,
    Status,
)
from ..policy import activities as policy
from ..policy.register import kept_q, management_scope


def kinds() -> QuerySet[ActivityKind]:
    return ActivityKind.objects.order_by("field", "code")


def _joined() -> QuerySet[Activity]:
    return Activity.objects.select_related("kind", "village", "township", "facility").annotate(
        signup_count=Count("signups", distinct=True)
    )


def activity_by_id(pk: int) -> Activity | None:
    return _joined().filter(pk=pk).first()


def home_village(user: Actor) -> Region | None:
    region = home_region(user)
    return region if region is not None and region.level == Region.Level.VILLAGE else None


@dataclass(frozen=True)
class Filters:
    township: Region | None = None
    village: Region | None = None
    kind: ActivityKind | None = None


def upcoming(user: Actor, filters: Filters, now: datetime | None = None) -> QuerySet[Activity]:
    """Announced activities not yet over, the user's own village's first, then by start."""
    now = now or timezone.now()
    qs = _joined().filter(status=ActivityStatus.ANNOUNCED, ends_at__gt=now)
    if filters.township is not None:
        qs = qs.filter(township=filters.township)
    if filters.village is not None:
        qs = qs.filter(village=filters.village)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    home = home_village(user)
    first = When(village_id=home.pk, then=Value(0)) if home is not None else None
    order = Case(first, default=Value(1), output_field=IntegerField()) if first else Value(1)
    return qs.annotate(mine_first=order).order_by("mine_first", "starts_at", "pk")


def upcoming_at_facilities(
    facility_ids: list[int], now: datetime | None = None, per_facility: int = 3
) -> dict[int, list[Activity]]:
    """The next announced activities at each facility (for the facility pages of the
    portal): one query, at most ``per_facility`` each, the soonest first."""
    now = now or timezone.now()
    out: dict[int, list[Activity]] = {pk: [] for pk in facility_ids}
    qs = (
        Activity.objects.filter(
            facility_id__in=facility_ids, status=ActivityStatus.ANNOUNCED, ends_at__gt=now
        )
        .select_related("kind", "village")
        .order_by("starts_at", "pk")
    )
    for activity in qs:
        found = out[activity.facility_id] if activity.facility_id is not None else None
        if found is not None and len(found) < per_facility:
            found.append(activity)
    return out


def public_activities() -> QuerySet[Activity]:
    """Announced and held activities (the REST list), the latest start first."""
    return _joined().filter(status__in=policy.PUBLIC_STATUSES).order_by("-starts_at", "-pk")


def staff_activities(user: Actor, status: str = "") -> QuerySet[Activity]:
    q = policy.organised_q(user)
    if q is None:
        return Activity.objects.none()
    qs = _joined().filter(q)
    if status:
        qs = qs.filter(status=status)
    return qs.distinct().order_by("-starts_at", "-pk")


def village_resident_ids(village_id: int) -> list[int]:
    """The active residents of a village (who hear of its activities)."""
    return list(
        Profile.objects.filter(region_id=village_id, role=Role.RESIDENT, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def signed_up_ids(activity_id: int) -> list[int]:
    return list(
        Signup.objects.filter(activity_id=activity_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def signup_of(user: Actor, activity: Activity) -> Signup | None:
    if user is None or not user.is_authenticated:
        return None
    return Signup.objects.filter(activity=activity, user_id=user.pk).first()


def rating_of(user: Actor, activity: Activity) -> ActivityRating | None:
    if user is None or not user.is_authenticated:
        return None
    return ActivityRating.objects.filter(activity=activity, user_id=user.pk).first()


def signups_of(activity: Activity) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(activity=activity)
        .select_related("user", "user__profile")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float | None


def rating_summary(activity: Activity) -> RatingSummary:
    ratings = list(ActivityRating.objects.filter(activity=activity).values_list("score", flat=True))
    return RatingSummary(len(ratings), sum(ratings) / len(ratings) if ratings else None)


def ratings_of(activity: Activity) -> QuerySet[ActivityRating]:
    return ActivityRating.objects.filter(activity=activity).order_by("-created_at", "-pk")


def organisable_facilities(user: Actor) -> QuerySet[Facility]:
    """Facilities (not infrastructure, not abandoned) ``user`` may hold activities at."""
    q = kept_q(user)
    if q is None:
        return Facility.objects.none()
    return (
        Facility.objects.filter(q)
        .exclude(kind__in=INFRASTRUCTURE)
        .exclude(status=Status.ABANDONED)
        .select_related("region", "township")
        .distinct()
        .order_by("township__code", "region__code", "code")
    )


def organisable_villages(user: Actor) -> list[tuple[Region, list[Region]]]:
    """The villages ``user`` may organise activities in, by township: those of the
    township they manage (the county: all), or those of the facilities they keep."""
    scope = management_scope(user)
    if scope is not None:
        q = Q(level=Region.Level.VILLAGE)
        if scope.level != Region.Level.COUNTY:
            q &= Q(parent_id=scope.pk)
    else:
        places = list(organisable_facilities(user).values_list("region_id", flat=True))
        if not places:
            return []
        q = Q(level=Region.Level.VILLAGE) & (Q(pk__in=places) | Q(parent_id__in=places))
    villages = Region.objects.filter(q).select_related("parent").defer("boundary")
    groups: dict[int, tuple[Region, list[Region]]] = {}
    for v in villages.order_by("parent__code", "code"):
        if v.parent is not None:
            groups.setdefault(v.parent.pk, (v.parent, []))[1].append(v)
    return list(groups.values())


# --- variety ----------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class VillageVariety:
    township: Region
    village: Region
    kinds: list[str]  # the kinds' names, as held
    variety: variety.Variety


@dataclass(frozen=True)
class TownshipVariety:
    township: Region
    summary: variety.Summary


@dataclass(frozen=True)
class VarietyTable:
    quarter: str
    villages: list[VillageVariety]
    townships: list[TownshipVariety]


def variety_table(user: Actor, quarter: str) -> VarietyTable:
    """Every village in ``user``'s scope (those with nothing held: 0 kinds) with the variety
    of its held activities that started in ``quarter`` (``2026Q3``; ValueError if not one)."""
    start, end = variety.read_quarter(quarter)
    q = policy.variety_villages_q(user)
    if q is None:
        return VarietyTable(quarter, [], [])
    villages = list(
        Region.objects.filter(q).select_related("parent").order_by("parent__code", "code")
    )
    rows = (
        Activity.objects.filter(
            status=ActivityStatus.HELD,
            starts_at__gte=_midnight(start),
            starts_at__lt=_midnight(end),
            village__in=[v.pk for v in villages],
        )
        .values("village_id", "kind_id")
        .annotate(n=Count("pk"), people=Coalesce(Sum("attendance"), 0))
        .order_by("village_id", "kind_id")
    )
    names = {k.pk: k.name for k in ActivityKind.objects.all()}
    held: dict[int, list[tuple[int, int, int]]] = {}
    for row in rows:
        held.setdefault(row["village_id"], []).append((row["kind_id"], row["n"], row["people"]))
    out: list[VillageVariety] = []
    for v in villages:
        pairs: list[tuple[str, int | None]] = []
        for kind_id, n, people in held.get(v.pk, []):
            # each kind's activities: the attendance on the first, 0 on the others (the
            # figures add attendance per kind, so the split does not change them)
            pairs.append((str(kind_id), people))
            pairs.extend((str(kind_id), 0) for _ in range(n - 1))
        out.append(
            VillageVariety(
                township=v.parent if v.parent is not None else v,
                village=v,
                kinds=sorted(names[k] for k, _n, _p in held.get(v.pk, [])),
                variety=variety.village_variety(pairs),
            )
        )
    towns: dict[int, list[VillageVariety]] = {}
    for entry in out:
        towns.setdefault(entry.township.pk, []).append(entry)
    summaries = [
        TownshipVariety(rs[0].township, variety.summarise([r.variety for r in rs]))
        for rs in towns.values()
    ]
    return VarietyTable(quarter, out, summaries)
