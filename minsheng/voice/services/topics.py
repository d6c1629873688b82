"""The monthly topic (每月一题): candidates computed from a month's texts, staff merging and
splitting them, picking the month's topic with its lead department and tasks, tasks done,
progress and the topic done. Every write is one transaction; refusals write nothing.

Checks run in this order: who may (403), the input (400, every field at once), then the
rows: missing (404) and their state (409). See ``docs/monthly-topic.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.types import Actor
from minsheng.catalog.models import Provider
from minsheng.core import locks
from minsheng.core.errors import Code, Conflict, DomainError, ErrorDetail, NotFound
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, read_id, read_int, read_text
from minsheng.notify.services import notification_send
from minsheng.orders.models import Audience, Order
from minsheng.voice import topic_rules as rules
from minsheng.voice.clustering import Cluster, Vocabulary, group_texts
from minsheng.voice.errors import TopicCode
from minsheng.voice.models import (
    TEXT_MAX,
    MonthlyTopic,
    SourceKind,
    Suggestion,
    TopicAction,
    TopicCandidate,
    TopicEvent,
    TopicMember,
    TopicStatus,
    TopicTask,
)
from minsheng.voice.policy import topics as policy
from minsheng.voice.selectors import topics as selectors
from minsheng.voice.selectors.topics import Source
from minsheng.voice.vocabulary import catalog_vocabulary

TITLE_MAX = 200
MAX_TASKS = 10
KEYWORDS_MAX = 8


# --- grouping texts into candidates ---------------------------------------------------------------


@dataclass
class Group:
    """A candidate before it is written: its texts and what is said of them."""

    label: str
    keywords: list[str]
    examples: list[str]
    area_id: int | None
    region_id: int | None  # the township most of it comes from (None: spread)
    sources: list[Source] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.sources)

    @property
    def unresolved(self) -> int:
        return sum(1 for s in self.sources if not s.resolved)

    @property
    def score(self) -> float:
        return rules.score(self.size, self.unresolved)


def make_group(sources: list[Source], keywords: list[str], examples: list[str]) -> Group:
    """What a group of texts says: its area is the most common among its orders and
    suggestions, its place the township more than half of its texts come from."""
    return Group(
        label=rules.label_of(keywords, examples[0] if examples else sources[0].text),
        keywords=rules.clean_keywords(keywords),
        examples=list(examples),
        area_id=rules.most_common(s.area_id for s in sources),
        region_id=rules.majority([s.township_id for s in sources]),
        sources=sources,
    )


def group_sources(
    sources: list[Source],
    *,
    vocabulary: Vocabulary | None = None,
    n_clusters: int | None = None,
    key: Callable[[Source], str] | None = None,
) -> list[Group]:
    """Group the texts with ``voice.clustering``, best score first. Identical texts (or
    texts of the same ``key``) are grouped once, as they always belong together, and all of
    them join their group; a group's representative texts are its members' own words."""
    if not sources:
        return []
    by_key: dict[str, list[Source]] = {}
    for source in sources:
        by_key.setdefault(key(source) if key else source.text, []).append(source)
    keys = list(by_key)
    clusters: list[Cluster] = group_texts(keys, vocabulary=vocabulary, n_clusters=n_clusters)
    groups = []
    for cluster in clusters:
        members = [s for i in cluster.members for s in by_key[keys[i]]]
        examples = rules.distinct_examples(by_key[keys[i]][0].text for i in cluster.examples)
        groups.append(make_group(members, list(cluster.keywords), examples))
    groups.sort(key=lambda g: (-g.score, -g.size, g.label))
    return groups


def _kept_q(month: date) -> Q:
    """The month's candidates a recomputation leaves alone: picked, merged into another, or
    edited by staff (a merge's result, a split's parts)."""
    return Q(month=month) & (
        Q(topic__isnull=False) | Q(merged_into__isnull=False) | Q(edited_at__isnull=False)
    )


def topic_candidates_plan(
    *, month: date, now: datetime | None = None, vocabulary: Vocabulary | None = None
) -> list[Group]:
    """The groups a recomputation of ``month`` would write (nothing is written): the month's
    texts that no kept candidate holds yet."""
    taken = set(
        TopicMember.objects.filter(
            candidate__in=TopicCandidate.objects.filter(_kept_q(month))
        ).values_list("source", "source_id")
    )
    sources = [s for s in selectors.month_sources(month, now) if (s.kind, s.id) not in taken]
    return group_sources(sources, vocabulary=vocabulary or catalog_vocabulary())


@dataclass(frozen=True)
class Computed:
    month: date
    written: int  # candidates written
    replaced: int  # candidates of an earlier computation removed
    kept: int  # candidates left alone (picked, merged, edited)
    texts: int  # texts in the written candidates


def write_groups(month: date, groups: list[Group], now: datetime) -> list[TopicCandidate]:
    """Write candidates and their members (two bulk inserts)."""
    candidates = TopicCandidate.objects.bulk_create(
        [
            TopicCandidate(
                month=month,
                label=g.label,
                keywords=g.keywords,
                examples=g.examples,
                area_id=g.area_id,
                region_id=g.region_id,
                size=g.size,
                unresolved=g.unresolved,
                score=g.score,
                computed_at=now,
            )
            for g in groups
        ]
    )
    TopicMember.objects.bulk_create(
        [
            TopicMember(
                candidate=c,
                source=s.kind,
                source_id=s.id,
                text=s.text,
                region_id=s.region_id,
                resolved=s.resolved,
            )
            for c, g in zip(candidates, groups, strict=True)
            for s in g.sources
        ],
        batch_size=1000,
    )
    return candidates


def topic_candidates_compute(
    *, month: date, now: datetime | None = None, vocabulary: Vocabulary | None = None
) -> Computed:
    """Compute ``month``'s candidates: the month's texts not held by a kept candidate are
    grouped afresh, replacing the candidates of the previous computation that nobody
    picked, merged or edited. Run by the command and the periodic task, never in a
    request."""
    now = now or timezone.now()
    with transaction.atomic():
        locks.hold(f"topic-candidates:{month:%Y-%m}")
        stale = TopicCandidate.objects.filter(month=month).exclude(_kept_q(month))
        replaced = stale.count()
        TopicMember.objects.filter(candidate__in=stale).delete()
        stale.delete()
        kept = TopicCandidate.objects.filter(_kept_q(month)).count()
        groups = topic_candidates_plan(month=month, now=now, vocabulary=vocabulary)
        write_groups(month, groups, now)
    return Computed(
        month=month,
        written=len(groups),
        replaced=replaced,
        kept=kept,
        texts=sum(g.size for g in groups),
    )


def topic_candidates_queue(*, month: date, actor: Actor) -> None:
    """The staff page's "recompute" button: queue the task after the commit."""
    policy.require(policy.can_compute(actor))
    from minsheng.voice import tasks  # the task module imports this one

    transaction.on_commit(lambda: tasks.topic_candidates.delay(month.isoformat()))


# --- merging and splitting ------------------------------------------------------------------------


def _lock_candidates(ids: list[int]) -> list[TopicCandidate]:
    rows = list(TopicCandidate.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(rows) != len(set(ids)):
        raise NotFound.single(TopicCode.CANDIDATE_NOT_FOUND, _("No such candidate."), "candidates")
    return rows


def _standing(candidate: TopicCandidate, field_name: str) -> None:
    """A candidate staff may still change: neither picked nor merged into another."""
    if candidate.topic_id is not None:
        raise Conflict.single(
            TopicCode.CANDIDATE_PICKED,
            _("This candidate was picked as a topic: it can no longer be changed."),
            field_name,
        )
    if candidate.merged_into_id is not None:
        raise Conflict.single(
            TopicCode.CANDIDATE_MERGED,
            _("This candidate was merged into another one."),
            field_name,
        )


def _read_ids(values: Any, field_name: str) -> list[int]:
    if not isinstance(values, list | tuple):
        values = [values]
    ids: list[int] = []
    try:
        for value in values:
            pk = read_id(value)
            if pk not in ids:
                ids.append(pk)
    except Invalid as exc:
        raise exc.error(field_name) from None
    return ids


def _refresh(candidate: TopicCandidate, members: list[TopicMember], now: datetime) -> None:
    """A candidate's counts and place from its members (after a merge or a split)."""
    towns = selectors.townships_of({m.region_id for m in members if m.region_id is not None})
    candidate.size = len(members)
    candidate.unresolved = sum(1 for m in members if not m.resolved)
    candidate.score = rules.score(candidate.size, candidate.unresolved)
    candidate.region_id = rules.majority(
        [towns.get(m.region_id) if m.region_id is not None else None for m in members]
    )
    candidate.edited_at = now


def topic_candidates_merge(
    *, candidate_ids: Any, actor: Actor, now: datetime | None = None
) -> TopicCandidate:
    """Merge candidates of one month into the best ranked of them: it takes every member,
    its size and unresolved count are the sums, its key words and representative texts
    gather the others'; the others point at it (``merged_into``) and stay as a record."""
    policy.require(policy.can_merge(actor))
    ids = _read_ids(candidate_ids, "candidates")
    if len(ids) < 2:
        raise DomainError.single(
            TopicCode.MERGE_NEEDS_TWO, _("Choose at least two candidates to merge."), "candidates"
        )
    now = now or timezone.now()
    with transaction.atomic():
        rows = _lock_candidates(ids)
        if len({c.month for c in rows}) > 1:
            raise DomainError.single(
                TopicCode.MONTHS_DIFFER,
                _("Only candidates of the same month can be merged."),
                "candidates",
            )
        for c in rows:
            _standing(c, "candidates")
        rows.sort(key=lambda c: (-c.score, -c.size, c.pk))
        target, others = rows[0], rows[1:]
        area_weights = [c.area_id for c in rows for _ in range(c.size)]
        TopicMember.objects.filter(candidate__in=others).update(candidate=target)
        members = list(TopicMember.objects.filter(candidate=target))
        keywords: list[str] = []
        for c in rows:
            keywords += [k for k in c.keywords if k not in keywords]
        target.keywords = keywords[:KEYWORDS_MAX]
        target.examples = rules.distinct_examples(e for c in rows for e in c.examples)
        target.area_id = rules.most_common(area_weights)
        _refresh(target, members, now)
        target.save()
        TopicCandidate.objects.filter(pk__in=[c.pk for c in others]).update(
            merged_into=target, edited_at=now
        )
    return target


def _member_sources(members: list[TopicMember]) -> list[Source]:
    """Members as texts again, with their service area read back from their source."""
    order_ids = [m.source_id for m in members if m.source == SourceKind.ORDER]
    suggestion_ids = [m.source_id for m in members if m.source == SourceKind.SUGGESTION]
    areas: dict[tuple[str, int], int | None] = {
        (SourceKind.ORDER, pk): area
        for pk, area in Order.objects.filter(pk__in=order_ids).values_list("pk", "area_id")
    }
    areas |= {
        (SourceKind.SUGGESTION, pk): area
        for pk, area in Suggestion.objects.filter(pk__in=suggestion_ids).values_list(
            "pk", "area_id"
        )
    }
    towns = selectors.townships_of({m.region_id for m in members if m.region_id is not None})
    return [
        Source(
            kind=m.source,
            id=m.pk,  # the member's own id: the parts are written by moving members
            text=m.text,
            region_id=m.region_id,
            township_id=towns.get(m.region_id) if m.region_id is not None else None,
            area_id=areas.get((m.source, m.source_id)),
            person_id=None,
            resolved=m.resolved,
        )
        for m in members
    ]


def topic_candidate_split(
    *,
    candidate_id: Any,
    parts: Any,
    actor: Actor,
    now: datetime | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[TopicCandidate]:
    """Split a candidate into ``parts`` by grouping its members again into that many groups.
    The candidate itself becomes the best ranked part (what was merged into it still points
    at it); the other parts are new candidates. Returns the parts, best first."""
    policy.require(policy.can_split(actor))
    try:
        pk = read_id(candidate_id)
    except Invalid as exc:
        raise exc.error("candidate") from None
    try:
        k = read_int(parts, low=2, high=rules.SPLIT_MAX)
    except Invalid as exc:
        raise exc.error("parts") from None
    now = now or timezone.now()
    with transaction.atomic():
        candidate = TopicCandidate.objects.select_for_update().filter(pk=pk).first()
        if candidate is None:
            raise NotFound.single(
                TopicCode.CANDIDATE_NOT_FOUND, _("No such candidate."), "candidate"
            )
        _standing(candidate, "candidate")
        members = list(TopicMember.objects.filter(candidate=candidate).order_by("pk"))
        if len({m.text for m in members}) < k:
            raise DomainError.single(
                TopicCode.SPLIT_PARTS,
                _("This candidate has fewer different texts than parts asked for."),
                "parts",
            )
        groups = group_sources(
            _member_sources(members),
            vocabulary=vocabulary or catalog_vocabulary(),
            n_clusters=k,
        )
        first, rest = groups[0], groups[1:]
        by_id = {m.pk: m for m in members}
        candidate.label = first.label
        candidate.keywords = first.keywords
        candidate.examples = first.examples
        candidate.area_id = first.area_id
        _refresh(candidate, [by_id[s.id] for s in first.sources], now)
        candidate.save()
        parts_made = [candidate]
        for group in rest:
            part = TopicCandidate(
                month=candidate.month,
                label=group.label,
                keywords=group.keywords,
                examples=group.examples,
                area_id=group.area_id,
                computed_at=candidate.computed_at,
            )
            _refresh(part, [by_id[s.id] for s in group.sources], now)
            part.save()
            TopicMember.objects.filter(pk__in=[s.id for s in group.sources]).update(candidate=part)
            parts_made.append(part)
    return parts_made


# --- the pick -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskInput:
    """A task as given (any types: the service reads them)."""

    title: Any
    owner: Any
    due_on: Any


@dataclass(frozen=True)
class _Task:
    title: str
    owner: Provider
    due_on: date


def _read_date(value: Any) -> date:
    text = value.strip() if isinstance(value, str) else value
    day = None
    if isinstance(text, date):
        day = text
    elif isinstance(text, str):
        try:
            day = parse_date(text)
        except ValueError:
            day = None
    if day is None:
        raise Invalid(Code.INVALID, _("Give a date, for example 2026-05-31."))
    return day


def _read_task(
    task: TaskInput, prefix: str, today: date, errors: list[ErrorDetail]
) -> _Task | None:
    before = len(errors)
    title = owner = due = None
    try:
        title = read_text(task.title, max_length=TITLE_MAX, required=True, markup=False)
    except Invalid as exc:
        errors.append(exc.detail(f"{prefix}title"))
    try:
        owner_id = read_id(task.owner)
        owner = Provider.objects.filter(pk=owner_id, active=True).first()
        if owner is None:
            raise Invalid(TopicCode.OWNER_INVALID, _("Choose an active provider."))
    except Invalid as exc:
        errors.append(ErrorDetail(TopicCode.OWNER_INVALID, exc.message, f"{prefix}owner"))
    try:
        due = _read_date(task.due_on)
        if due < today:
            errors.append(
                ErrorDetail(
                    TopicCode.DUE_IN_PAST, _("The due date is in the past."), f"{prefix}due_on"
                )
            )
    except Invalid as exc:
        errors.append(exc.detail(f"{prefix}due_on"))
    if len(errors) > before or title is None or owner is None or due is None:
        return None
    return _Task(title=title, owner=owner, due_on=due)


def _read_lead(value: Any, errors: list[ErrorDetail]) -> Provider | None:
    pk = as_id(value)
    lead = (
        Provider.objects.filter(pk=pk, kind=Provider.Kind.DEPARTMENT, active=True).first()
        if pk is not None
        else None
    )
    if lead is None:
        errors.append(
            ErrorDetail(
                TopicCode.LEAD_NOT_DEPARTMENT,
                _("Choose the government department that leads."),
                "lead",
            )
        )
    return lead


def _text(value: Any, field_name: str, errors: list[ErrorDetail], **kw: Any) -> str:
    try:
        return read_text(value, markup=False, **kw)
    except Invalid as exc:
        errors.append(exc.detail(field_name))
        return ""


def _event(
    topic: MonthlyTopic,
    action: str,
    *,
    actor: Actor,
    at: datetime,
    note: str = "",
    audience: str = Audience.PUBLIC,
) -> TopicEvent:
    return TopicEvent.objects.create(
        topic=topic,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        audience=audience,
        created_at=at,
    )


def _tell(topic: MonthlyTopic, template: str, key: str, params: dict[str, str]) -> int:
    """Notify everyone whose text the topic takes up, once per key."""
    link = f"/topics/{topic.pk}/"
    people = get_user_model().objects.filter(
        pk__in=selectors.participants(topic.pk), is_active=True
    )
    told = 0
    for person in people.order_by("pk"):
        notification_send(
            recipient=person,
            key=key,
            template=template,
            params={**params, "link": link},
            link=link,
            about=f"topic:{topic.pk}",
        )
        told += 1
    return told


def topic_pick(
    *,
    candidate_ids: Any,
    title: Any,
    description: Any,
    lead: Any,
    tasks: list[TaskInput],
    actor: Actor,
    now: datetime | None = None,
) -> MonthlyTopic:
    """Pick candidates of one month as the month's topic, with its lead department and
    first tasks; the people whose texts they hold are told (``topic_picked``)."""
    policy.require(policy.can_pick(actor))
    assert isinstance(actor, User)  # the policy admits signed-in staff only
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: list[ErrorDetail] = []
    ids: list[int] = []
    try:
        ids = _read_ids(candidate_ids, "candidates")
    except DomainError as exc:
        errors += exc.errors
    if not ids and not errors:
        errors.append(
            ErrorDetail(
                TopicCode.PICK_NEEDS_CANDIDATE, _("Choose the candidates to pick."), "candidates"
            )
        )
    clean_title = _text(title, "title", errors, max_length=TITLE_MAX, required=True)
    clean_description = _text(description, "description", errors, max_length=TEXT_MAX)
    lead_row = _read_lead(lead, errors)
    if not isinstance(tasks, list) or not tasks:
        errors.append(ErrorDetail(TopicCode.TASKS_REQUIRED, _("Give at least one task."), "tasks"))
        tasks = []
    elif len(tasks) > MAX_TASKS:
        errors.append(
            ErrorDetail(
                TopicCode.TOO_MANY_TASKS,
                _("At most %(n)d tasks at once.") % {"n": MAX_TASKS},
                "tasks",
            )
        )
        tasks = []
    clean_tasks = [_read_task(t, f"tasks.{i}.", today, errors) for i, t in enumerate(tasks)]
    if errors:
        raise DomainError(errors)
    assert lead_row is not None
    with transaction.atomic():
        rows = _lock_candidates(ids)
        if len({c.month for c in rows}) > 1:
            raise DomainError.single(
                TopicCode.MONTHS_DIFFER,
                _("Only candidates of the same month can be picked together."),
                "candidates",
            )
        for c in rows:
            _standing(c, "candidates")
        topic = MonthlyTopic.objects.create(
            month=rows[0].month,
            title=clean_title,
            description=clean_description,
            lead=lead_row,
            status=TopicStatus.PICKED,
            picked_by=actor,
            picked_at=now,
        )
        TopicCandidate.objects.filter(pk__in=ids).update(topic=topic)
        _event(topic, TopicAction.PICK, actor=actor, at=now, note=clean_title)
        for position, task in enumerate(t for t in clean_tasks if t is not None):
            TopicTask.objects.create(
                topic=topic,
                title=task.title,
                owner=task.owner,
                due_on=task.due_on,
                position=position,
            )
            _event(topic, TopicAction.TASK_ADD, actor=actor, at=now, note=task.title)
        _tell(
            topic,
            "topic_picked",
            f"topic-picked:{topic.pk}",
            {"title": topic.title, "lead": lead_row.name_zh},
        )
    return topic


# --- tracking -------------------------------------------------------------------------------------


def _lock_topic(topic_id: Any) -> MonthlyTopic:
    pk = as_id(topic_id)
    topic = MonthlyTopic.objects.select_for_update().filter(pk=pk).first() if pk else None
    if topic is None:
        raise NotFound.single(TopicCode.TOPIC_NOT_FOUND, _("No such topic."), "topic")
    return topic


def _open(topic: MonthlyTopic) -> None:
    if topic.status == TopicStatus.DONE:
        raise Conflict.single(TopicCode.TOPIC_DONE, _("This topic is done."), None)


def topic_task_add(
    *, topic_id: Any, task: TaskInput, actor: Actor, now: datetime | None = None
) -> TopicTask:
    policy.require(policy.can_update(actor))
    now = now or timezone.now()
    errors: list[ErrorDetail] = []
    clean = _read_task(task, "", timezone.localdate(now), errors)
    if errors:
        raise DomainError(errors)
    assert clean is not None
    with transaction.atomic():
        topic = _lock_topic(topic_id)
        _open(topic)
        position = topic.tasks.count()
        if position >= MAX_TASKS * 3:
            raise DomainError.single(
                TopicCode.TOO_MANY_TASKS, _("This topic has too many tasks."), "title"
            )
        row = TopicTask.objects.create(
            topic=topic,
            title=clean.title,
            owner=clean.owner,
            due_on=clean.due_on,
            position=position,
        )
        _event(topic, TopicAction.TASK_ADD, actor=actor, at=now, note=clean.title)
    return row


def topic_task_done(
    *, task_id: Any, note: Any, actor: Actor, now: datetime | None = None
) -> TopicTask:
    """Mark a task done with what was done; the topic is then in progress."""
    now = now or timezone.now()
    with transaction.atomic():
        pk = as_id(task_id)
        task = TopicTask.objects.filter(pk=pk).first() if pk is not None else None
        if task is None:
            raise NotFound.single(TopicCode.TASK_NOT_FOUND, _("No such task."), "task")
        policy.require(policy.can_mark_done(actor, task))
        errors: list[ErrorDetail] = []
        what = _text(note, "note", errors, max_length=TEXT_MAX, required=True)
        if errors:
            raise DomainError(errors)
        topic = _lock_topic(task.topic_id)
        task = TopicTask.objects.select_for_update().get(pk=task.pk)
        _open(topic)
        if task.done_at is not None:
            raise Conflict.single(TopicCode.TASK_DONE, _("This task is already done."), None)
        task.done_at = now
        task.note = what
        task.save(update_fields=["done_at", "note"])
        if topic.status == TopicStatus.PICKED:
            topic.status = TopicStatus.IN_PROGRESS
            topic.save(update_fields=["status"])
        _event(topic, TopicAction.TASK_DONE, actor=actor, at=now, note=f"{task.title}：{what}")
    return task


def topic_progress(
    *, topic_id: Any, note: Any, staff_only: bool, actor: Actor, now: datetime | None = None
) -> TopicEvent:
    """A progress report (public), or a staff note (``staff_only``, never shown outside)."""
    policy.require(policy.can_update(actor))
    now = now or timezone.now()
    errors: list[ErrorDetail] = []
    text = _text(note, "note", errors, max_length=TEXT_MAX, required=True)
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        topic = _lock_topic(topic_id)
        _open(topic)
        if not staff_only and topic.status == TopicStatus.PICKED:
            topic.status = TopicStatus.IN_PROGRESS
            topic.save(update_fields=["status"])
        return _event(
            topic,
            TopicAction.PROGRESS,
            actor=actor,
            at=now,
            note=text,
            audience=Audience.STAFF if staff_only else Audience.PUBLIC,
        )


def topic_done(
    *, topic_id: Any, outcome: Any, actor: Actor, now: datetime | None = None
) -> MonthlyTopic:
    """Declare the topic done with its outcome, once every task is done; the people whose
    texts it took up are told (``topic_done``)."""
    policy.require(policy.can_update(actor))
    now = now or timezone.now()
    errors: list[ErrorDetail] = []
    text = _text(outcome, "outcome", errors, max_length=TEXT_MAX, required=True)
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        topic = _lock_topic(topic_id)
        _open(topic)
        if topic.tasks.filter(done_at__isnull=True).exists():
            raise Conflict.single(
                TopicCode.TASKS_OPEN, _("Some tasks are not done yet."), "outcome"
            )
        topic.status = TopicStatus.DONE
        topic.done_at = now
        topic.outcome = text
        topic.save(update_fields=["status", "done_at", "outcome"])
        _event(topic, TopicAction.DONE, actor=actor, at=now, note=text)
        _tell(topic, "topic_done", f"topic-done:{topic.pk}", {"title": topic.title})
    return topic
