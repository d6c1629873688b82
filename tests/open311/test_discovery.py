"""Service Discovery (required in XML and JSON): discovery/changeset, contact, key_service,
endpoints/endpoint{specification, url, changeset, type, formats/format}."""

from __future__ import annotations

from tests.open311.conftest import (
    BASE,
    children,
    errors_json,
    errors_xml,
    in_chinese,
    json_of,
    text,
    xml_root,
)

CHANGESET = "2026-11-27T00:00:00+00:00"
CONTACT = "12345 county hotline / open311@minsheng.local"


def test_discovery_json_is_the_spec_document(client, db):
    response = client.get(f"{BASE}/discovery.json")
    assert response.status_code == 200
    assert json_of(response) == {
        "changeset": CHANGESET,
        "contact": CONTACT,
        "key_service": in_chinese("Ask the county's Open311 administrator for an API key."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": "http://testserver/open311/v2/",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def test_discovery_xml_element_by_element(client, db):
    response = client.get(f"{BASE}/discovery.xml")
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    assert text(root, "changeset") == CHANGESET
    assert text(root, "contact") == CONTACT
    endpoints = root.find("endpoints")
    assert endpoints is not None and children(endpoints) == ["endpoint"]
    endpoint = endpoints[0]
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert text(endpoint, "specification") == "http://wiki.open311.org/GeoReport_v2"
    assert text(endpoint, "url") == "http://testserver/open311/v2/"
    assert text(endpoint, "type") == "production"
    formats = endpoint.find("formats")
    assert formats is not None
    assert [(f.tag, f.text) for f in formats] == [
        ("format", "text/xml"),
        ("format", "application/json"),
    ]


def test_discovery_with_our_jurisdiction_answers(client, db):
    response = client.get(f"{BASE}/discovery.json", {"jurisdiction_id": "minsheng.local"})
    assert response.status_code == 200


def test_discovery_with_another_jurisdiction_is_404_in_both_formats(client, db):
    expected = "jurisdiction_id: this server answers for minsheng.local, not 'sfgov.org'"
    response = client.get(f"{BASE}/discovery.json", {"jurisdiction_id": "sfgov.org"})
    assert errors_json(response, 404) == [{"code": 404, "description": expected}]
    response = client.get(f"{BASE}/discovery.xml", {"jurisdiction_id": "sfgov.org"})
    assert errors_xml(response, 404) == [(404, expected)]


def test_unknown_format_suffix_is_a_json_404(client, db):
    response = client.get(f"{BASE}/discovery.html")
    assert errors_json(response, 404) == [
        {"code": 404, "description": "format: 'html' is not json or xml"}
    ]


def test_unknown_call_is_a_404_in_xml_when_the_path_ends_so(client, db):
    for path in ("nothing.xml", "services/a/b.xml", "requests/1/x.xml"):
        response = client.get(f"{BASE}/{path}")
        assert errors_xml(response, 404) == [
            (404, "no such call: see discovery.json for what this server offers")
        ]


def test_unknown_call_is_a_json_404(client, db):
    for path in ("", "nothing.json", "requests", "services/a/b.json", "x.XML"):
        response = client.get(f"{BASE}/{path}")
        assert errors_json(response, 404) == [
            {
                "code": 404,
                "description": "no such call: see discovery.json for what this server offers",
            }
        ]


def test_post_to_discovery_is_405_in_the_spec_format(client, db):
    response = client.post(f"{BASE}/discovery.xml", {})
    assert errors_xml(response, 405) == [(405, "method: POST is not allowed here (GET)")]
    assert response["Allow"] == "GET"
