"""The demo's idle part (issue 10, part 4), seeded last among the facility parts: it reads
the use, collections, equipment and maintenance the other parts wrote, whatever is there.

1. **Awareness**: a closed paper survey, "do you know the village bookshop?", entered door
   to door by each township's grid worker (``PAPER_FORMS`` households a village) in the
   story villages and in ``OTHER_VILLAGES`` more; its "I know it" answer is set as the
   bookshops' awareness question. The villages of ``idle_publicity`` and ``idle_two_causes``
   mostly do not know theirs (1 in 10); everywhere else most do (7 to 9 in 10).
2. **Hours**: ``idle_hours`` is open weekday daytime (set so if the register drew the evening
   hours for it), and its village orders books (``rural-library``, offered in its township
   too if it is a town) in the evenings and at weekends: if the order history has fewer than ``HOURS_REQUESTS`` such requests, or not
   most of them outside its hours, a few orders are written through the history's bulk path.
3. **Detection**: ``facility_idle_detect`` a quarter ago, the first flag found then closed
   with an action (history), then today's run; owners are not notified (no demo SMS).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.utils import timezone

from minsheng.demo.facilities import WEEKDAY_DAYTIME, DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.demo.history import EPOCH, World, write
from minsheng.demo.regions import Place
from minsheng.demo.users import People
from minsheng.facilities import hours as hours_rules
from minsheng.facilities.models import AwarenessQuestion, Facility, IdleFlag, Kind
from minsheng.facilities.services.idle import facility_idle_detect, idle_flag_close
from minsheng.orders.models import Order
from minsheng.regions.models import Region
from minsheng.voice.models import (
    Answer,
    AnswerChoice,
    Choice,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
)
from minsheng.voice.services.surveys import household_key

AWARENESS_TITLE = "农家书屋知晓情况入户调查"
PAPER_FORMS = 10  # households asked a village
OTHER_VILLAGES = 12
HOURS_REQUESTS = 8
LIBRARY_SERVICE = "rural-library"
CLOSING_ACTION = "村委会在微信群和广播里介绍书屋，开放时间改为周末全天；下季度复查借阅人数。"


@dataclass
class IdleSeeded:
    responses: int = 0
    hours_orders: int = 0
    flags_history: int = 0
    flags_open: int = 0


class OrderCounts(Protocol):
    """The seed's summary of what the order history wrote (``seed.SeedSummary``)."""

    orders: int
    events: int
    ratings: int


def _awareness(
    rng: random.Random,
    *,
    facilities: DemoFacilities,
    story: Stories,
    people: People,
    now: datetime,
) -> int:
    today = timezone.localdate(now)
    places = {p.region.pk: p for p in facilities.places}
    unaware = {story.idle_publicity.region_id, story.idle_two_causes.region_id}
    story_villages = [f.region_id for f in story.idle if f.kind == Kind.BOOKSHOP]
    others = [
        f.region_id
        for f in facilities.of(Kind.BOOKSHOP)
        if f.region_id not in story_villages
        and places[f.region_id].region.kind == Region.Kind.RURAL
    ]
    villages = story_villages + rng.sample(others, min(OTHER_VILLAGES, len(others)))
    survey = Survey.objects.create(
        title=AWARENESS_TITLE,
        description="网格员入户询问：您知道本村的农家书屋吗？结果用于改进书屋的宣传和开放时间。",
        status=SurveyStatus.CLOSED,
        opens_on=today - timedelta(days=70),
        closes_on=today - timedelta(days=40),
        created_by_id=people.admin,
        created_at=now - timedelta(days=75),
        published_at=now - timedelta(days=70),
        closed_at=now - timedelta(days=39),
    )
    survey.regions.set([places[v].region for v in villages])
    question = Question.objects.create(
        survey=survey,
        position=1,
        kind=QuestionKind.SINGLE,
        text="您知道本村的农家书屋在哪里、什么时候开放吗？",
        required=True,
    )
    know, dont = Choice.objects.bulk_create(
        [
            Choice(question=question, position=1, label="知道"),
            Choice(question=question, position=2, label="不知道"),
        ]
    )
    AwarenessQuestion.objects.create(
        question=question,
        choice=know,
        kind=Kind.BOOKSHOP,
        created_by_id=people.admin,
        created_at=now - timedelta(days=75),
    )
    forms: list[tuple[int, str, int, bool]] = []  # village, household, grid worker, knows
    for village in villages:
        place = places[village]
        knowing = 1 if village in unaware else rng.randint(7, 9)
        for i in range(PAPER_FORMS):
            forms.append(
                (village, f"{i + 1}组{rng.randint(1, 60)}号", people.grid[place.key], i < knowing)
            )
    responses = Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                respondent_key=household_key(survey, village, household),
                channel=ResponseChannel.PAPER,
                household=household,
                entered_by_id=grid,
                region_id=village,
                submitted_at=now - timedelta(days=60, minutes=7 * n),
            )
            for n, (village, household, grid, _k) in enumerate(forms)
        ]
    )
    answers = Answer.objects.bulk_create([Answer(response=r, question=question) for r in responses])
    AnswerChoice.objects.bulk_create(
        [
            AnswerChoice(answer=a, choice=know if form[3] else dont)
            for a, form in zip(answers, forms, strict=True)
        ]
    )
    return len(responses)


def _outside(hours: list[dict[str, Any]], moment: datetime) -> bool:
    local = timezone.localtime(moment)
    return not hours_rules.open_at(hours, local.weekday(), local.time().replace(tzinfo=None))


def _hours_story(
    rng: random.Random, *, shop: Facility, world: World, places: list[Place], now: datetime
) -> tuple[int, int, int]:
    """Make the bookshop's hours weekday daytime and its village's book requests mostly
    outside them; return the orders, events and ratings written."""
    if shop.opening_hours != WEEKDAY_DAYTIME:
        Facility.objects.filter(pk=shop.pk).update(opening_hours=WEEKDAY_DAYTIME)
        shop.opening_hours = WEEKDAY_DAYTIME
    svc = next((s for s in world.services if s.spec.code == LIBRARY_SERVICE), None)
    place = next((p for p in places if p.region.pk == shop.region_id), None)
    if svc is None or place is None or not world.eligible(place, svc.spec.category):
        return (0, 0, 0)
    # Village library loans are offered in rural townships; the story's village is rural
    # but its township may be a town: its villagers may borrow too.
    svc.obj.regions.add(place.township)
    since = now - timedelta(days=330)
    asked = list(
        Order.objects.filter(
            service_id=svc.obj.pk, region_id=shop.region_id, created_at__gte=since
        ).values_list("created_at", flat=True)
    )
    outside = sum(1 for m in asked if _outside(WEEKDAY_DAYTIME, m))
    # enough evening and weekend requests that they are most of at least HOURS_REQUESTS
    needed = max(HOURS_REQUESTS - len(asked), len(asked) - 2 * outside + 1, 0)
    if needed == 0:
        return (0, 0, 0)
    sims = []
    saved = world.rng
    world.rng = rng  # the history's generator, drawing from this part's own stream
    try:
        for i in range(needed):
            day = timezone.localdate(now) - timedelta(days=20 + 30 * i + rng.randint(0, 20))
            if i % 2 == 0:  # a weekday evening
                while day.weekday() >= 5:
                    day -= timedelta(days=1)
                at = time(19, rng.choice([0, 15, 30, 45]))
            else:  # a weekend afternoon
                while day.weekday() < 5:
                    day -= timedelta(days=1)
                at = time(rng.randint(10, 15), rng.choice([0, 30]))
            created = timezone.make_aware(datetime.combine(day, at))
            sim = world.history(svc, place)
            sim.shift(created - EPOCH)
            if sim.t < now - timedelta(minutes=10):
                sims.append(sim)
    finally:
        world.rng = saved
    return write(sims) if sims else (0, 0, 0)


def seed_idle(
    *,
    facilities: DemoFacilities,
    story: Stories,
    people: People,
    world: World,
    now: datetime,
    seed: int = 1,
    summary: OrderCounts | None = None,
) -> IdleSeeded:
    """Seed the idle part (module docstring); return what was written. The orders written
    for the hours story are added to ``summary``'s counts of the history."""
    rng = random.Random(seed * 7907 + 8)
    out = IdleSeeded()
    out.responses = _awareness(rng, facilities=facilities, story=story, people=people, now=now)
    orders, events, ratings = _hours_story(
        rng, shop=story.idle_hours, world=world, places=facilities.places, now=now
    )
    out.hours_orders = orders
    if summary is not None:
        summary.orders += orders
        summary.events += events
        summary.ratings += ratings
    today = timezone.localdate(now)
    quarter = timedelta(days=91)
    earlier = facility_idle_detect(as_of=today - quarter, now=now - quarter, notify=False)
    if earlier.flagged_ids:
        admin = get_user_model().objects.get(pk=people.admin)
        idle_flag_close(actor=admin, flag_id=earlier.flagged_ids[0], action=CLOSING_ACTION)
        out.flags_history = 1
    facility_idle_detect(as_of=today, now=now, notify=False)
    out.flags_open = IdleFlag.objects.filter(status="open").count()
    return out
