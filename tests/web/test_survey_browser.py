"""A resident answers a survey in headless Chromium: the follow-up question appears only
after the answer that asks it, the answers are saved, and once the results are published
the results page draws its charts beside tables of the same figures. No
Content-Security-Policy violation on the way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.voice.models import Answer, Response
from minsheng.voice.services import surveys as s
from tests.voice.conftest import day
from tests.web.test_browser import csp_violations, log_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    seed_standard(ServiceArea, Category, UrgencyClass)


def survey_of(world: Any) -> Any:
    admin = world.county_admin
    survey = s.survey_create(
        actor=admin,
        data=s.SurveyInput(title="Village bookshop", opens_on=day(-1), closes_on=day(9)),
    )
    knows = s.question_add(
        actor=admin,
        survey_id=survey.pk,
        data=s.QuestionInput(
            kind="single",
            text="Do you use the village bookshop?",
            required=True,
            choices="Often\nRarely\nI did not know it",
        ),
    )
    why = s.question_add(
        actor=admin,
        survey_id=survey.pk,
        data=s.QuestionInput(
            kind="long_text",
            text="Why not?",
            required=True,
            show_if_choices=[c.pk for c in knows.choices.exclude(label="Often")],
        ),
    )
    s.question_add(
        actor=admin,
        survey_id=survey.pk,
        data=s.QuestionInput(
            kind="scale",
            text="How satisfied are you?",
            required=True,
            scale_min_label="Not at all",
            scale_max_label="Very",
        ),
    )
    s.survey_publish(actor=admin, survey_id=survey.pk)
    return survey, why


def test_a_resident_answers_with_a_follow_up_and_sees_the_charts(world, live_server, browser):
    survey, why = survey_of(world)
    base = live_server.url
    page = log_in(browser, base, "resident")
    seen = watch_csp(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/surveys/{survey.pk}/")
    follow_up = page.locator(f"fieldset#q{why.pk}")
    # with JavaScript the follow-up waits for its answer (and its no-JS note is gone)
    expect(follow_up).to_be_hidden()
    page.get_by_label("Often").check()
    expect(follow_up).to_be_hidden()
    page.get_by_label("I did not know it").check()
    expect(follow_up).to_be_visible()
    expect(follow_up.locator(".condition-note")).to_be_hidden()
    follow_up.get_by_role("textbox").fill("Nobody told me it exists")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("You have answered this survey.")).to_be_visible()
    assert Response.objects.filter(survey=survey, respondent=world.resident).count() == 1
    assert Answer.objects.get(question=why).text == "Nobody told me it exists"

    s.survey_close(actor=world.county_admin, survey_id=survey.pk)
    s.survey_publish_results(actor=world.county_admin, survey_id=survey.pk)
    page.goto(f"{base}/surveys/{survey.pk}/results/")
    charts = page.locator("canvas[data-drawn]")
    expect(charts).to_have_count(2)  # the single choice and the scale
    painted = page.evaluate(
        """() => {
          const c = document.querySelector('canvas[data-drawn]');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }"""
    )
    assert painted > 500
    assert page.get_by_role("rowheader", name="I did not know it").count() == 1
    assert csp_violations(page, seen) == []
    page.goto(f"{base}/surveys/")
    expect(page.get_by_role("link", name="Village bookshop")).to_be_visible()
    assert csp_violations(page, seen) == []


def test_a_follow_up_hidden_again_is_not_sent(world, live_server, browser):
    """Typed into, then hidden by a changed answer: its inputs are disabled, so the server
    (which would refuse an answer to a question not asked) never sees it."""
    survey, why = survey_of(world)
    base = live_server.url
    page = log_in(browser, base, "resident")
    page.goto(f"{base}/surveys/{survey.pk}/")
    page.get_by_label("Rarely").check()
    page.locator(f"fieldset#q{why.pk}").get_by_role("textbox").fill("Too far")
    page.get_by_label("Often").check()
    page.get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("You have answered this survey.")).to_be_visible()
    assert not Answer.objects.filter(question=why).exists()
