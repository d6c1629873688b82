"""Results on a small data set counted by hand: counts and shares of those asked,
means and medians, average ranks, the matrix, breakdowns; the exports; who sees them."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from minsheng.accounts.models import Role
from minsheng.regions.models import Region
from minsheng.voice.selectors import surveys as selectors
from minsheng.voice.services import surveys as s
from minsheng.voice.surveys_export import export_tables
from tests.factories import make_user
from tests.voice.conftest import day
from tests.web.conftest import english_client

pytestmark = pytest.mark.django_db
Q = s.QuestionInput


@pytest.fixture
def data(world: Any) -> Any:
    """Four responses (three online, one on paper) from V1 (T1, urban) and V2 (T2, rural)."""
    Region.objects.filter(pk=world.village_a.pk).update(kind=Region.Kind.URBAN)
    admin = world.county_admin
    survey = s.survey_create(
        actor=admin, data=s.SurveyInput(title="Needs", opens_on=day(-1), closes_on=day(9))
    )

    def add(**kw: Any) -> Any:
        return s.question_add(actor=admin, survey_id=survey.pk, data=Q(**kw))

    n = SimpleNamespace(survey=survey)
    n.sex = add(kind="single", text="Sex", demographic="sex", choices="M\nF")
    n.age = add(kind="single", text="Age", demographic="age_band", choices="under 60\n60 and over")
    n.knows = add(kind="single", text="Know the bookshop?", choices="Yes\nNo")
    n.why = add(
        kind="long_text", text="Why not?", show_if_choices=[n.knows.choices.get(label="No").pk]
    )
    n.needs = add(kind="multiple", text="Needs", max_choices="2", choices="A\nB\nC")
    n.scale = add(kind="scale", text="Satisfied?", scale_min="1", scale_max="5")
    n.number = add(kind="number", text="People at home", number_min="0")
    n.rank = add(kind="ranking", text="Rank", choices="A\nB\nC")
    n.matrix = add(kind="matrix", text="Rate", choices="Good\nPoor", rows="Clinic\nBus")
    s.survey_publish(actor=admin, survey_id=survey.pk)

    def c(q: Any, label: str) -> str:
        return str(q.choices.get(label=label).pk)

    def r(label: str) -> str:
        return str(n.matrix.rows.get(label=label).pk)

    n.c, n.r = c, r
    third = make_user(Role.RESIDENT, world.village_b, username="resident3")
    second_v1 = make_user(Role.RESIDENT, world.village_a, username="resident4")
    answers = [
        (
            world.resident,
            {
                n.sex.pk: c(n.sex, "M"),
                n.age.pk: c(n.age, "60 and over"),
                n.knows.pk: c(n.knows, "Yes"),
                n.needs.pk: [c(n.needs, "A"), c(n.needs, "B")],
                n.scale.pk: "5",
                n.number.pk: "2",
                n.rank.pk: [c(n.rank, "A"), c(n.rank, "B"), c(n.rank, "C")],
                n.matrix.pk: {r("Clinic"): c(n.matrix, "Good"), r("Bus"): c(n.matrix, "Poor")},
            },
        ),
        (
            second_v1,
            {
                n.sex.pk: c(n.sex, "F"),
                n.age.pk: c(n.age, "under 60"),
                n.knows.pk: c(n.knows, "No"),
                n.why.pk: "=too far",
                n.needs.pk: [c(n.needs, "A")],
                n.scale.pk: "3",
                n.number.pk: "4",
                n.rank.pk: [c(n.rank, "B"), c(n.rank, "A"), c(n.rank, "C")],
                n.matrix.pk: {r("Clinic"): c(n.matrix, "Good"), r("Bus"): c(n.matrix, "Good")},
            },
        ),
        (
            third,
            {
                n.sex.pk: c(n.sex, "F"),
                n.age.pk: c(n.age, "60 and over"),
                n.knows.pk: c(n.knows, "No"),
                n.why.pk: "closed on Sundays",
                n.scale.pk: "4",
            },
        ),
    ]
    for user, raw in answers:
        s.response_submit(actor=user, survey_id=survey.pk, raw=raw)
    s.paper_submit(
        actor=world.grid_worker,
        survey_id=survey.pk,
        village_code="V1",
        household="No. 9",
        raw={
            n.sex.pk: c(n.sex, "M"),
            n.age.pk: c(n.age, "under 60"),
            n.knows.pk: c(n.knows, "Yes"),
            n.needs.pk: [c(n.needs, "C")],
            n.scale.pk: "1",
            n.number.pk: "3",
        },
    )
    # the paper form's household lives in V2 in the hand count below: move it there
    from minsheng.voice.models import Response

    Response.objects.filter(channel="paper").update(region=world.village_b)
    return n


def by_question(results: Any) -> dict[int, Any]:
    return {r.question.pk: r for r in results.questions}


def counts(result: Any) -> list[tuple[str, int, float | None]]:
    return [(c.label, c.count, c.share) for c in result.counts]


def test_counts_and_shares_of_those_asked(data):
    results = selectors.survey_results(data.survey)
    assert (results.responses, results.paper) == (4, 1)
    got = by_question(results)
    assert counts(got[data.sex.pk]) == [("M", 2, 0.5), ("F", 2, 0.5)]
    assert (got[data.why.pk].shown, got[data.why.pk].answered) == (2, 2)
    needs = got[data.needs.pk]
    assert (needs.shown, needs.answered) == (4, 3)
    assert counts(needs) == [("A", 2, 2 / 3), ("B", 1, 1 / 3), ("C", 1, 1 / 3)]


def test_means_medians_and_the_scale(data):
    got = by_question(selectors.survey_results(data.survey))
    scale = got[data.scale.pk]
    assert (scale.mean, scale.median) == (3.25, 3.5)
    assert counts(scale) == [
        ("1", 1, 0.25),
        ("2", 0, 0.0),
        ("3", 1, 0.25),
        ("4", 1, 0.25),
        ("5", 1, 0.25),
    ]
    number = got[data.number.pk]
    assert (number.answered, number.mean, number.median) == (3, 3.0, 3.0)


def test_average_ranks_and_the_matrix(data):
    got = by_question(selectors.survey_results(data.survey))
    assert got[data.rank.pk].ranks == [("A", 1.5, 1), ("B", 1.5, 1), ("C", 3.0, 0)]
    matrix = got[data.matrix.pk]
    assert matrix.columns == ["Good", "Poor"]
    assert [
        (m.label, m.answered, [(c.count, c.share) for c in m.cells]) for m in matrix.matrix
    ] == [
        ("Clinic", 2, [(2, 1.0), (0, 0.0)]),
        ("Bus", 2, [(1, 0.5), (1, 0.5)]),
    ]


def test_breakdowns_by_township_urban_rural_sex_and_age(data, world):
    with translation.override("en"):
        got = by_question(selectors.survey_results(data.survey))
        towns = sorted([(world.town_a.name, 2, 4.0), (world.town_b.name, 2, 2.5)])
    scale = {
        b.title: [(g.label, g.answered, g.mean) for g in b.groups]
        for b in got[data.scale.pk].breakdowns
    }
    assert scale == {
        "By township": towns,
        "Urban or rural": [("Urban", 2, 4.0), ("Rural", 2, 2.5)],
        "By sex": [("M", 2, 3.0), ("F", 2, 3.5)],
        "By age band": [("under 60", 2, 2.0), ("60 and over", 2, 4.5)],
    }
    needs = {b.title: b for b in got[data.needs.pk].breakdowns}
    assert [
        (g.label, g.answered, [(c.label, c.count, c.share) for c in g.cells])
        for g in needs["By sex"].groups
    ] == [
        ("M", 2, [("A", 1, 0.5), ("B", 1, 0.5), ("C", 1, 0.5)]),
        ("F", 1, [("A", 1, 1.0), ("B", 0, 0.0), ("C", 0, 0.0)]),
    ]


def test_free_text_answers_are_listed_and_searched(data):
    assert sorted(a.text for a in selectors.text_answers(data.why)) == [
        "=too far",
        "closed on Sundays",
    ]
    assert [a.text for a in selectors.text_answers(data.why, "sunday")] == ["closed on Sundays"]


def test_the_csv_export_has_a_bom_quotes_formulas_and_names_people_only_when_signed(data):
    from minsheng.core.exports import to_csv

    with translation.override("en"):
        body = to_csv(export_tables(data.survey, responses=True))
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "'=too far" in text and ",=too far" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert ["1. Sex", "M", "2", "50.0", "4", "4"] in rows
    assert "resident" in {cell for row in rows for cell in row}
    data.survey.anonymous = True
    data.survey.save()
    with translation.override("en"):
        text = to_csv(export_tables(data.survey, responses=True)).decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert "resident" not in cells and "No. 9" not in cells and "Respondent" not in cells


def test_the_xlsx_export_opens(data):
    from openpyxl import load_workbook

    from minsheng.core.exports import to_xlsx

    with translation.override("en"):
        book = load_workbook(io.BytesIO(to_xlsx(export_tables(data.survey, responses=True))))
    assert book.sheetnames == ["Results", "Responses"]
    assert book["Responses"].max_row == 5


def test_results_are_public_once_published_and_staff_see_them_any_time(data, world):
    url = f"/surveys/{data.survey.pk}/results/"
    assert Client().get(url).status_code == 404
    staff = Client()
    staff.force_login(world.county_admin)
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the site is Chinese first
    page = staff.get(url)
    assert page.status_code == 200
    assert b'id="survey-charts"' in page.content
    other = Client()
    other.force_login(world.dispatcher_a)  # a county survey is the county's
    assert other.get(url).status_code == 404
    s.survey_close(actor=world.county_admin, survey_id=data.survey.pk)
    s.survey_publish_results(actor=world.county_admin, survey_id=data.survey.pk)
    assert Client().get(url).status_code == 200
    public = english_client().get(url + "?format=csv")
    assert public.status_code == 200
    assert public.content.decode("utf-8-sig").count("Responses") == 0  # no rows per response
    full = staff.get(url + "?format=csv")
    assert "Responses" in full.content.decode("utf-8-sig")
    texts = Client().get(f"/surveys/{data.survey.pk}/results/texts/{data.why.pk}/?q=sunday")
    assert texts.status_code == 200 and b"closed on Sundays" in texts.content
    assert b"too far" not in texts.content
