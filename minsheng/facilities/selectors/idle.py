"""Reads of the idle part (issue 10, part 4): the inputs of ``facilities.idleness`` (one
query per input, whatever the other parts have written), the flags as a reader may see
them, and the figures of one flag's page.

The inputs, on the day ``as_of`` (windows end on it, inclusive):

- the facilities assessed: open, not infrastructure, opened at least 180 days before (a
  newer one has no trend to compare); population served = ``population_served`` or, when
  0, its region's population; rural = its region is rural;
- use: ``selectors.use.use_totals`` over the last 90 days and the 90 before;
- portal views: the sum of ``PortalViews`` over the last 90 days;
- awareness: ``awareness_by_region`` (survey answers of the last 365 days);
- collections: ``freshness.figures`` of the titles (reference year: ``as_of``'s year);
- requests: the ``created_at`` of orders, in the last 365 days, for the facility's services
  from its region (a village facility: that village; a township facility: the township);
  outside its hours when ``hours.open_at`` says closed at that local time;
- broken: equipment in service (not retired) whose state is broken;
- overdue: open or in-progress work orders past due, plus active plans whose next due
  date has passed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from minsheng.accounts.models import Profile, Role
from minsheng.accounts.types import Actor
from minsheng.facilities import hours as hours_rules
from minsheng.facilities.idleness import Inputs
from minsheng.orders.models import Order
from minsheng.regions.models import Region
from minsheng.voice.models import Answer, AnswerChoice, Choice, QuestionKind

from ..models import (
    INFRASTRUCTURE,
    LIBRARIES,
    AwarenessQuestion,
    Facility,
    FlagStatus,
    IdleFlag,
    MaintenancePlan,
    PortalViews,
    Status,
    WorkOrder,
    WorkStatus,
)
from ..policy import idle as policy
from .collections import collection_figures
from .equipment import broken_equipment
from .use import use_totals

WINDOW = 90  # days
NEW_DAYS = 180  # a facility opened more recently is not assessed
YEAR = 365
AWARENESS_MIN_RESPONDENTS = 5  # fewer answers in a place: awareness unknown


# --- the inputs of the idleness ---------------------------------------------------------------


def assessed_facilities(as_of: date) -> list[Facility]:
    return list(
        Facility.objects.filter(status=Status.OPEN)
        .exclude(kind__in=list(INFRASTRUCTURE))
        .exclude(opened_on__gt=as_of - timedelta(days=NEW_DAYS))
        .select_related("region")
        .order_by("pk")
    )


def population_of(f: Facility) -> int:
    return f.population_served or f.region.population


def portal_views(ids: list[int], start: date, end: date) -> dict[int, int]:
    rows = (
        PortalViews.objects.filter(facility_id__in=ids, day__gte=start, day__lte=end)
        .values("facility_id")
        .annotate(total=Sum("views"))
        .values_list("facility_id", "total")
    )
    return {pk: total or 0 for pk, total in rows}


def awareness_by_region(as_of: date) -> dict[tuple[int, str], float]:
    """``{(region pk, kind): share}``: of the respondents (last 365 days) of a village, or of
    a township's villages together, who answered a kind's awareness question, the share
    choosing its "I know it" answer; places with fewer than ``AWARENESS_MIN_RESPONDENTS``
    answers are left out (unknown)."""
    settings = list(AwarenessQuestion.objects.values_list("question_id", "choice_id", "kind"))
    if not settings:
        return {}
    kinds_of_question: dict[int, set[str]] = defaultdict(set)
    kinds_of_choice: dict[int, set[str]] = defaultdict(set)
    for question_id, choice_id, kind in settings:
        kinds_of_question[question_id].add(kind)
        kinds_of_choice[choice_id].add(kind)
    since = timezone.make_aware(datetime.combine(as_of - timedelta(days=YEAR), datetime.min.time()))
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), datetime.min.time()))
    window = Q(response__submitted_at__gte=since, response__submitted_at__lt=until)
    answered: dict[tuple[int, str], int] = defaultdict(int)
    for region_id, parent_id, question_id, n in (
        Answer.objects.filter(window, question_id__in=list(kinds_of_question))
        .values("response__region_id", "response__region__parent_id", "question_id")
        .annotate(n=Count("pk"))
        .values_list("response__region_id", "response__region__parent_id", "question_id", "n")
    ):
        for kind in kinds_of_question[question_id]:
            answered[(region_id, kind)] += n
            if parent_id is not None:
                answered[(parent_id, kind)] += n
    known: dict[tuple[int, str], int] = defaultdict(int)
    for region_id, parent_id, choice_id, n in (
        AnswerChoice.objects.filter(
            choice_id__in=list(kinds_of_choice),
            answer__response__submitted_at__gte=since,
            answer__response__submitted_at__lt=until,
        )
        .values("answer__response__region_id", "answer__response__region__parent_id", "choice_id")
        .annotate(n=Count("answer_id", distinct=True))
        .values_list(
            "answer__response__region_id",
            "answer__response__region__parent_id",
            "choice_id",
            "n",
        )
    ):
        for kind in kinds_of_choice[choice_id]:
            known[(region_id, kind)] += n
            if parent_id is not None:
                known[(parent_id, kind)] += n
    return {
        key: known.get(key, 0) / n for key, n in answered.items() if n >= AWARENESS_MIN_RESPONDENTS
    }


def requests_outside_hours(facilities: list[Facility], as_of: date) -> dict[int, tuple[int, int]]:
    """``{facility pk: (requests, of them outside its hours)}`` (see the module docstring);
    facilities without valid hours are left out."""
    with_hours = [
        f for f in facilities if f.opening_hours and not hours_rules.check(f.opening_hours)
    ]
    if not with_hours:
        return {}
    links = defaultdict(set)
    for facility_id, service_id in Facility.services.through.objects.filter(
        facility_id__in=[f.pk for f in with_hours]
    ).values_list("facility_id", "service_id"):
        links[facility_id].add(service_id)
    services = {s for ids in links.values() for s in ids}
    if not services:
        return {}
    since = timezone.make_aware(datetime.combine(as_of - timedelta(days=YEAR), datetime.min.time()))
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), datetime.min.time()))
    by_village: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    by_township: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for service_id, region_id, township_id, created in Order.objects.filter(
        service_id__in=list(services), created_at__gte=since, created_at__lt=until
    ).values_list("service_id", "region_id", "township_id", "created_at"):
        local = timezone.localtime(created)
        by_village[(service_id, region_id)].append(local)
        if township_id is not None:
            by_township[(service_id, township_id)].append(local)
    out: dict[int, tuple[int, int]] = {}
    for f in with_hours:
        index = by_township if f.region.level == Region.Level.TOWNSHIP else by_village
        moments = [m for s in links[f.pk] for m in index.get((s, f.region_id), [])]
        outside = sum(
            1
            for m in moments
            if not hours_rules.open_at(f.opening_hours, m.weekday(), m.time().replace(tzinfo=None))
        )
        out[f.pk] = (len(moments), outside)
    return out


def overdue_items(ids: list[int], as_of: date) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for facility_id, n in (
        WorkOrder.objects.filter(
            facility_id__in=ids,
            status__in=[WorkStatus.OPEN, WorkStatus.IN_PROGRESS],
            due_on__lt=as_of,
        )
        .values("facility_id")
        .annotate(n=Count("pk"))
        .values_list("facility_id", "n")
    ):
        out[facility_id] += n
    for facility_id, n in (
        MaintenancePlan.objects.filter(facility_id__in=ids, active=True, next_due_on__lt=as_of)
        .values("facility_id")
        .annotate(n=Count("pk"))
        .values_list("facility_id", "n")
    ):
        out[facility_id] += n
    return dict(out)


def idleness_inputs(as_of: date) -> tuple[list[Facility], list[Inputs]]:
    """The facilities assessed on ``as_of`` and their inputs (same order)."""
    facilities = assessed_facilities(as_of)
    ids = [f.pk for f in facilities]
    recent_start = as_of - timedelta(days=WINDOW - 1)
    before_end = recent_start - timedelta(days=1)
    recent = use_totals(ids, recent_start, as_of)
    before = use_totals(ids, before_end - timedelta(days=WINDOW - 1), before_end)
    views = portal_views(ids, recent_start, as_of)
    aware = awareness_by_region(as_of)
    # the collections part's figures and the equipment part's broken items: one rule each
    collections = collection_figures([f.pk for f in facilities if f.kind in LIBRARIES], as_of.year)
    asks = requests_outside_hours(facilities, as_of)
    broken = {pk: len(names) for pk, names in broken_equipment(ids).items()}
    overdue = overdue_items(ids, as_of)
    inputs = []
    for f in facilities:
        requests, outside = asks.get(f.pk, (0, 0))
        inputs.append(
            Inputs(
                id=f.pk,
                kind=f.kind,
                rural=f.region.kind == Region.Kind.RURAL,
                population=population_of(f),
                use_recent=recent.get(f.pk, 0),
                use_before=before.get(f.pk, 0),
                views=views.get(f.pk, 0),
                awareness=aware.get((f.region_id, f.kind)),
                collection=collections.get(f.pk),
                requests=requests,
                requests_outside=outside,
                broken=broken.get(f.pk, 0),
                overdue=overdue.get(f.pk, 0),
                capacity_window=capacity_window(f, recent_start, as_of),
            )
        )
    return facilities, inputs


def capacity_window(f: Facility, start: date, end: date) -> int | None:
    """``f``'s capacity over the days from ``start`` to ``end`` it is open (every day when its
    hours are unknown or not valid); None without a capacity."""
    if not f.capacity:
        return None
    hours = f.opening_hours if f.opening_hours and not hours_rules.check(f.opening_hours) else None
    open_days = {d for period in hours for d in period["days"]} if hours else set(range(7))
    days = (end - start).days + 1
    return f.capacity * sum(
        1 for n in range(days) if (start + timedelta(days=n)).weekday() in open_days
    )


# --- who owns a follow-up ---------------------------------------------------------------------


def owners_for(facilities: list[Facility]) -> dict[int, int | None]:
    """The follow-up owner of a new flag on each facility: its first keeper (lowest id),
    else the first active dispatcher of its township, else the first active county
    administrator, else nobody (three queries)."""
    keepers: dict[int, int] = {}
    for facility_id, user_id in (
        Facility.keepers.through.objects.filter(
            facility_id__in=[f.pk for f in facilities], user__is_active=True
        )
        .order_by("user_id")
        .values_list("facility_id", "user_id")
    ):
        keepers.setdefault(facility_id, user_id)
    dispatchers: dict[int, int] = {}
    for region_id, user_id in (
        Profile.objects.filter(
            role=Role.DISPATCHER,
            region_id__in={f.township_id for f in facilities if f.township_id},
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("region_id", "user_id")
    ):
        dispatchers.setdefault(region_id, user_id)
    admin = (
        Profile.objects.filter(
            role=Role.COUNTY_ADMIN, region__level=Region.Level.COUNTY, user__is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )
    return {
        f.pk: keepers.get(f.pk)
        or (dispatchers.get(f.township_id) if f.township_id else None)
        or admin
        for f in facilities
    }


def owner_choices(flag: IdleFlag) -> list[User]:
    """Who may be given the follow-up (``policy.idle.owners_q``): the facility's keepers, its
    township's dispatchers and county-wide staff."""
    q = policy.owners_q(flag)
    return list(
        get_user_model()
        .objects.filter(q, is_active=True)
        .select_related("profile")
        .order_by("pk")
        .distinct()
    )


# --- the flags as a reader sees them ----------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    township: Region | None = None
    cause: str = ""
    status: str = ""


def flags_for(
    user: Actor, filters: Filters | None = None, *, today: date | None = None
) -> QuerySet[IdleFlag]:
    """The flags ``user`` may see, overdue follow-ups first, then by deadline."""
    q = policy.flags_q(user)
    if q is None:
        return IdleFlag.objects.none()
    today = today or timezone.localdate()
    qs = IdleFlag.objects.filter(q)
    filters = filters or Filters()
    if filters.township is not None:
        qs = qs.filter(facility__township=filters.township)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.cause:
        # JSON lists are not searchable alike on SQLite and PostgreSQL: a text match on the
        # code's quoted form, which no other key or value of a cause can take.
        qs = qs.filter(causes__icontains=f'"code": "{filters.cause}"')
    return (
        qs.select_related("facility__region", "facility__township", "owner__profile")
        .annotate(
            late=Case(
                When(status=FlagStatus.OPEN, due_on__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("late", "status", "due_on", "pk")
        .distinct()
    )


def open_flag(facility_id: int) -> IdleFlag | None:
    """The facility's open idle flag, if it has one (at most one: a constraint)."""
    return (
        IdleFlag.objects.select_related("facility")
        .filter(facility_id=facility_id, status=FlagStatus.OPEN)
        .first()
    )


def flag_for(user: Actor, pk: int) -> IdleFlag | None:
    """The flag, if ``user`` may see it."""
    flag = (
        IdleFlag.objects.select_related(
            "facility__region", "facility__township", "owner__profile", "closed_by__profile"
        )
        .filter(pk=pk)
        .first()
    )
    if flag is None or not policy.can_see_flag(user, flag):
        return None
    return flag


def monthly_use(facility: Facility, as_of: date) -> list[tuple[date, int]]:
    """People's use of ``facility`` in each of the 12 months up to ``as_of``'s month (the
    one rule, ``use_totals``: twelve bounded calls, one per month)."""
    months = []
    first = as_of.replace(day=1)
    for _i in range(12):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    out = []
    for start in reversed(months):
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        out.append((start, use_totals([facility.pk], start, min(end, as_of)).get(facility.pk, 0)))
    return out


def townships() -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code"))


def awareness_questions() -> QuerySet[AwarenessQuestion]:
    return AwarenessQuestion.objects.select_related("question__survey", "choice").order_by(
        "kind", "pk"
    )


def awareness_choice_options() -> list[tuple[int, str]]:
    """Choices of single or multiple choice questions, labelled survey / question / choice."""
    rows = (
        Choice.objects.filter(question__kind__in=[QuestionKind.SINGLE, QuestionKind.MULTIPLE])
        .select_related("question__survey")
        .order_by("-question__survey_id", "question__position", "position", "pk")[:500]
    )
    return [(c.pk, f"{c.question.survey.title} / {c.question.text} / {c.label}") for c in rows]
