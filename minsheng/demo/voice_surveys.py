"""The demo's surveys: a closed residents' needs survey with published results, one open
survey the demo resident may answer, and a draft.

The answers agree with the rest of the demo: a respondent's age band and sex are their
household's (``households.household_of``), the needs they state are the service areas of
the orders they placed and what their household calls for, and some forms were entered
on paper by their township's grid worker. Everything is bulk-written, drawn from its own
``random.Random`` so that the surveys do not change the order history's draws.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from minsheng.catalog.models import ServiceArea
from minsheng.demo.households import Household
from minsheng.demo.regions import DEMO_TOWNSHIP, Place
from minsheng.demo.users import People
from minsheng.orders.models import Order
from minsheng.voice.models import (
    Answer,
    AnswerChoice,
    Choice,
    Demographic,
    MatrixRow,
    Participation,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
)
from minsheng.voice.services.surveys import household_key, respondent_key

NEEDS_TITLE = "2026年居民需求调查 · 2026 residents' needs survey"
OPEN_TITLE = "村级公共文化服务调查 · Village culture survey"
DRAFT_TITLE = "2027年养老服务需求调查（草稿） · 2027 elderly care needs (draft)"
RESPONDENTS = 320  # at most, for the needs survey
PAPER_SHARE = 0.18
OPEN_RESPONDENTS = 40

# The needs survey's areas, in the order of the national standard.
AREA_CODES = [
    "childcare",
    "education",
    "employment",
    "health",
    "elderly",
    "housing",
    "vulnerable",
    "military",
    "culture-sports",
]
BOOKSHOP = ["经常使用", "偶尔使用", "很少使用", "不知道村里有书屋"]
WHY_NOT = [
    "开放时间我都在地里干活",
    "书太旧了，没什么想看的",
    "不知道在哪里",
    "眼睛不好，看不了字",
    "孩子在外地，没人带我去",
    "离家太远",
    "",
]
PRIORITIES = ["道路交通", "医疗卫生", "养老服务", "文化活动"]
MATRIX_ROWS = ["村卫生室", "农村客运班车", "快递进村"]
MATRIX_COLUMNS = ["满意", "一般", "不满意"]


@dataclass
class _Q:
    """A question being written, and its choices' and rows' rows once written."""

    obj: Question
    choices: list[Choice]
    rows: list[MatrixRow]

    def c(self, label: str) -> int:
        return next(c.pk for c in self.choices if c.label == label)


def _questions(survey: Survey, specs: Sequence[dict[str, Any]]) -> list[_Q]:
    questions = Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                position=i,
                **{k: v for k, v in spec.items() if k not in ("choices", "rows")},
            )
            for i, spec in enumerate(specs)
        ]
    )
    choices = Choice.objects.bulk_create(
        [
            Choice(question=q, position=j, label=label, area=area)
            for q, spec in zip(questions, specs, strict=True)
            for j, (label, area) in enumerate(spec.get("choices", []))
        ]
    )
    rows = MatrixRow.objects.bulk_create(
        [
            MatrixRow(question=q, position=j, label=label)
            for q, spec in zip(questions, specs, strict=True)
            for j, label in enumerate(spec.get("rows", []))
        ]
    )
    return [
        _Q(
            q,
            [c for c in choices if c.question_id == q.pk],
            [r for r in rows if r.question_id == q.pk],
        )
        for q in questions
    ]


def _plain(labels: Sequence[str]) -> list[tuple[str, ServiceArea | None]]:
    return [(label, None) for label in labels]


def _age_band(h: Household) -> str:
    return "18–34岁" if h.age < 35 else "35–59岁" if h.age < 60 else "60岁及以上"


def _household_areas(h: Household) -> list[str]:
    out = []
    if h.age >= 60:
        out.append("elderly")
    if h.small_child:
        out.append("childcare")
    if h.school_child:
        out.append("education")
    if h.disabled:
        out.append("vulnerable")
    if h.veteran:
        out.append("military")
    if 18 <= h.age < 60:
        out.append("employment")
    out.append("health")
    return out


@dataclass
class _Answers:
    """One response's answers: question pk → (text, number, [(choice, row, rank)])."""

    region_id: int
    user_id: int | None
    household: str = ""
    entered_by: int | None = None
    values: dict[int, tuple[str, float | None, list[tuple[int, int | None, int | None]]]] = None  # type: ignore[assignment]


def _write(survey: Survey, found: list[_Answers], at: datetime, *, signed: bool) -> None:
    responses = Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                respondent_id=a.user_id if signed else None,
                respondent_key=(
                    household_key(survey, a.region_id, a.household)
                    if a.entered_by
                    else respondent_key(survey, a.user_id or 0)
                    if signed
                    else secrets.token_hex(32)  # anonymous: random, as online
                ),
                channel=ResponseChannel.PAPER if a.entered_by else ResponseChannel.WEB,
                household=a.household if signed else "",
                entered_by_id=a.entered_by,
                region_id=a.region_id,
                submitted_at=(
                    at - timedelta(minutes=17 * i)
                    if signed
                    else at.replace(hour=0, minute=0, second=0, microsecond=0)
                ),
            )
            for i, a in enumerate(found)
        ]
    )
    Participation.objects.bulk_create(
        [Participation(survey=survey, user_id=a.user_id) for a in found if a.user_id]
    )
    answers = Answer.objects.bulk_create(
        [
            Answer(response=r, question_id=qid, text=text, number=number)
            for r, a in zip(responses, found, strict=True)
            for qid, (text, number, _picks) in a.values.items()
        ]
    )
    picks = [(text, number, p) for a in found for (text, number, p) in a.values.values()]
    AnswerChoice.objects.bulk_create(
        [
            AnswerChoice(answer=answer, choice_id=choice, row_id=row, rank=rank)
            for answer, (_t, _n, chosen) in zip(answers, picks, strict=True)
            for choice, row, rank in chosen
        ]
    )


def seed_voice_surveys(
    *, people: People, places: list[Place], demo_resident: int, now: datetime, seed: int = 1
) -> int:
    """Write the demo's three surveys; return the number of responses written."""
    rng = random.Random(f"voice-surveys:{seed}")
    today = timezone.localdate(now)
    areas = {a.code: a for a in ServiceArea.objects.filter(code__in=AREA_CODES)}
    township_of = {p.region.pk: p.key for p in places}
    # --- 1. the closed needs survey, results published -----------------------------------
    needs = Survey.objects.create(
        title=NEEDS_TITLE,
        description=(
            "为编制2026年县级基本公共服务清单，请您告诉我们家里最需要哪些服务。"
            "结果已公布，感谢参与。"
        ),
        status=SurveyStatus.CLOSED,
        opens_on=today - timedelta(days=75),
        closes_on=today - timedelta(days=45),
        results_public=True,
        created_by_id=people.admin,
        created_at=now - timedelta(days=80),
        published_at=now - timedelta(days=75),
        closed_at=now - timedelta(days=44),
    )
    qs = _questions(
        needs,
        [
            {
                "kind": QuestionKind.SINGLE,
                "text": "您的年龄段",
                "required": True,
                "demographic": Demographic.AGE_BAND,
                "choices": _plain(["18–34岁", "35–59岁", "60岁及以上"]),
            },
            {
                "kind": QuestionKind.SINGLE,
                "text": "您的性别",
                "required": True,
                "demographic": Demographic.SEX,
                "choices": _plain(["女", "男"]),
            },
            {
                "kind": QuestionKind.MULTIPLE,
                "text": "您家里最需要哪些方面的服务？（最多选3项）",
                "required": True,
                "max_choices": 3,
                "choices": [(areas[c].name_zh, areas[c]) for c in AREA_CODES if c in areas],
            },
            {
                "kind": QuestionKind.SCALE,
                "text": "您对本县公共服务的总体满意度",
                "required": True,
                "scale_min": 1,
                "scale_max": 5,
                "scale_min_label": "很不满意",
                "scale_max_label": "很满意",
            },
            {
                "kind": QuestionKind.SINGLE,
                "text": "您知道并使用村里的农家书屋吗？",
                "choices": _plain(BOOKSHOP),
            },
            {
                "kind": QuestionKind.LONG_TEXT,
                "text": "为什么很少使用或不知道？",
                "max_length": 500,
            },
            {
                "kind": QuestionKind.RANKING,
                "text": "请按重要性给下列方面排序（1为最重要）",
                "choices": _plain(PRIORITIES),
            },
            {
                "kind": QuestionKind.MATRIX,
                "text": "请评价下列服务",
                "choices": _plain(MATRIX_COLUMNS),
                "rows": MATRIX_ROWS,
            },
        ],
    )
    age, sex, need, scale, bookshop, why, rank, matrix = qs
    why.obj.show_if_question = bookshop.obj
    why.obj.save(update_fields=["show_if_question"])
    why.obj.show_if_choices.set([bookshop.c("很少使用"), bookshop.c("不知道村里有书屋")])

    ordered: dict[int, Counter[str]] = {}
    for resident, area in Order.objects.filter(
        resident__isnull=False, region__in=[p.region.pk for p in places]
    ).values_list("resident_id", "service__category__area__code"):
        if area:
            ordered.setdefault(resident, Counter())[area] += 1
    everyone = [
        (user_id, village) for village, rows in people.residents.items() for user_id, *_r in rows
    ]
    chosen = rng.sample(everyone, min(RESPONDENTS, len(everyone)))
    found: list[_Answers] = []
    paper_count: Counter[int] = Counter()
    for user_id, village in chosen:
        h = people.households.get(user_id)
        if h is None:
            continue
        paper = rng.random() < PAPER_SHARE
        key = township_of[village]
        a = _Answers(village, None if paper else user_id, values={})
        if paper:
            paper_count[village] += 1
            a.household = f"{paper_count[village]}号户"
            a.entered_by = people.grid[key]
        wants = [c for c, _n in ordered.get(user_id, Counter()).most_common() if c in areas]
        for extra in _household_areas(h):
            if extra not in wants and extra in areas:
                wants.append(extra)
        wants = wants[: rng.choice([1, 2, 3, 3])]
        a.values[age.obj.pk] = ("", None, [(age.c(_age_band(h)), None, None)])
        a.values[sex.obj.pk] = ("", None, [(sex.c("女" if h.sex == "f" else "男"), None, None)])
        a.values[need.obj.pk] = (
            "",
            None,
            [(need.c(areas[c].name_zh), None, None) for c in wants],
        )
        quality = 0.3 if key == DEMO_TOWNSHIP else 0.0
        satisfied = min(5, max(1, round(rng.gauss(3.6 + quality, 0.9))))
        a.values[scale.obj.pk] = ("", float(satisfied), [])
        if rng.random() < 0.9:
            old = h.age >= 60
            weights = [1, 2, 3, 3] if old else [2, 3, 3, 1]
            use = rng.choices(BOOKSHOP, weights=weights)[0]
            a.values[bookshop.obj.pk] = ("", None, [(bookshop.c(use), None, None)])
            if use in ("很少使用", "不知道村里有书屋"):
                reason = rng.choice(WHY_NOT)
                if h.age >= 70 and rng.random() < 0.5:
                    reason = "眼睛不好，看不了字"
                if reason:
                    a.values[why.obj.pk] = (reason, None, [])
        if rng.random() < 0.8:
            order = list(PRIORITIES)
            rng.shuffle(order)
            if h.age >= 60:
                order.remove("养老服务")
                order.insert(0, "养老服务")
            a.values[rank.obj.pk] = (
                "",
                None,
                [(rank.c(label), None, i) for i, label in enumerate(order, start=1)],
            )
        if rng.random() < 0.7:
            a.values[matrix.obj.pk] = (
                "",
                None,
                [
                    (matrix.c(rng.choices(MATRIX_COLUMNS, weights=[5, 3, 1])[0]), row.pk, None)
                    for row in matrix.rows
                ],
            )
        found.append(a)
    _write(needs, found, now - timedelta(days=46), signed=True)

    # --- 2. an open survey of the demo township (anonymous) ------------------------------
    demo_town = next(p.township for p in places if p.key == DEMO_TOWNSHIP)
    culture = Survey.objects.create(
        title=OPEN_TITLE,
        description="村里的书屋、广场和文化活动，您用得怎么样？匿名填写，约两分钟。",
        status=SurveyStatus.OPEN,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=27),
        anonymous=True,
        created_by_id=people.dispatcher[DEMO_TOWNSHIP],
        created_at=now - timedelta(days=5),
        published_at=now - timedelta(days=3),
    )
    culture.regions.set([demo_town])
    been, why_not, rating, wish, size = _questions(
        culture,
        [
            {
                "kind": QuestionKind.SINGLE,
                "text": "最近一年您去过村里的农家书屋吗？",
                "required": True,
                "choices": _plain(["去过", "没去过"]),
            },
            {
                "kind": QuestionKind.LONG_TEXT,
                "text": "为什么没去过？",
                "help_text": "比如开放时间、离家远近、书的种类",
                "max_length": 500,
            },
            {
                "kind": QuestionKind.SCALE,
                "text": "您对村里文化活动的满意度",
                "required": True,
                "scale_min": 1,
                "scale_max": 5,
                "scale_min_label": "很不满意",
                "scale_max_label": "很满意",
            },
            {
                "kind": QuestionKind.MULTIPLE,
                "text": "希望增加哪些活动？（最多选2项）",
                "max_choices": 2,
                "choices": [
                    (label, areas.get("culture-sports"))
                    for label in ["广场舞", "送戏下乡", "电影放映", "读书会"]
                ],
            },
            {
                "kind": QuestionKind.NUMBER,
                "text": "家里常住几口人？",
                "number_min": 1,
                "number_max": 20,
                "whole_number": True,
            },
        ],
    )
    why_not.obj.show_if_question = been.obj
    why_not.obj.save(update_fields=["show_if_question"])
    why_not.obj.show_if_choices.set([been.c("没去过")])
    town_residents = [
        (user_id, village)
        for village, rows in people.residents.items()
        if township_of.get(village) == DEMO_TOWNSHIP
        for user_id, *_r in rows
        if user_id != demo_resident  # the demo login answers it in the walk-through
    ]
    some: list[_Answers] = []
    for user_id, village in rng.sample(town_residents, min(OPEN_RESPONDENTS, len(town_residents))):
        a = _Answers(village, user_id, values={})
        went = rng.random() < 0.45
        a.values[been.obj.pk] = ("", None, [(been.c("去过" if went else "没去过"), None, None)])
        if not went and rng.random() < 0.6:
            a.values[why_not.obj.pk] = (rng.choice(WHY_NOT[:-1]), None, [])
        a.values[rating.obj.pk] = ("", float(rng.choice([2, 3, 3, 4, 4, 5])), [])
        picks = rng.sample(wish.choices, rng.choice([1, 2]))
        a.values[wish.obj.pk] = ("", None, [(c.pk, None, None) for c in picks])
        a.values[size.obj.pk] = ("", float(rng.randint(1, 6)), [])
        some.append(a)
    _write(culture, some, timezone.localtime(now - timedelta(days=1)), signed=False)

    # --- 3. a draft --------------------------------------------------------------------------
    draft = Survey.objects.create(
        title=DRAFT_TITLE,
        description="草稿：尚未发布。",
        opens_on=today + timedelta(days=30),
        closes_on=today + timedelta(days=60),
        created_by_id=people.admin,
        created_at=now - timedelta(days=1),
    )
    _questions(
        draft,
        [
            {
                "kind": QuestionKind.SINGLE,
                "text": "家里有60岁以上的老人吗？",
                "required": True,
                "choices": _plain(["有", "没有"]),
            },
            {
                "kind": QuestionKind.MULTIPLE,
                "text": "老人最需要哪些上门服务？",
                "choices": [
                    (label, areas.get("elderly")) for label in ["助餐", "助浴", "助医", "陪伴"]
                ],
            },
        ],
    )
    return len(found) + len(some)


def demo_surveys_q(user_ids: Any) -> Q:
    """The demo's surveys: those its people created."""
    return Q(created_by__in=user_ids)


def delete_demo_surveys(user_ids: Any) -> None:
    """Remove the demo's surveys with everything under them (demo reset only)."""
    surveys = Survey.objects.filter(demo_surveys_q(user_ids))
    AnswerChoice.objects.filter(answer__response__survey__in=surveys).delete()
    Answer.objects.filter(response__survey__in=surveys).delete()
    Response.objects.filter(survey__in=surveys).delete()
    Participation.objects.filter(survey__in=surveys).delete()
    Question.objects.filter(survey__in=surveys).update(show_if_question=None)
    surveys.delete()
