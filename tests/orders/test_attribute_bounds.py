"""Question bounds: a number's minimum, maximum and whole-number setting, a date's first and
last day counted from the order day; refused by clean_answers for the web, REST and Open311
alike, with a message naming the question, and nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minsheng.catalog.models import ServiceAttribute
from minsheng.core.errors import DomainError
from minsheng.open311.services import api_key_create
from minsheng.orders.attributes import clean_answers, describe_bounds
from minsheng.orders.models import Order, OrderEvent
from tests.api.conftest import URL, token_client
from tests.open311.conftest import BASE
from tests.web.conftest import logged_in

D = ServiceAttribute.Datatype
TODAY = dt.date(2026, 12, 1)


def meals(**bounds: Any) -> ServiceAttribute:
    return ServiceAttribute(code="meals", label_en="Meals per day", datatype=D.NUMBER, **bounds)


def visit(**bounds: Any) -> ServiceAttribute:
    return ServiceAttribute(code="when", label_en="When", datatype=D.DATETIME, **bounds)


def refusal(attr: ServiceAttribute, value: Any) -> list[tuple[str, str | None, str]]:
    with pytest.raises(DomainError) as info:
        clean_answers([attr], {attr.code: value}, today=TODAY)
    return [(e.code, e.field, str(e.message)) for e in info.value.errors]


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


# --- numbers ----------------------------------------------------------------------------------

NUMBER_BOUNDS = {"minimum": 1, "maximum": 3, "whole_number": True}


@pytest.mark.parametrize("value", [1, "2", 3, "3.0"])
def test_a_number_within_its_bounds_is_taken(value):
    assert clean_answers([meals(**NUMBER_BOUNDS)], {"meals": value}, today=TODAY) == {
        "meals": int(float(value))
    }


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (-1, "attribute_below_minimum", "“Meals per day”: at least 1."),
        (0, "attribute_below_minimum", "“Meals per day”: at least 1."),
        ("1e20", "attribute_above_maximum", "“Meals per day”: at most 3."),
        (1e20, "attribute_above_maximum", "“Meals per day”: at most 3."),
        (4, "attribute_above_maximum", "“Meals per day”: at most 3."),
        ("2.5", "attribute_not_whole", "“Meals per day”: give a whole number."),
    ],
)
def test_a_number_outside_its_bounds_is_refused_naming_the_question(value, code, message):
    assert refusal(meals(**NUMBER_BOUNDS), value) == [(code, "attribute[meals]", message)]


def test_a_fraction_is_taken_where_whole_numbers_are_not_asked_for():
    attr = meals(minimum=0.5, maximum=2.5)
    assert clean_answers([attr], {"meals": "2.5"}, today=TODAY) == {"meals": 2.5}
    assert refusal(attr, "0.25") == [
        ("attribute_below_minimum", "attribute[meals]", "“Meals per day”: at least 0.5.")
    ]


def test_a_number_without_bounds_takes_any_finite_number():
    assert clean_answers([meals()], {"meals": "-1"}, today=TODAY) == {"meals": -1}


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-12-01", "2026-12-01T23:30", "2026-12-31T08:00+08:00"])
def test_a_date_from_the_order_day_to_thirty_days_on_is_taken(value):
    attr = visit(earliest_days=0, latest_days=30)
    assert list(clean_answers([attr], {"when": value}, today=TODAY)) == ["when"]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("2026-11-30", "attribute_too_early", "“When”: not before 2026-12-01."),
        ("2026-11-30T23:59", "attribute_too_early", "“When”: not before 2026-12-01."),
        ("2027-01-01", "attribute_too_late", "“When”: not after 2026-12-31."),
    ],
)
def test_a_date_outside_its_days_is_refused_naming_the_question(value, code, message):
    assert refusal(visit(earliest_days=0, latest_days=30), value) == [
        (code, "attribute[when]", message)
    ]


def test_date_bounds_count_from_the_local_order_day(settings):
    # 2026-12-01T20:00Z is already 12-02 in Beijing: the bounds count from that local day.
    attr = visit(earliest_days=0)
    day = timezone.localdate(dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC))
    assert day == dt.date(2026, 12, 2)
    with pytest.raises(DomainError):
        clean_answers([attr], {"when": "2026-12-01T12:00"}, today=day)


# --- words and settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attr", "words"),
    [
        (meals(**NUMBER_BOUNDS), "A whole number from 1 to 3."),
        (meals(minimum=0.5), "A number, at least 0.5."),
        (meals(maximum=10, whole_number=True), "A whole number, at most 10."),
        (meals(whole_number=True), "A whole number."),
        (meals(), ""),
        (visit(earliest_days=0, latest_days=30), "From 2026-12-01 to 2026-12-31."),
        (visit(latest_days=0), "Not after 2026-12-01."),
        (visit(earliest_days=-1), "Not before 2026-11-30."),
    ],
)
def test_bounds_are_told_in_words(attr, words):
    assert describe_bounds(attr, TODAY) == words


@pytest.mark.parametrize(
    ("datatype", "bounds", "field"),
    [
        (D.STRING, {"minimum": 1}, "minimum"),
        (D.DATETIME, {"whole_number": True}, "whole_number"),
        (D.NUMBER, {"latest_days": 3}, "latest_days"),
    ],
)
def test_a_bound_on_the_wrong_kind_of_question_is_refused_by_the_model(datatype, bounds, field):
    attr = ServiceAttribute(code="q", datatype=datatype, **bounds)
    with pytest.raises(ValidationError) as info:
        attr.clean()
    assert list(info.value.message_dict) == [field]


# --- through every door: refused, named, nothing written ---------------------------------------


@pytest.fixture
def bounded(world, questions):
    """The world's service: "How many people" 1 to 3 and whole, "When" within 30 days."""
    ServiceAttribute.objects.filter(service=world.service, code="people").update(
        minimum=1, maximum=3, whole_number=True
    )
    ServiceAttribute.objects.filter(service=world.service, code="when").update(
        earliest_days=0, latest_days=30
    )
    return world


def yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def assert_nothing_written() -> None:
    assert (Order.objects.count(), OrderEvent.objects.count()) == (0, 0)


def test_web_form_refuses_out_of_bounds_answers_and_shows_the_bounds(bounded):
    client = logged_in(bounded.resident)
    page = client.get("/services/meal-delivery/order/").content.decode()
    assert 'type="number" inputmode="decimal" step="1" min="1" max="3"' in page
    first = timezone.localdate().isoformat()
    last = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert f'type="datetime-local" min="{first}T00:00" max="{last}T23:59"' in page
    assert "A whole number from 1 to 3." in page
    response = client.post(
        "/services/meal-delivery/order/",
        {
            "region": "V1",
            "attribute[mobility]": "aided",
            "attribute[people]": "1e20",
            "attribute[when]": yesterday(),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "“How many people”: at most 3." in body
    assert f"“When”: not before {first}." in body
    assert_nothing_written()


def test_rest_refuses_out_of_bounds_answers_naming_each_question(bounded):
    resident_api = token_client(bounded.resident)
    response = resident_api.post(
        URL,
        {
            "service": "meal-delivery",
            "region": "V1",
            "answers": {"mobility": "aided", "people": -1, "when": yesterday()},
        },
        format="json",
    )
    assert response.status_code == 400
    today = timezone.localdate().isoformat()
    assert response.json()["errors"] == [
        {
            "code": "attribute_below_minimum",
            "message": "“How many people”: at least 1.",
            "field": "attribute[people]",
        },
        {
            "code": "attribute_too_early",
            "message": f"“When”: not before {today}.",
            "field": "attribute[when]",
        },
    ]
    assert_nothing_written()


def test_rest_service_definition_gives_the_bounds(bounded):
    resident_api = token_client(bounded.resident)
    data = resident_api.get("/api/v1/services/meal-delivery/").json()
    people = next(a for a in data["attributes"] if a["code"] == "people")
    when = next(a for a in data["attributes"] if a["code"] == "when")
    bounds = ("minimum", "maximum", "whole_number", "earliest_days", "latest_days")
    assert [people[k] for k in bounds] == [1.0, 3.0, True, None, None]
    assert [when[k] for k in bounds] == [None, None, False, 0, 30]


def test_open311_refuses_out_of_bounds_answers_naming_the_question(bounded, client):
    _key, raw_key = api_key_create(name="Test client", contact="dev@example.org")
    form = {
        "api_key": raw_key,
        "service_code": "meal-delivery",
        "lat": "30.011",
        "long": "110.012",
        "attribute[mobility]": "aided",
        "attribute[people]": "2.5",
    }
    response = client.post(f"{BASE}/requests.json", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "attribute[people]: “How many people”: give a whole number."}
    ]
    assert_nothing_written()


def test_open311_service_definition_tells_the_bounds_in_its_datatype_description(bounded, client):
    response = client.get(f"{BASE}/services/meal-delivery.json", HTTP_ACCEPT_LANGUAGE="en")
    rows = {a["code"]: a for a in response.json()["attributes"]}
    assert rows["people"]["datatype_description"] == "Number A whole number from 1 to 3."
    assert rows["mobility"]["datatype_description"] == "Single choice"
