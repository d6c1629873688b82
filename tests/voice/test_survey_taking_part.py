"""Who may answer, when and where; paper forms, one per household."""

from __future__ import annotations

import pytest

from minsheng.core.errors import Code, Conflict, DomainError, PermissionDenied
from minsheng.voice.errors import SurveyCode
from minsheng.voice.models import Response, ResponseChannel, Survey, SurveyStatus
from minsheng.voice.services import surveys as s
from tests.voice.conftest import build_every, day, refused

pytestmark = pytest.mark.django_db


def test_outside_the_window_is_refused(world):
    every = build_every(world)
    for opens, closes in ((1, 5), (-9, -1)):
        Survey.objects.filter(pk=every.survey.pk).update(opens_on=day(opens), closes_on=day(closes))
        refused(
            lambda: s.response_submit(
                actor=world.resident, survey_id=every.survey.pk, raw=every.valid()
            ),
            errors=[(SurveyCode.OUTSIDE_WINDOW, None)],
            error=Conflict,
        )


def test_a_draft_or_closed_survey_takes_no_answers(world):
    every = build_every(world)
    for status in (SurveyStatus.DRAFT, SurveyStatus.CLOSED):
        Survey.objects.filter(pk=every.survey.pk).update(status=status)
        refused(
            lambda: s.response_submit(
                actor=world.resident, survey_id=every.survey.pk, raw=every.valid()
            ),
            errors=[(SurveyCode.NOT_OPEN, None)],
            error=Conflict,
        )


def test_residents_outside_the_target_regions_are_refused(world):
    every = build_every(world, regions=["T1"])
    refused(
        lambda: s.response_submit(
            actor=world.resident2, survey_id=every.survey.pk, raw=every.valid()
        ),
        errors=[(SurveyCode.OUTSIDE_REGIONS, None)],
        error=PermissionDenied,
    )
    s.response_submit(actor=world.resident, survey_id=every.survey.pk, raw=every.valid())


@pytest.mark.parametrize("who", ["grid_worker", "dispatcher_a", "county_admin", "provider_staff"])
def test_only_residents_answer_online(world, who):
    every = build_every(world)
    refused(
        lambda: s.response_submit(
            actor=getattr(world, who), survey_id=every.survey.pk, raw=every.valid()
        ),
        errors=[(SurveyCode.NOT_RESIDENT, None)],
        error=PermissionDenied,
    )


def test_nobody_answers_without_logging_in(world):
    every = build_every(world)
    refused(
        lambda: s.response_submit(actor=None, survey_id=every.survey.pk, raw=every.valid()),
        errors=[(Code.LOGIN_REQUIRED, None)],
        error=PermissionDenied,
    )


def paper(every, world, user=None, village="V1", household="No. 3", raw=None):
    return s.paper_submit(
        actor=user or world.grid_worker,
        survey_id=every.survey.pk,
        village_code=village,
        household=household,
        raw=every.valid() if raw is None else raw,
    )


def test_a_grid_worker_enters_one_paper_form_per_household(world):
    every = build_every(world)
    response = paper(every, world)
    assert (response.channel, response.household, response.entered_by, response.region) == (
        ResponseChannel.PAPER,
        "No. 3",
        world.grid_worker,
        world.village_a,
    )
    assert response.respondent is None
    # the same household, however it is written
    refused(
        lambda: paper(every, world, household="  no.   3 "),
        errors=[(SurveyCode.HOUSEHOLD_ANSWERED, "household")],
        error=Conflict,
    )
    paper(every, world, household="No. 4")
    assert Response.objects.filter(channel=ResponseChannel.PAPER).count() == 2


def test_paper_forms_are_checked_like_online_answers(world):
    every = build_every(world)
    raw = every.valid()
    raw[every.scale.pk] = "7"
    refused(
        lambda: paper(every, world, raw=raw), errors=[("answer_out_of_range", f"q{every.scale.pk}")]
    )
    refused(
        lambda: paper(every, world, household=""),
        errors=[(SurveyCode.HOUSEHOLD_REQUIRED, "household")],
    )


def test_paper_forms_only_for_villages_in_ones_area_and_the_survey(world):
    every = build_every(world, regions=["T1"])
    refused(
        lambda: paper(every, world, village="V2"),
        errors=[(Code.NOT_PERMITTED, "village")],
        error=PermissionDenied,
    )
    refused(
        lambda: paper(every, world, village="T1"), errors=[(SurveyCode.VILLAGE_REQUIRED, "village")]
    )
    refused(
        lambda: paper(every, world, village="nowhere"),
        errors=[(SurveyCode.VILLAGE_REQUIRED, "village")],
    )
    refused(
        lambda: paper(every, world, user=world.county_admin, village="V2"),
        errors=[(SurveyCode.OUTSIDE_REGIONS, "village")],
    )
    refused(
        lambda: paper(every, world, user=world.resident),
        errors=[(Code.NOT_PERMITTED, None)],
        error=PermissionDenied,
    )
    paper(every, world, user=world.dispatcher_a)


def test_an_anonymous_surveys_paper_form_keeps_no_household(world):
    every = build_every(world, anonymous=True)
    response = paper(every, world)
    assert response.household == ""
    with pytest.raises(DomainError):
        paper(every, world)
