"""What the monthly topic reads: a month's texts (orders, suggestions, survey answers) with
whether each one's need is met, a month's candidates, the members of one, the topics of a
year with their progress, and one topic's tasks and public history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from minsheng.orders.models import (
    OPEN_STATUSES,
    Action,
    Order,
    OrderEvent,
    Rating,
    Satisfaction,
    Status,
)
from minsheng.regions.models import Region
from minsheng.voice import topic_rules as rules
from minsheng.voice.models import (
    Answer,
    MonthlyTopic,
    QuestionKind,
    SourceKind,
    Suggestion,
    TopicCandidate,
    TopicEvent,
    TopicMember,
    TopicTask,
)

# Order steps that say a provider would not, or did not in time, take the order.
DECLINE_ACTIONS = (Action.DECLINE, Action.ACCEPT_TIMEOUT)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


@dataclass(frozen=True)
class Source:
    """One text of the month, where it came from and whether its need is met."""

    kind: str  # SourceKind
    id: int
    text: str
    region_id: int | None
    township_id: int | None
    area_id: int | None
    person_id: int | None  # whom to tell when the topic is picked and done (None: nobody)
    resolved: bool


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in local time."""
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime.combine(month, time.min)),
        timezone.make_aware(datetime.combine(nxt, time.min)),
    )


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def townships_of(region_ids: set[int]) -> dict[int, int | None]:
    """Each region's township: itself for a township, its parent for a village, None for the
    county (one query)."""
    rows = Region.objects.filter(pk__in=region_ids).values_list("pk", "level", "parent_id")
    result: dict[int, int | None] = {}
    for pk, level, parent_id in rows:
        if level == Region.Level.TOWNSHIP:
            result[pk] = pk
        elif level == Region.Level.VILLAGE:
            result[pk] = parent_id
        else:
            result[pk] = None
    return result


def order_text(service_name: str | None, description: str, area_name: str) -> str:
    """A menu order's service name and the resident's words; a free-form need's words (its
    area's name when it has none)."""
    words = description.strip()
    if service_name and words:
        return f"{service_name}：{words}"
    return service_name or words or area_name


def order_unmet(row: Mapping[str, Any], now: datetime) -> bool:
    """Whether an order's need is still not met at ``now`` (``docs/monthly-topic.md``):

    - rejected at review;
    - open and declined or timed out by a provider, escalated (overdue, or to the county),
      reopened (not solved once), or past its resolution deadline;
    - delivered or closed, and the current round's valid rating says not solved or
      dissatisfied.

    Cancelled orders (the resident withdrew) count as met; duplicates merged into another
    order are not texts of their own (they are left out of the month).
    """
    status = row["status"]
    if status == Status.REJECTED:
        return True
    if status in OPEN_STATUSES:
        return bool(
            row["was_declined"]
            or row["escalated_at"] is not None
            or row["county_escalated_at"] is not None
            or status == Status.REOPENED
            or row["round"] > 0
            or row["resolve_deadline"] < now
        )
    if status in (Status.DELIVERED, Status.CLOSED):
        return row["rated_solved"] is False or row["rated"] == Satisfaction.DISSATISFIED
    return False


def month_sources(month: date, now: datetime | None = None) -> list[Source]:
    """Every text of the month: orders placed in it (merged duplicates left out), suggestions
    posted in it and not hidden, text answers to surveys submitted in it. Three queries for
    the texts and one for the regions' townships."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    rating = Rating.objects.filter(order_id=OuterRef("pk"), round=OuterRef("round"), valid=True)
    orders = (
        Order.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.MERGED)
        .annotate(
            was_declined=Exists(
                OrderEvent.objects.filter(order_id=OuterRef("pk"), action__in=DECLINE_ACTIONS)
            ),
            rated=Subquery(rating.values("satisfaction")[:1]),
            rated_solved=Subquery(rating.values("solved")[:1]),
        )
        .order_by("pk")
        .values(
            "pk",
            "description",
            "service__name_zh",
            "area__name_zh",
            "area_id",
            "region_id",
            "township_id",
            "resident_id",
            "status",
            "escalated_at",
            "county_escalated_at",
            "round",
            "resolve_deadline",
            "was_declined",
            "rated",
            "rated_solved",
        )
    )
    suggestions = (
        Suggestion.objects.filter(created_at__gte=start, created_at__lt=end, hidden_at__isnull=True)
        .order_by("pk")
        .values("pk", "title", "body", "area_id", "region_id", "author_id", "replied_at")
    )
    answers = (
        Answer.objects.filter(
            question__kind__in=TEXT_KINDS,
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
        )
        .exclude(text="")
        .order_by("pk")
        .values(
            "pk",
            "text",
            "response__region_id",
            "response__respondent_id",
            "response__survey__anonymous",
        )
    )
    order_rows = list(orders)
    suggestion_rows = list(suggestions)
    answer_rows = list(answers)
    region_ids = {r["region_id"] for r in suggestion_rows} | {
        r["response__region_id"] for r in answer_rows
    }
    towns = townships_of(region_ids)
    sources = [
        Source(
            kind=SourceKind.ORDER,
            id=r["pk"],
            text=order_text(r["service__name_zh"], r["description"], r["area__name_zh"]),
            region_id=r["region_id"],
            township_id=r["township_id"],
            area_id=r["area_id"],
            person_id=r["resident_id"],
            resolved=not order_unmet(r, now),
        )
        for r in order_rows
    ]
    sources += [
        Source(
            kind=SourceKind.SUGGESTION,
            id=r["pk"],
            text=f"{r['title'].strip()}：{r['body'].strip()}",
            region_id=r["region_id"],
            township_id=towns.get(r["region_id"]),
            area_id=r["area_id"],
            person_id=r["author_id"],
            # a suggestion's need is met once the county has answered it
            resolved=r["replied_at"] is not None,
        )
        for r in suggestion_rows
    ]
    sources += [
        Source(
            kind=SourceKind.ANSWER,
            id=r["pk"],
            text=r["text"].strip(),
            region_id=r["response__region_id"],
            township_id=towns.get(r["response__region_id"]),
            area_id=None,
            # an anonymous survey's answer tells nobody; a signed one its respondent
            person_id=None if r["response__survey__anonymous"] else r["response__respondent_id"],
            # an opinion, not a request: it adds to a problem's frequency, never to its
            # unresolved count
            resolved=True,
        )
        for r in answer_rows
        if r["text"].strip()
    ]
    return sources


# --- the staff pages ----------------------------------------------------------------------------


def candidates_of_month(
    month: date, *, area_id: int | None = None, township_id: int | None = None
) -> QuerySet[TopicCandidate]:
    """The month's candidates still standing (not merged into another), best first."""
    qs = TopicCandidate.objects.filter(month=month, merged_into__isnull=True)
    if area_id is not None:
        qs = qs.filter(area_id=area_id)
    if township_id is not None:
        qs = qs.filter(region_id=township_id)
    return qs.select_related("area", "region", "topic").order_by("-score", "-size", "pk")


def candidate(pk: int) -> TopicCandidate | None:
    return (
        TopicCandidate.objects.select_related("area", "region", "topic", "merged_into")
        .filter(pk=pk)
        .first()
    )


def members_of(candidate_id: int) -> list[TopicMember]:
    return list(
        TopicMember.objects.filter(candidate_id=candidate_id)
        .select_related("region")
        .order_by("source", "source_id")
    )


def orders_by_id(ids: list[int]) -> dict[int, Order]:
    return {o.pk: o for o in Order.objects.filter(pk__in=ids)}


def suggestions_by_id(ids: list[int]) -> dict[int, Suggestion]:
    return {s.pk: s for s in Suggestion.objects.filter(pk__in=ids)}


def months_with_candidates() -> list[date]:
    return list(
        TopicCandidate.objects.order_by("-month").values_list("month", flat=True).distinct()
    )


# --- the topics ---------------------------------------------------------------------------------


def topics() -> QuerySet[MonthlyTopic]:
    """Topics with their lead and task counts (``tasks_total``, ``tasks_done``)."""
    return (
        MonthlyTopic.objects.select_related("lead")
        .annotate(
            tasks_total=Count("tasks", distinct=True),
            tasks_done=Count("tasks", filter=Q(tasks__done_at__isnull=False), distinct=True),
        )
        .order_by("-month", "pk")
    )


def progress_of(topic: MonthlyTopic) -> dict[str, int]:
    """Tasks done, tasks, and the per cent done of a topic read through :func:`topics`."""
    done = getattr(topic, "tasks_done", 0)
    total = getattr(topic, "tasks_total", 0)
    return {"done": done, "total": total, "percent": rules.progress(done, total)}


def topics_of_year(year: int) -> list[MonthlyTopic]:
    return list(topics().filter(month__year=year))


def topic_years() -> list[int]:
    return sorted(
        {m.year for m in MonthlyTopic.objects.values_list("month", flat=True).distinct()},
        reverse=True,
    )


def topic(pk: int) -> MonthlyTopic | None:
    return topics().filter(pk=pk).first()


def tasks_of(topic_id: int) -> list[TopicTask]:
    return list(TopicTask.objects.filter(topic_id=topic_id).select_related("owner"))


def events_of(topic_id: int, audiences: list[str]) -> list[TopicEvent]:
    return list(
        TopicEvent.objects.filter(topic_id=topic_id, audience__in=audiences).order_by(
            "created_at", "pk"
        )
    )


def problems_of(topic_id: int) -> list[TopicCandidate]:
    """The candidates picked as the topic, best first."""
    return list(
        TopicCandidate.objects.filter(topic_id=topic_id)
        .select_related("area", "region")
        .order_by("-score", "pk")
    )


def participants(topic_id: int) -> list[int]:
    """The people whose texts the topic takes up (user ids): the residents of its members'
    orders, the authors of its suggestions, the respondents of its signed survey answers
    (an anonymous survey's answer tells nobody). Three queries."""
    members = TopicMember.objects.filter(candidate__topic_id=topic_id)
    people = set(
        Order.objects.filter(
            pk__in=members.filter(source=SourceKind.ORDER).values("source_id"),
            resident_id__isnull=False,
        ).values_list("resident_id", flat=True)
    )
    people |= set(
        Suggestion.objects.filter(
            pk__in=members.filter(source=SourceKind.SUGGESTION).values("source_id")
        ).values_list("author_id", flat=True)
    )
    people |= {
        pk
        for pk in Answer.objects.filter(
            pk__in=members.filter(source=SourceKind.ANSWER).values("source_id"),
            response__survey__anonymous=False,
        ).values_list("response__respondent_id", flat=True)
        if pk is not None
    }
    return sorted(people)


def candidates_by_ids(ids: list[int]) -> QuerySet[TopicCandidate]:
    return (
        TopicCandidate.objects.filter(pk__in=ids)
        .select_related("area", "region", "topic")
        .order_by("-score", "pk")
    )


def task(pk: int) -> TopicTask | None:
    return TopicTask.objects.filter(pk=pk).first()
