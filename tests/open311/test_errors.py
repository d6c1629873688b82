"""Errors in the spec's format (errors/error{code, description}; a JSON array) for odd
input on every call: NUL bytes, non-UTF-8 percent-encodings, huge numbers, repeated
arguments, wrong methods, wrong types. Nothing is ever a 500 and nothing is written."""

from __future__ import annotations

import pytest

from tests.open311.conftest import BASE, counts, create_request, errors_json, errors_xml, json_of

GET_PATHS = [
    "discovery",
    "services",
    "services/meal-delivery",
    "requests",
    "requests/1",
    "tokens/abc",
    "servicerequestupdates",
]
READ_ARGS = "arguments: could not be read as a form (a broken body, or too many fields)"


def test_spec_error_example_403_json_and_xml(client, world):
    description = "Invalid api_key received -- can't proceed with create_request."
    form = {"api_key": "bad", "service_code": "meal-delivery", "address_id": "V1"}
    assert client.post(f"{BASE}/requests.json", form).json() == [
        {"code": 403, "description": description}
    ]
    assert errors_xml(client.post(f"{BASE}/requests.xml", form), 403) == [(403, description)]


@pytest.mark.parametrize("path", GET_PATHS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_nul_in_an_argument_is_400_everywhere(client, world, path, fmt):
    response = client.get(f"{BASE}/{path}.{fmt}", QUERY_STRING="jurisdiction_id=a%00b")
    expected = [(400, "'jurisdiction_id': contains a NUL character")]
    if fmt == "json":
        assert errors_json(response, 400) == [{"code": c, "description": d} for c, d in expected]
    else:
        assert errors_xml(response, 400) == expected


def test_nul_in_a_posted_field_writes_nothing(client, world, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw_key,
            "service_code": "meal-delivery",
            "address_id": "V1",
            "description": "a\x00b",
        },
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "'description': contains a NUL character"}
    ]
    assert counts() == before


def test_non_utf8_percent_encoding_in_a_query_is_400(client, world):
    response = client.get(f"{BASE}/requests.json", QUERY_STRING="status=%ff%fe")
    assert errors_json(response, 400) == [{"code": 400, "description": "'status': not UTF-8 text"}]
    response = client.get(
        f"{BASE}/services.xml", QUERY_STRING="x=%c3%28&jurisdiction_id=minsheng.local"
    )
    assert errors_xml(response, 400) == [(400, "'x': not UTF-8 text")]


def test_non_utf8_form_body_writes_nothing(client, world, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json",
        f"api_key={raw_key}&service_code=%ff&address_id=V1",
        content_type="application/x-www-form-urlencoded",
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "'service_code': not UTF-8 text"}
    ]
    assert counts() == before


def test_a_single_argument_repeated_with_different_values_is_400(client, world):
    response = client.get(f"{BASE}/requests.json", QUERY_STRING="extensions=true&extensions=false")
    assert errors_json(response, 400) == [
        {"code": 400, "description": "extensions: given more than once with different values"}
    ]
    repeated_same = client.get(
        f"{BASE}/requests.json", QUERY_STRING="extensions=true&extensions=true"
    )
    assert repeated_same.status_code == 200


def test_list_arguments_may_be_repeated(client, world, key):
    made = create_request(key[0])
    response = client.get(f"{BASE}/requests.json", QUERY_STRING="status=open&status=closed")
    assert [r["service_request_id"] for r in json_of(response)] == [str(made.order_id)]


def test_empty_optional_arguments_count_as_missing(client, world, key):
    create_request(key[0])
    response = client.get(
        f"{BASE}/requests.json",
        {"status": "", "service_code": " ", "start_date": "", "jurisdiction_id": "", "page": ""},
    )
    assert response.status_code == 200
    assert len(json_of(response)) == 1


def test_huge_and_odd_numbers_are_400(client, world, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw_key,
            "service_code": "meal-delivery",
            "lat": "1" + "0" * 400,
            "long": "-0x1p3",
        },
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": f"lat: a number from -90 to 90, not '1{'0' * 39}…'"},
        {"code": 400, "description": "long: a number from -180 to 180, not '-0x1p3'"},
    ]
    assert counts() == before
    response = client.get(f"{BASE}/requests.json", {"service_request_id": "9" * 30})
    assert errors_json(response, 400) == [
        {"code": 400, "description": f"service_request_id: '{'9' * 30}' is not a request id"}
    ]


def test_wrong_attribute_type_is_400(client, world, questions, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw_key,
            "service_code": "meal-delivery",
            "address_id": "V1",
            "attribute[mobility]": "aided",
            "attribute[people]": "two",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "attribute[people]: Enter a number."}
    ]
    assert counts() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_405_with_allow(client, world, method):
    response = getattr(client, method)(f"{BASE}/requests.json")
    assert errors_json(response, 405) == [
        {"code": 405, "description": f"method: {method.upper()} is not allowed here (GET, POST)"}
    ]
    assert response["Allow"] == "GET, POST"


def test_too_many_fields_is_400(client, world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"f{i}=1" for i in range(20))
    response = client.get(f"{BASE}/requests.xml", QUERY_STRING=query)
    assert errors_xml(response, 400) == [(400, READ_ARGS)]


def test_bad_api_key_on_a_read_is_403(client, world):
    response = client.get(f"{BASE}/requests.json", {"api_key": "wrong"})
    assert errors_json(response, 403) == [
        {
            "code": 403,
            "description": "Invalid api_key received -- can't proceed with get_service_requests.",
        }
    ]


def test_a_good_api_key_on_a_read_is_fine(client, world, raw_key):
    assert client.get(f"{BASE}/services.json", {"api_key": raw_key}).status_code == 200


@pytest.mark.parametrize(
    ("path", "arg"),
    [
        ("requests/a%00.json", "service_request_id"),
        ("tokens/%00.xml", "token"),
        ("services/x%00.json", "service_code"),
    ],
)
def test_nul_in_a_path_value_is_404(client, world, path, arg):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    value = "'a?'" if arg == "service_request_id" else "'?'" if arg == "token" else "'x?'"
    if path.endswith(".json"):
        assert errors_json(response, 404) == [
            {"code": 404, "description": f"{arg}: no such one {value}"}
        ]
    else:
        assert errors_xml(response, 404) == [(404, f"{arg}: no such one {value}")]


def test_path_values_with_odd_characters_are_404(client, world):
    for path in (
        "requests/%00.json",
        "requests/%E2%80%AE1.json",
        "tokens/%FF.xml",
        "services/%00.json",
    ):
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 404, path


def test_a_newline_in_the_path_is_still_our_404(client, world):
    response = client.get(f"{BASE}/requests/1%0A/x.xml")
    assert errors_xml(response, 404) == [
        (404, "no such call: see discovery.json for what this server offers")
    ]
    response = client.get(f"{BASE}/tokens/a%0Ab%2Fc.json")
    assert errors_json(response, 404)[0]["code"] == 404


@pytest.mark.parametrize("name", ["start_date", "end_date", "updated_after", "updated_before"])
@pytest.mark.parametrize("offset", ["+23:00", "-16:00", "+16:00"])
def test_an_offset_beyond_any_time_zone_is_400(client, world, name, offset):
    value = f"2026-01-01T00:00:00{offset}"
    for call in ("requests.json", "servicerequestupdates.json"):
        if name.startswith("updated") and call.startswith("servicerequest"):
            continue
        response = client.get(f"{BASE}/{call}", {name: value})
        assert errors_json(response, 400) == [
            {
                "code": 400,
                "description": f"{name}: a W3C date or datetime with a time zone such as "
                f"2010-01-01T00:00:00Z, not '{value}'",
            }
        ]


def test_a_form_body_that_is_not_utf8_is_400_and_writes_nothing(client, world, raw_key):
    before = counts()
    response = client.post(
        f"{BASE}/requests.json",
        f"api_key={raw_key}&service_code=meal-delivery&address_id=V1&description=%ff%fe",
        content_type="application/x-www-form-urlencoded",
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "'description': not UTF-8 text"}
    ]
    assert counts() == before


def test_a_multipart_body_that_is_not_utf8_is_400_and_writes_nothing(client, world, raw_key):
    before = counts()
    boundary = "BoUnDaRy"
    parts = [
        ("api_key", raw_key.encode()),
        ("service_code", b"meal-delivery"),
        ("address_id", b"V1"),
        ("description", "老人".encode("gbk")),
    ]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        f"{BASE}/requests.json", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert errors_json(response, 400) == [
        {"code": 400, "description": "'description': not UTF-8 text"}
    ]
    assert counts() == before
