"""Input no interface may answer with a server error: a NUL in a path, time-zone offsets no
database can store, a page size that is not one. Each is a 400 or 404 in the API's error
shape, naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import token_client

V = "/api/v1/"


@pytest.mark.parametrize(
    "path",
    [
        "regions/%00/",
        "regions/a%00b/",
        "services/%00/",
        "services/meal%00/",
    ],
)
def test_a_nul_in_a_path_is_404_in_the_api_shape(world: Any, path: str) -> None:
    response = token_client(world.dispatcher_a).get(V + path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert [e["code"] for e in response.json()["errors"]] == ["not_found"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("created_after", "2026-01-01T00:00:00+23:00"),
        ("created_before", "2026-01-01T00:00:00-16:00"),
        ("created_after", "2026-01-01T00:00:00+99:59"),
    ],
)
def test_an_offset_beyond_any_time_zone_is_400(world: Any, param: str, value: str) -> None:
    response = token_client(world.dispatcher_a).get(
        V + "orders/", {param: value}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("invalid", param)]
    # An offset of 24 hours or more is no offset at all; below, it is one no zone has.
    assert errors[0]["message"] == (
        "A time-zone offset is at most 15:59 hours from UTC."
        if abs(int(value[-5:-3])) < 24
        else "Give a date (2026-05-01) or an ISO 8601 date-time (2026-05-01T08:00:00+08:00)."
    )


def test_the_widest_real_offsets_are_read(world: Any) -> None:
    client = token_client(world.dispatcher_a)
    for value in ("2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00-12:00"):
        assert client.get(V + "orders/", {"created_after": value}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "", " "])
def test_a_page_size_that_is_not_one_is_400(world: Any, value: str) -> None:
    response = APIClient().get(V + "regions/", {"page_size": value}, HTTP_ACCEPT_LANGUAGE="en")
    if not value.strip():
        assert response.status_code == 200  # empty: the default page size
        return
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("invalid", "page_size")]
    assert errors[0]["message"] == "A whole number from 1 to 200."
