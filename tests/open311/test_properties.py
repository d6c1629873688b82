"""Property test: random query strings, raw (possibly non-UTF-8) percent-encoded bytes,
random path segments and random form bodies against every call. The server never fails
(no 5xx), answers only with the statuses the spec and our limits use, and every body
parses as the right JSON or XML shape for its status."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.open311.conftest import BASE

STATUSES = {200, 201, 400, 403, 404, 409, 429}
# Each call's success shape: (XML root, XML item or None, JSON type).
SHAPES = {
    "discovery": ("discovery", None, dict),
    "services": ("services", "service", list),
    "service": ("service_definition", None, dict),
    "requests": ("service_requests", "request", list),
    "request": ("service_requests", "request", list),
    "token": ("service_requests", "request", list),
    "updates": ("service_request_updates", "request_update", list),
}
NAMES = [
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "attribute[mobility]",
    "attribute[people]",
    "attribute[extras][]",
    "attribute[",
    "attribute[a][b]",
    "status",
    "start_date",
    "end_date",
    "updated_after",
    "updated_before",
    "service_request_id",
    "page",
    "page_size",
    "extensions",
    "email",
    "media_url",
    "first_name",
    "phone",
]
VALUES = [
    "",
    "KEY",
    "V1",
    "T2",
    "C",
    "meal-delivery",
    "need.elderly",
    "aided",
    "carry",
    "30.01",
    "110.01",
    "-91",
    "1e999",
    "nan",
    "true",
    "false",
    "open",
    "closed,open",
    "2026-11-01T00:00:00Z",
    "2026-11-01",
    "0001-01-01T00:00:00+14:00",
    "1",
    "0",
    "-1",
    "99999999999999999999999",
    "1,2,abc",
    "甲村",
    "a\x00b",
    "x" * 4001,
    "minsheng.local",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
name = st.sampled_from(NAMES) | text
value = st.sampled_from(VALUES) | text
form = st.dictionaries(name, st.lists(value, min_size=1, max_size=3), max_size=8)
segment = st.sampled_from(["1", "meal-delivery", "need.elderly", "x"]) | text.filter(bool)
fmt = st.sampled_from(["json", "xml"])


def check(response: Any, kind: str, fmt_: str) -> None:
    assert response.status_code in STATUSES, (response.status_code, response.content[:300])
    error = response.status_code >= 400
    if fmt_ == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = json.loads(response.content.decode("utf-8"))
        if error:
            assert isinstance(body, list) and body
            for item in body:
                assert list(item) == ["code", "description"]
                assert isinstance(item["code"], int) and isinstance(item["description"], str)
            assert response.status_code in {item["code"] for item in body} | {400}
        else:
            assert isinstance(body, SHAPES[kind][2])
            if isinstance(body, list):
                assert all(isinstance(row, dict) for row in body)
                for row in body:
                    for key in ("service_request_id", "service_code", "update_id"):
                        assert key not in row or isinstance(row[key], str)
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        root = fromstring(response.content)
        if error:
            assert root.tag == "errors" and len(root) >= 1
            for item in root:
                assert item.tag == "error"
                assert [c.tag for c in item] == ["code", "description"]
                int(item[0].text)
        else:
            tag, item, _json = SHAPES[kind]
            assert root.tag == tag
            if item is not None:
                assert all(child.tag == item for child in root)


def _fill(data: dict[str, list[str]], raw_key: str) -> dict[str, list[str]]:
    return {k: [raw_key if v == "KEY" else v for v in vs] for k, vs in data.items()}


@pytest.fixture
def ready(world, questions, key):
    return key[1]


HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(
    kind=st.sampled_from(["discovery", "services", "requests", "updates"]),
    fmt_=fmt,
    data=form,
)
def test_random_queries_on_list_calls(client, ready, kind, fmt_, data):
    path = {
        "discovery": "discovery",
        "services": "services",
        "requests": "requests",
        "updates": "servicerequestupdates",
    }[kind]
    response = client.get(f"{BASE}/{path}.{fmt_}", _fill(data, ready))
    check(response, kind, fmt_)


@HYPOTHESIS
@given(kind=st.sampled_from(["service", "request", "token"]), fmt_=fmt, seg=segment, data=form)
def test_random_path_segments_and_queries(client, ready, kind, fmt_, seg, data):
    prefix = {"service": "services", "request": "requests", "token": "tokens"}[kind]
    response = client.get(f"{BASE}/{prefix}/{quote(seg, safe='')}.{fmt_}", _fill(data, ready))
    check(response, kind, fmt_)


@HYPOTHESIS
@given(
    kind=st.sampled_from(["requests", "updates", "services", "discovery"]),
    fmt_=fmt,
    raw=st.binary(max_size=60),
)
def test_raw_percent_encoded_bytes(client, ready, kind, fmt_, raw):
    path = {
        "discovery": "discovery",
        "services": "services",
        "requests": "requests",
        "updates": "servicerequestupdates",
    }[kind]
    response = client.get(f"{BASE}/{path}.{fmt_}", QUERY_STRING=quote_from_bytes(raw, safe="=&"))
    check(response, kind, fmt_)


@HYPOTHESIS
@given(kind=st.sampled_from(["requests", "updates"]), fmt_=fmt, data=form, urlencoded=st.booleans())
def test_random_form_posts(client, ready, kind, fmt_, data, urlencoded):
    from urllib.parse import urlencode

    path = {"requests": "requests", "updates": "servicerequestupdates"}[kind]
    data = _fill(data, ready)
    if urlencoded:
        response = client.post(
            f"{BASE}/{path}.{fmt_}",
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(f"{BASE}/{path}.{fmt_}", data)
    check(response, kind, fmt_)
    if response.status_code == 201:
        created = json.loads(response.content) if fmt_ == "json" else None
        if created is not None:
            assert isinstance(created, list) and len(created) == 1


@HYPOTHESIS
@given(
    kind=st.sampled_from(["requests", "updates"]),
    fmt_=fmt,
    content_type=text,
    body=st.binary(max_size=200),
)
def test_random_bodies_and_content_types(client, ready, kind, fmt_, content_type, body):
    path = {"requests": "requests", "updates": "servicerequestupdates"}[kind]
    response = client.post(
        f"{BASE}/{path}.{fmt_}?api_key={ready}",
        body,
        content_type=content_type or "application/octet-stream",
    )
    check(response, kind, fmt_)
