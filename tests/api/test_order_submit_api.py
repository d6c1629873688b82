"""POST /api/v1/orders/: an order through order_submit, or one clear refusal, never a 500."""

from __future__ import annotations

import io
import json
import random
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.api.base import BoundedJSONParser, PayloadTooLarge
from minsheng.catalog.models import Service
from minsheng.orders.models import Order, OrderEvent
from tests.api.conftest import URL, token_client
from tests.factories import ServiceFactory


def assert_nothing_written() -> None:
    assert Order.objects.count() == 0
    assert OrderEvent.objects.count() == 0


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def menu_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service": "meal-delivery",
        "region": "V1",
        "latitude": 30.01,
        "longitude": 110.01,
        "address": " 甲村 3 组 ",
        "answers": {"mobility": "aided", "people": "2", "extras": ["tidy", "carry"]},
    }
    body.update(overrides)
    return body


def test_resident_orders_a_menu_item_with_a_token(world, questions, resident_api):
    before = timezone.now()
    response = resident_api.post(URL, menu_body(), format="json")

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    data = response.json()
    assert data == {
        "id": order.pk,
        "number": order.number,
        "status": "submitted",
        "service": "meal-delivery",
        "area": world.service.category.area.code,
        "category": "elderly-care",
        "urgency": "general",
        "region": "V1",
        "township": "T1",
        "channel": "api",
        "provider": None,
        "description": "",
        "address": "甲村 3 组",
        "latitude": 30.01,
        "longitude": 110.01,
        # From the resident's profile (a name, no phone), read back masked: the resident
        # is not among those who read a contact in full.
        "contact_name": "r*******",
        "contact_phone": "",
        "contact_masked": True,
        "round": 0,
        "escalated": False,
        "escalation_count": 0,
        "created_at": timezone.localtime(order.created_at).isoformat(),
        "updated_at": timezone.localtime(order.updated_at).isoformat(),
        "step_deadline": timezone.localtime(order.step_deadline).isoformat(),
        "resolve_deadline": timezone.localtime(order.resolve_deadline).isoformat(),
        "escalated_at": None,
        "dispatched_at": None,
        "accepted_at": None,
        "delivered_at": None,
        "closed_at": None,
    }
    assert order.created_at >= before
    assert order.step_deadline == order.created_at + timedelta(days=1)  # general: review 1 day
    assert order.resident == world.resident
    assert order.created_by == world.resident
    assert order.channel == "api"
    assert order.answers == {"mobility": "aided", "people": 2, "extras": ["carry", "tidy"]}
    assert order.address == "甲村 3 组"
    assert (order.latitude, order.longitude) == (30.01, 110.01)
    assert order.township == world.town_a
    assert [(e.action, e.new_status, e.actor) for e in order.events.all()] == [
        ("submit", "submitted", world.resident)
    ]


def test_resident_orders_a_free_form_need_by_area(world, resident_api):
    area = world.service.category.area.code
    response = resident_api.post(
        URL,
        {"area": area, "description": "  门前路灯坏了  ", "region": "V1", "channel": "web"},
        format="json",
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert response.json()["service"] is None
    assert response.json()["area"] == area
    assert order.description == "门前路灯坏了"
    assert order.channel == "web"
    assert order.service is None


def test_logged_in_session_may_order(world, questions):
    client = APIClient()
    assert client.login(username="resident", password="pass-word-123")

    response = client.post(URL, menu_body(), format="json")

    assert response.status_code == 201, response.content
    assert Order.objects.get().resident == world.resident


def test_session_order_without_csrf_token_is_refused(world, questions):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="resident", password="pass-word-123")

    response = client.post(URL, menu_body(), format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert "CSRF" in response.json()["errors"][0]["message"]
    assert_nothing_written()


def test_grid_worker_orders_for_a_resident_by_hotline(world, questions):
    client = token_client(world.grid_worker)

    response = client.post(
        URL,
        menu_body(channel="grid_worker", contact_name="王大爷", contact_phone="13800000000"),
        format="json",
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert (order.channel, order.created_by, order.resident) == (
        "grid_worker",
        world.grid_worker,
        None,
    )
    assert (order.contact_name, order.contact_phone) == ("王大爷", "13800000000")


def test_grid_worker_without_a_staff_channel_is_refused_by_the_service(world, questions):
    client = token_client(world.grid_worker)

    response = client.post(
        URL, menu_body(contact_name="王大爷", contact_phone="13800000000"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "channel_invalid",
                "field": "channel",
                "message": "Choose how the resident reached you: grid worker, hotline or visit.",
            }
        ]
    }
    assert_nothing_written()


def test_anonymous_request_is_401_and_writes_nothing(world, questions):
    response = APIClient().post(URL, menu_body(), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert response.json()["errors"][0]["field"] is None
    assert_nothing_written()


def test_unknown_token_is_401(world, questions):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = client.post(URL, menu_body(), format="json")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"
    assert_nothing_written()


def test_provider_staff_may_not_order(world, questions):
    response = token_client(world.provider_staff).post(URL, menu_body(), format="json")

    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "code": "not_permitted",
                "field": None,
                "message": "Provider staff cannot place orders.",
            }
        ]
    }
    assert_nothing_written()


def test_domain_errors_are_all_reported_with_their_fields(world, questions, resident_api):
    response = resident_api.post(
        URL,
        menu_body(
            region="T9",
            latitude=95.0,
            answers={"mobility": "aided", "extras": ["caviar"], "pets": "1"},
        ),
        format="json",
    )

    assert response.status_code == 400
    assert sorted((e["code"], e["field"]) for e in response.json()["errors"]) == [
        ("attribute_required", "attribute[people]"),
        ("attribute_unknown", "attribute[pets]"),
        ("attribute_unknown_choice", "attribute[extras]"),
        ("latitude_range", "latitude"),
        ("region_unknown", "region"),
    ]
    assert_nothing_written()


def test_unpublished_service_is_refused(world, questions, resident_api):
    ServiceFactory(code="hidden", published=False, regions=[world.county])

    response = resident_api.post(URL, menu_body(service="hidden", answers={}), format="json")

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("service_unpublished", "service")
    ]
    assert_nothing_written()


def test_latitude_that_is_not_a_number_names_the_field(world, questions, resident_api):
    response = resident_api.post(URL, menu_body(latitude="abc"), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"code": "invalid", "field": "latitude", "message": "A valid number is required."}
        ]
    }
    assert_nothing_written()


def test_answers_that_are_not_an_object_name_the_field(world, questions, resident_api):
    response = resident_api.post(URL, menu_body(answers=["people", 2]), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "not_object",
            "field": "answers",
            "message": "Give the answers as an object of code: value.",
        }
    ]
    assert_nothing_written()


def test_unknown_fields_are_named(world, questions, resident_api):
    response = resident_api.post(URL, menu_body(priority="high", resident=1), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "unknown_field", "field": "priority", "message": "Unknown field."},
        {"code": "unknown_field", "field": "resident", "message": "Unknown field."},
    ]
    assert_nothing_written()


def test_malformed_json_is_a_parse_error(world, questions, resident_api):
    response = resident_api.post(
        URL, '{"service": "meal-delivery",', content_type="application/json"
    )

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["code"], error["field"]) == ("parse_error", None)
    assert error["message"].startswith("JSON parse error")
    assert_nothing_written()


def test_missing_region_is_required(world, questions, resident_api):
    body = menu_body()
    del body["region"]

    response = resident_api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "required", "field": "region", "message": "This field is required."}
    ]
    assert_nothing_written()


def test_form_encoded_body_is_unsupported(world, questions, resident_api):
    response = resident_api.post(URL, {"service": "meal-delivery", "region": "V1"})

    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"
    assert_nothing_written()


BAD_BODIES: list[tuple[str, str]] = [
    ("empty", ""),
    ("null", "null"),
    ("a list", "[1, 2]"),
    ("a string", '"hello"'),
    ("a number", "42"),
    ("NaN latitude", '{"region": "V1", "service": "meal-delivery", "latitude": NaN}'),
    ("huge latitude", '{"region": "V1", "service": "meal-delivery", "latitude": 1e400}'),
    ("bool latitude", '{"region": "V1", "service": "meal-delivery", "latitude": true}'),
    ("list longitude", '{"region": "V1", "service": "meal-delivery", "longitude": [1]}'),
    ("only latitude", '{"region": "V1", "service": "meal-delivery", "latitude": 30}'),
    ("object region", '{"region": {"code": "V1"}, "service": "meal-delivery"}'),
    ("null region", '{"region": null, "service": "meal-delivery"}'),
    ("county region", '{"region": "C", "service": "meal-delivery"}'),
    ("NUL in region", '{"region": "V1\\u0000", "service": "meal-delivery"}'),
    ("lone surrogate", '{"region": "V1", "service": "meal-delivery", "address": "\\ud800"}'),
    (
        "NUL in answer",
        '{"region": "V1", "service": "meal-delivery", "answers": {"people": "\\u0000"}}',
    ),
    ("NUL answer key", '{"region": "V1", "service": "meal-delivery", "answers": {"\\u0000": 1}}'),
    (
        "nested answer",
        '{"region": "V1", "service": "meal-delivery", "answers": {"people": {"n": 2}}}',
    ),
    ("bool answer", '{"region": "V1", "service": "meal-delivery", "answers": {"people": true}}'),
    (
        "list in list",
        '{"region": "V1", "service": "meal-delivery", "answers": {"extras": [["carry"]]}}',
    ),
    (
        "infinite answer",
        '{"region": "V1", "service": "meal-delivery", "answers": {"people": 1e999}}',
    ),
    ("answers string", '{"region": "V1", "service": "meal-delivery", "answers": "people=2"}'),
    ("channel unknown", '{"region": "V1", "service": "meal-delivery", "channel": "fax"}'),
    (
        "staff channel",
        '{"region": "V1", "service": "meal-delivery", "channel": "hotline", "answers": {"people": 1}}',
    ),
    ("nothing to order", '{"region": "V1"}'),
    ("area no description", '{"region": "V1", "area": "no-such-area"}'),
    ("huge description", '{"region": "V1", "area": "x", "description": "' + "长" * 20_000 + '"}'),
    ("huge int", '{"region": "V1", "service": "meal-delivery", "latitude": ' + "9" * 5000 + "}"),
    ("bad utf-8", '{"region": "V1\xff"}'),
    ("nested too deep", "[" * 100_000 + "]" * 100_000),
    ("answers nested too deep", '{"answers": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001),
]


@pytest.mark.parametrize(("label", "raw"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_are_clear_4xx_and_write_nothing(world, questions, resident_api, label, raw):
    body = raw.encode("latin-1") if label == "bad utf-8" else raw.encode()

    response = resident_api.post(URL, body, content_type="application/json")

    assert 400 <= response.status_code < 500, (label, response.status_code, response.content)
    errors = json.loads(response.content)["errors"]
    assert errors
    assert all(set(e) == {"code", "field", "message"} for e in errors)
    assert_nothing_written()


def test_unknown_charset_falls_back_to_utf8(world, questions, resident_api):
    response = resident_api.post(
        URL, json.dumps(menu_body()), content_type="application/json; charset=klingon"
    )

    assert response.status_code == 201
    assert Order.objects.count() == 1


def test_service_offered_elsewhere_is_refused(world, questions, resident_api):
    ServiceFactory(code="town-b-only", regions=[world.town_b])

    response = resident_api.post(URL, menu_body(service="town-b-only", answers={}), format="json")

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("service_not_offered", "region")
    ]
    assert Service.objects.filter(code="town-b-only").exists()
    assert_nothing_written()


def test_body_over_the_upload_limit_is_413(world, questions, resident_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = resident_api.post(URL, menu_body(description="长" * 1000), format="json")

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "too_large"
    assert_nothing_written()


def test_streamed_body_is_read_no_further_than_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    stream = io.BytesIO(b'{"description": "' + b"x" * 5000 + b'"}')

    with pytest.raises(PayloadTooLarge):
        BoundedJSONParser().parse(stream, "application/json", {"encoding": "utf-8"})

    assert stream.tell() == 1001


def test_parser_reads_a_body_within_the_limit():
    stream = io.BytesIO('{"region": "甲村"}'.encode())

    assert BoundedJSONParser().parse(stream, "application/json", {}) == {"region": "甲村"}


FUZZ_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**70,
    1e308,
    3.5,
    "",
    " ",
    "abc",
    "\x00",
    "\ud800",
    "长" * 5000,
    [],
    [None],
    ["carry", 2],
    {},
    {"a": 1},
    {"people": "x"},
    {"extras": "carry"},
    "NaN",
    "1e999",
    "hotline",
    "C",
    "T1",
    "V2",
]
FUZZ_FIELDS = [*menu_body(), "area", "description", "channel", "contact_phone", "\ud800", "x"]


def test_random_bodies_get_a_201_or_a_worded_4xx_never_a_500(world, questions, resident_api):
    rnd = random.Random(20260501)
    created = 0
    for _ in range(150):
        body = menu_body() if rnd.random() < 0.5 else {}
        for name in rnd.sample(FUZZ_FIELDS, rnd.randint(1, 3)):
            body[name] = rnd.choice(FUZZ_VALUES)
        raw = json.dumps(body)  # ASCII escapes: lone surrogates travel as "\ud800"

        response = resident_api.post(URL, raw, content_type="application/json")

        assert response.status_code in (201, 400), (body, response.content[:300])
        if response.status_code == 201:
            created += 1
        else:
            assert all(set(e) == {"code", "field", "message"} for e in response.json()["errors"])
    assert Order.objects.count() == OrderEvent.objects.count() == created


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"channel": "\ud800"}, ("invalid_choice", "channel")),
        ({"\ud800": 1}, ("unknown_field", "?")),
    ],
)
def test_error_echoing_a_lone_surrogate_is_still_json(
    world, questions, resident_api, extra, expected
):
    raw = json.dumps({**menu_body(), **extra})

    response = resident_api.post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["code"], error["field"]) == expected
    assert_nothing_written()


@pytest.mark.parametrize("key", ["\x00" * 40, "a" * 41, "ö" * 10])
def test_impossible_token_keys_are_401(world, questions, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post(URL, menu_body(), format="json")

    assert response.status_code == 401
    assert_nothing_written()


def test_answering_a_new_order_costs_no_query_after_the_insert(world, resident_api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    resident_api.get(URL)  # the token lookup, cached from then on
    with CaptureQueriesContext(connection) as ctx:
        response = resident_api.post(
            URL, {"service": "meal-delivery", "region": "V1"}, format="json"
        )

    assert response.status_code == 201
    assert response.json()["township"] == "T1"
    sql = [q["sql"] for q in ctx.captured_queries]
    last_insert = max(
        i for i, q in enumerate(sql) if q.startswith('INSERT INTO "orders_orderevent"')
    )
    assert [q for q in sql[last_insert + 1 :] if q.startswith("SELECT")] == []
