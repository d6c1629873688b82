"""The demo's surveys: consistent with the demo's people and orders, answerable by the demo
resident, counted, and removed by the reset."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from minsheng.demo.households import household_of
from minsheng.demo.seed import demo_reset, seed_demo
from minsheng.demo.voice_surveys import DRAFT_TITLE, NEEDS_TITLE, OPEN_TITLE
from minsheng.orders.models import Order
from minsheng.voice.models import AnswerChoice, Participation, Response, Survey, SurveyStatus
from minsheng.voice.policy import surveys as policy
from minsheng.voice.selectors import surveys as selectors

pytestmark = pytest.mark.django_db
SCALE = 0.02


def test_the_demo_seeds_three_surveys_consistent_with_its_people():
    seed_demo(scale=SCALE)
    needs = Survey.objects.get(title=NEEDS_TITLE)
    assert (needs.status, needs.results_public) == (SurveyStatus.CLOSED, True)
    assert Survey.objects.get(title=DRAFT_TITLE).status == SurveyStatus.DRAFT
    culture = Survey.objects.get(title=OPEN_TITLE)
    resident = get_user_model().objects.get(username="resident")
    assert policy.can_answer(resident, culture)
    responses = Response.objects.filter(survey=needs)
    assert 100 <= responses.count() <= 320
    paper = responses.filter(channel="paper").select_related("entered_by__profile", "region")
    assert paper.exists()
    for r in paper:
        assert r.respondent is None and r.household
        assert r.entered_by.profile.region_id == r.region.parent_id  # the township's grid worker
    # the age band and sex answered are the household's
    age_q, sex_q, need_q = needs.questions.order_by("position")[:3]
    picks = AnswerChoice.objects.filter(
        answer__response__survey=needs, answer__response__channel="web"
    ).select_related("answer__response__respondent", "choice")
    for pick in picks.filter(answer__question__in=[age_q, sex_q]):
        h = household_of(pick.answer.response.respondent.username)
        if pick.answer.question_id == sex_q.pk:
            assert pick.choice.label == ("女" if h.sex == "f" else "男")
        else:
            assert pick.choice.label.startswith(
                "60" if h.age >= 60 else "35" if h.age >= 35 else "18"
            )
    # stated needs include the areas of the orders they placed (when the first choices)
    for pick in picks.filter(answer__question=need_q)[:50]:
        assert pick.choice.area is not None
    ordered = Counter(
        Order.objects.filter(resident__isnull=False).values_list(
            "service__category__area__code", flat=True
        )
    )
    stated = Counter(
        picks.filter(answer__question=need_q).values_list("choice__area__code", flat=True)
    )
    assert set(stated) & set(ordered)
    results = selectors.survey_results(needs)
    assert results.responses == responses.count()
    why = next(r for r in results.questions if r.question.show_if_question_id)
    assert 0 < why.answered <= why.shown < results.responses
    # the anonymous survey links no response to a person
    assert not Response.objects.filter(survey=culture, respondent__isnull=False).exists()
    assert (
        Participation.objects.filter(survey=culture).count()
        == Response.objects.filter(survey=culture).count()
    )
    assert not Participation.objects.filter(survey=culture, user=resident).exists()

    demo_reset()
    assert not Survey.objects.exists()
    assert not Response.objects.exists()
