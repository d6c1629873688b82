"""A GeoReport v2 client we did not write — the ``georeport`` package from PyPI — reads
our services, definitions and requests from a live server, in JSON and in XML (which it
parses with xmltodict). The requests are created with plain ``requests.post``."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from georeport import GeoReport

from minsheng.catalog.models import Category, ServiceArea, UrgencyClass
from minsheng.catalog.standard import seed_standard
from minsheng.open311.services import api_key_create
from tests.open311.conftest import need_zh

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def standard_catalog(transactional_db: Any) -> None:
    """The migration-seeded catalog, seeded again after an earlier transactional flush."""
    seed_standard(ServiceArea, Category, UrgencyClass)


@pytest.fixture
def posted(live_server, world, questions) -> list[str]:
    """Two requests created over HTTP the way any client would."""
    _key, raw = api_key_create(name="georeport test")
    ids = []
    for form in (
        {
            "service_code": "meal-delivery",
            "lat": "30.01",
            "long": "110.01",
            "attribute[mobility]": "aided",
            "attribute[people]": "2",
            "attribute[extras][]": ["carry", "company"],
            "description": "Dinner for two",
        },
        {"service_code": "need.elderly", "address_id": "V2", "description": "Fix the stove"},
    ):
        response = requests.post(
            f"{live_server.url}/open311/v2/requests.json", data={"api_key": raw, **form}, timeout=30
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()[0]["service_request_id"])
    return ids


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_the_service_list(live_server, posted, fmt):
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert codes[0] == "meal-delivery"
    assert "need.elderly" in codes and len(codes) == 1 + 9
    first = services[0]
    assert first["service_name"] == "助餐送餐"
    assert first["type"] == "realtime"
    # JSON keeps the boolean; xmltodict reads the element's text.
    assert first["metadata"] == (True if fmt == "json" else "true")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_a_service_definition(live_server, posted, fmt):
    client = GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction="minsheng.local", output_format=fmt
    )
    definition = client.get_service_definition("meal-delivery")
    assert definition["service_code"] == "meal-delivery"
    attributes = (
        definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    )
    assert [a["code"] for a in attributes] == [
        "mobility",
        "people",
        "when",
        "landmark",
        "details",
        "extras",
    ]
    mobility = attributes[0]
    values = mobility["values"] if fmt == "json" else mobility["values"]["value"]
    assert [(v["key"], v["name"]) for v in values] == [
        ("unaided", "能自己走动"),
        ("aided", "需要搀扶"),
    ]
    assert mobility["order"] == (1 if fmt == "json" else "1")
    assert mobility["required"] == (True if fmt == "json" else "true")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_the_requests_it_did_not_create(live_server, posted, fmt):
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    listed = client.get_service_requests()
    assert [r["service_request_id"] for r in listed] == list(reversed(posted))
    need, meal = listed
    assert (meal["service_code"], meal["status"], meal["description"]) == (
        "meal-delivery",
        "open",
        "Dinner for two",
    )
    assert (need["service_code"], need["address_id"]) == ("need.elderly", "V2")
    assert str(meal["lat"]) == "30.01"

    only = client.get_service_requests(service_request_id=posted[0])
    if fmt == "xml":  # xmltodict reads a lone <request> as a dict, not a list
        only = [only]
    assert [r["service_request_id"] for r in only] == [posted[0]]

    one = client.get_service_request(posted[1])
    assert (one["service_request_id"], one["service_name"]) == (posted[1], need_zh("老有所养"))


def test_georeport_raises_on_our_404(live_server, posted):
    client = GeoReport(f"{live_server.url}/open311/v2")
    with pytest.raises(requests.HTTPError) as raised:
        client.get_service_definition("no-such-service")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json() == [
        {"code": 404, "description": "service_code: no such service 'no-such-service'"}
    ]
