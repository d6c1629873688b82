"""POST Service Request: api_key, service_code, a location (lat+long, address_string or
address_id), attribute[code] / attribute[code][], the optional person fields; the response
is service_requests/request{service_request_id, service_notice, account_id}."""

from __future__ import annotations

import re

import pytest

from minsheng.catalog.models import ServiceArea
from minsheng.open311.models import ServiceRequest
from minsheng.orders.models import Action, Channel, Order, OrderEvent, Status
from tests.factories import ServiceFactory
from tests.open311.conftest import (
    BASE,
    children,
    counts,
    errors_json,
    errors_xml,
    json_of,
    notice_zh,
    text,
    xml_root,
)


@pytest.fixture
def form(world, questions, raw_key):
    return {
        "api_key": raw_key,
        "service_code": "meal-delivery",
        "lat": "30.011",
        "long": "110.012",
        "attribute[mobility]": "aided",
        "attribute[people]": "2",
        "attribute[extras][]": ["carry", "tidy"],
        "description": "Lunch for my mother, please.",
        "first_name": "Wei",
        "last_name": "Li",
        "email": "li.wei@example.org",
        "phone": "13800000000",
        "device_id": "device-7",
        "account_id": "acct-9",
        "media_url": "https://example.org/p.jpg",
    }


def _refused(client, form, status, descriptions, fmt="json"):
    before = counts()
    response = client.post(f"{BASE}/requests.{fmt}", form, HTTP_ACCEPT_LANGUAGE="en")
    if fmt == "json":
        body = errors_json(response, status)
        assert body == [{"code": c, "description": d} for c, d in descriptions]
    else:
        assert errors_xml(response, status) == descriptions
    assert counts() == before


def test_post_with_lat_long_creates_the_order_and_its_open311_row(client, world, form, key):
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 201
    order = Order.objects.get()
    assert json_of(response) == [
        {"service_request_id": str(order.pk), "service_notice": notice_zh(), "account_id": "acct-9"}
    ]
    assert order.channel == Channel.OPEN311
    assert order.status == Status.SUBMITTED
    assert order.service == world.service
    assert order.region == world.village_a
    assert order.township == world.town_a
    assert (order.latitude, order.longitude) == (30.011, 110.012)
    assert order.answers == {"mobility": "aided", "people": 2, "extras": ["carry", "tidy"]}
    assert order.description == "Lunch for my mother, please."
    assert order.resident is None and order.created_by is None
    assert (order.contact_name, order.contact_phone) == ("Wei Li", "13800000000")
    extra = ServiceRequest.objects.get()
    assert extra.order == order
    assert extra.api_key == key[0]
    assert re.fullmatch(r"[0-9a-f]{32}", extra.token)
    assert (extra.email, extra.first_name, extra.last_name, extra.phone) == (
        "li.wei@example.org",
        "Wei",
        "Li",
        "13800000000",
    )
    assert (extra.device_id, extra.account_id, extra.media_url) == (
        "device-7",
        "acct-9",
        "https://example.org/p.jpg",
    )
    assert (extra.source, extra.source_id, extra.address_id) == ("", "", "")
    assert list(OrderEvent.objects.values_list("action", flat=True)) == [Action.SUBMIT]


def test_post_xml_response_element_by_element(client, world, form):
    response = client.post(f"{BASE}/requests.xml", form)
    assert response.status_code == 201
    root = xml_root(response)
    assert root.tag == "service_requests"
    assert children(root) == ["request"]
    request = root[0]
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    assert text(request, "service_request_id") == str(Order.objects.get().pk)
    assert text(request, "service_notice") == notice_zh()
    assert text(request, "account_id") == "acct-9"


def test_post_with_address_id_orders_at_that_region(client, world, form):
    del form["lat"], form["long"]
    form["address_id"] = "V2"
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 201
    order = Order.objects.get()
    assert order.region == world.village_b
    assert (order.latitude, order.longitude) == (None, None)
    assert ServiceRequest.objects.get().address_id == "V2"


def test_post_with_address_string_places_it_by_the_name_it_holds(client, world, form):
    del form["lat"], form["long"]
    form["address_string"] = "乙村 3 组 12 号"
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 201
    order = Order.objects.get()
    assert order.region == world.village_b
    assert order.address == "乙村 3 组 12 号"


def test_a_point_outside_the_county_falls_back_to_the_address_string(client, world, form):
    form.update({"lat": "39.9", "long": "116.4", "address_string": "甲镇 东街 3 号"})
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 201
    order = Order.objects.get()
    assert order.region == world.town_a
    assert (order.latitude, order.longitude, order.address) == (39.9, 116.4, "甲镇 东街 3 号")


def test_location_errors_come_with_the_other_arguments_errors(client, world, form):
    form.update({"email": "nope", "address_id": "NOPE"})
    _refused(
        client,
        form,
        400,
        [
            (400, "email: not an email address: 'nope'"),
            (400, "address_id: no township or village of the county has the code 'NOPE'"),
        ],
    )


def test_address_id_wins_over_lat_long_which_is_kept_as_the_point(client, world, form):
    form["address_id"] = "T2"
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 201
    order = Order.objects.get()
    assert order.region == world.town_b
    assert (order.latitude, order.longitude) == (30.011, 110.012)


def test_post_a_free_need_through_its_pseudo_service(client, world, raw_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw_key,
            "service_code": "need.elderly",
            "address_id": "V1",
            "description": "Someone to fix my stove",
        },
    )
    assert response.status_code == 201
    order = Order.objects.get()
    assert order.service is None
    assert order.area == ServiceArea.objects.get(code="elderly")
    assert order.description == "Someone to fix my stove"


def test_extensions_true_adds_the_token(client, world, form):
    form["extensions"] = "true"
    response = client.post(f"{BASE}/requests.json", form)
    assert response.status_code == 201
    extra = ServiceRequest.objects.get()
    assert json_of(response) == [
        {
            "service_request_id": str(extra.order_id),
            "service_notice": notice_zh(),
            "account_id": "acct-9",
            "token": extra.token,
        }
    ]


def test_multipart_form_is_accepted_too(client, world, form):
    response = client.post(f"{BASE}/requests.json", form)  # the test client sends multipart
    assert response.status_code == 201
    from urllib.parse import urlencode

    response = client.post(
        f"{BASE}/requests.json",
        urlencode(form, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_our_jurisdiction_is_accepted_and_another_is_404(client, world, form):
    form["jurisdiction_id"] = "minsheng.local"
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    form["jurisdiction_id"] = "sfgov.org"
    _refused(
        client,
        form,
        404,
        [(404, "jurisdiction_id: this server answers for minsheng.local, not 'sfgov.org'")],
    )


def test_description_of_4000_characters_is_accepted(client, world, form):
    form["description"] = "长" * 4000
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    assert len(Order.objects.get().description) == 4000


# --- refusals: nothing written ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_api_key_is_403(client, world, form, fmt):
    del form["api_key"]
    _refused(
        client, form, 403, [(403, "api_key: required -- can't proceed with create_request.")], fmt
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_invalid_api_key_is_the_spec_403(client, world, form, fmt):
    form["api_key"] = "not-a-key"
    _refused(
        client,
        form,
        403,
        [(403, "Invalid api_key received -- can't proceed with create_request.")],
        fmt,
    )


def test_revoked_api_key_is_403(client, world, form, key):
    from minsheng.open311.services import api_key_revoke

    api_key_revoke(key_id=key[0].pk)
    _refused(
        client,
        form,
        403,
        [(403, "api_key: this key was revoked -- can't proceed with create_request.")],
    )


def test_missing_service_code_is_400(client, world, form):
    del form["service_code"]
    _refused(client, form, 400, [(400, "service_code: required")])


@pytest.mark.parametrize("code", ["nope", "need.nope"])
def test_unknown_service_code_is_404(client, world, form, code):
    form["service_code"] = code
    _refused(client, form, 404, [(404, f"service_code: no such service '{code}'")])


def test_unpublished_service_is_404(client, world, form):
    ServiceFactory(code="hidden", published=False, regions=[world.county])
    form["service_code"] = "hidden"
    _refused(client, form, 404, [(404, "service_code: no such service 'hidden'")])


def test_no_location_is_400(client, world, form):
    del form["lat"], form["long"]
    _refused(
        client,
        form,
        400,
        [(400, "lat: a location is required: lat and long, address_string or address_id")],
    )


def test_lat_without_long_is_400(client, world, form):
    del form["long"]
    _refused(client, form, 400, [(400, "long: send lat and long together")])


@pytest.mark.parametrize(
    ("lat", "long", "errors"),
    [
        ("north", "110", [(400, "lat: a number from -90 to 90, not 'north'")]),
        ("91", "110", [(400, "lat: a number from -90 to 90, not '91'")]),
        (
            "nan",
            "inf",
            [
                (400, "lat: a number from -90 to 90, not 'nan'"),
                (400, "long: a number from -180 to 180, not 'inf'"),
            ],
        ),
        ("30", "1e999", [(400, "long: a number from -180 to 180, not '1e999'")]),
    ],
)
def test_bad_coordinates_are_400(client, world, form, lat, long, errors):
    form["lat"], form["long"] = lat, long
    _refused(client, form, 400, errors)


def test_point_outside_the_county_is_400(client, world, form):
    form["lat"], form["long"] = "39.9", "116.4"
    _refused(
        client,
        form,
        400,
        [(400, "lat: lat/long is not within 10 km of any township or village of the county")],
    )


@pytest.mark.parametrize("code", ["NOPE", "C"])
def test_address_id_that_is_not_a_township_or_village_is_400(client, world, form, code):
    form["address_id"] = code
    _refused(
        client,
        form,
        400,
        [(400, f"address_id: no township or village of the county has the code '{code}'")],
    )


def test_address_string_naming_no_place_is_400(client, world, form):
    del form["lat"], form["long"]
    form["address_string"] = "8TH AVE and JUDAH ST"
    _refused(
        client, form, 400, [(400, "address_string: names no township or village of the county")]
    )


def test_description_over_4000_characters_is_400(client, world, form):
    form["description"] = "x" * 4001
    _refused(client, form, 400, [(400, "description: at most 4000 characters (got 4001)")])


def test_missing_required_attribute_is_400(client, world, form):
    del form["attribute[mobility]"]
    _refused(client, form, 400, [(400, "attribute[mobility]: This answer is required.")])


def test_domain_messages_follow_the_request_language(client, world, form):
    del form["attribute[mobility]"]
    before = counts()
    response = client.post(f"{BASE}/requests.json", form)
    assert errors_json(response, 400) == [
        {"code": 400, "description": "attribute[mobility]: 此项必须回答。"}
    ]
    assert counts() == before


def test_unknown_choice_and_unknown_attribute_are_400(client, world, form):
    form["attribute[mobility]"] = "flying"
    form["attribute[colour]"] = "red"
    _refused(
        client,
        form,
        400,
        [
            (400, "attribute[colour]: This service asks no such question."),
            (400, "attribute[mobility]: Not one of the choices: flying."),
        ],
    )


def test_two_values_for_a_single_choice_is_400(client, world, form):
    form["attribute[mobility][]"] = ["unaided", "aided"]
    del form["attribute[mobility]"]
    _refused(client, form, 400, [(400, "attribute[mobility]: Choose exactly one.")])


@pytest.mark.parametrize(
    "bad_key", ["attribute[]", "attribute[a", "attribute[a][b]", "attribute", "attributes[a]"]
)
def test_malformed_attribute_keys_are_400(client, world, form, bad_key):
    form[bad_key] = "x"
    _refused(
        client,
        form,
        400,
        [
            (
                400,
                f"'{bad_key}': not an attribute argument; use attribute[code] or, for several "
                f"values, attribute[code][]",
            )
        ],
    )


def test_attribute_given_both_ways_is_400(client, world, form):
    form["attribute[extras]"] = "carry"
    _refused(
        client,
        form,
        400,
        [(400, "attribute[extras]: given both as attribute[extras] and [extras][]")],
    )


def test_free_need_takes_no_attributes_and_needs_a_description(client, world, raw_key):
    form = {"api_key": raw_key, "service_code": "need.elderly", "address_id": "V1"}
    _refused(client, form, 400, [(400, "description: Describe what you need.")])
    form.update({"description": "help", "attribute[x]": "1"})
    _refused(client, form, 400, [(400, "attribute: A free-form need has no questions.")])


def test_service_not_offered_at_the_place_is_400(client, world, form):
    ServiceFactory(code="town-b-only", regions=[world.town_b])
    form["service_code"] = "town-b-only"
    for name in ("attribute[mobility]", "attribute[people]", "attribute[extras][]"):
        del form[name]
    _refused(client, form, 400, [(400, "service_code: This service is not offered at this place.")])


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("email", "not-an-email", "email: not an email address: 'not-an-email'"),
        ("media_url", "ftp://x.org/a.jpg", "media_url: not an http(s) URL: 'ftp://x.org/a.jpg'"),
        ("phone", "1" * 31, "phone: at most 30 characters (got 31)"),
        ("first_name", "x" * 101, "first_name: at most 100 characters (got 101)"),
        ("device_id", "d" * 101, "device_id: at most 100 characters (got 101)"),
        ("address_id", "V" * 21, "address_id: at most 20 characters (got 21)"),
    ],
)
def test_bad_person_fields_are_400(client, world, form, name, value, error):
    form[name] = value
    _refused(client, form, 400, [(400, error)])


def test_several_wrong_arguments_give_several_errors(client, world, form):
    form.update({"lat": "x", "email": "nope", "description": "d" * 4001})
    del form["service_code"]
    _refused(
        client,
        form,
        400,
        [
            (400, "description: at most 4000 characters (got 4001)"),
            (400, "email: not an email address: 'nope'"),
            (400, "service_code: required"),
            (400, "lat: a number from -90 to 90, not 'x'"),
        ],
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"service_code": "meal-delivery"}'),
        ("application/json", '{"service_code": '),
        ("text/xml", "<request><service_code>meal-delivery</service_code>"),
        ("text/plain", "service_code=meal-delivery"),
    ],
)
def test_wrong_content_types_and_broken_bodies_are_400(client, world, raw_key, content_type, body):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json?api_key={raw_key}", body, content_type=content_type
    )
    assert errors_json(response, 400) == [
        {
            "code": 400,
            "description": "Content-Type: send application/x-www-form-urlencoded (or "
            f"multipart/form-data), not '{content_type}'",
        }
    ]
    assert counts() == before


def test_a_charset_other_than_utf8_is_400(client, world, form):
    from urllib.parse import urlencode

    before = counts()
    response = client.post(
        f"{BASE}/requests.json",
        urlencode(form, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "Content-Type: the charset is UTF-8, not 'latin-1'"}
    ]
    assert counts() == before


def test_broken_multipart_body_is_400(client, world, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json?api_key={raw_key}",
        '--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
        content_type="multipart/form-data; boundary=",
    )
    assert errors_json(response, 400) == [
        {
            "code": 400,
            "description": "arguments: could not be read as a form (a broken body, or too many fields)",
        }
    ]
    assert counts() == before


@pytest.mark.parametrize(
    "description",
    ["<b>help</b>", "x <script>alert(1)</script>", "<img src=x onerror=y>", "<!-- c -->"],
)
def test_html_in_the_description_is_400(client, world, form, description):
    form["description"] = description
    _refused(client, form, 400, [(400, "description: plain text only: no HTML or code")])


def test_less_than_signs_and_line_breaks_are_plain_text(client, world, form):
    form["description"] = "2 < 3 portions\nno onions <3"
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    assert Order.objects.get().description == "2 < 3 portions\nno onions <3"


def test_order_and_open311_row_are_one_transaction(world, key, monkeypatch):
    """If the Open311 row cannot be written (here: a token already taken), the order it
    was for is not left behind."""
    from django.db import IntegrityError

    from minsheng.open311 import services
    from tests.open311.conftest import create_request

    taken = create_request(key[0]).token
    monkeypatch.setattr(services.secrets, "token_hex", lambda n: taken)
    before = counts()
    with pytest.raises(IntegrityError):
        create_request(key[0])
    assert counts() == before
