"""``minsheng import_open311``: another GeoReport v2 server's services and requests, from
saved documents or over HTTP, written all at once or not at all, and only once."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from minsheng.catalog.models import Service, ServiceAttribute
from minsheng.open311 import importer
from minsheng.open311.models import ServiceRequest
from minsheng.orders.models import Action, Channel, Order, OrderEvent, Status

pytestmark = pytest.mark.django_db

# The specification's GET Service List example (XML), with the county's village in the
# second service's group so that it lands in a category of ours by name.
SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services>
  <service>
    <service_code>001</service_code>
    <service_name>Cans left out 24x7</service_name>
    <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
    <metadata>true</metadata>
    <type>realtime</type>
    <keywords>lorem, ipsum, dolor</keywords>
    <group>sanitation</group>
  </service>
  <service>
    <service_code>002</service_code>
    <metadata>false</metadata>
    <type>realtime</type>
    <keywords>lorem, ipsum, dolor</keywords>
    <group>street</group>
    <service_name>Construction plate shifted</service_name>
    <description>Metal construction plate covering the street or sidewalk has been moved.</description>
  </service>
</services>
"""

# The specification's GET Service Definition example (XML), trimmed to two attributes.
DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition>
  <service_code>001</service_code>
  <attributes>
    <attribute>
      <variable>true</variable>
      <code>WHISHETN</code>
      <datatype>singlevaluelist</datatype>
      <required>true</required>
      <datatype_description></datatype_description>
      <order>1</order>
      <description>What is the ticket/tag/DL number?</description>
      <values>
        <value><key>123</key><name>Ford</name></value>
        <value><key>124</key><name>Chrysler</name></value>
      </values>
    </attribute>
    <attribute>
      <variable>false</variable>
      <code>NOTICE</code>
      <datatype>text</datatype>
      <required>false</required>
      <order>2</order>
      <description>Cans are collected on Mondays.</description>
    </attribute>
  </attributes>
</service_definition>
"""

# The specification's GET Service Requests example (XML), with a point in village V1 and a
# second, open request whose address names village V2.
REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
  <request>
    <service_request_id>638344</service_request_id>
    <status>closed</status>
    <status_notes>Duplicate request.</status_notes>
    <service_name>Sidewalk and Curb Issues</service_name>
    <service_code>002</service_code>
    <description></description>
    <agency_responsible></agency_responsible>
    <service_notice></service_notice>
    <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
    <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
    <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
    <address>8TH AVE and JUDAH ST</address>
    <address_id>545483</address_id>
    <zipcode>94122</zipcode>
    <lat>30.011</lat>
    <long>110.011</long>
    <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg</media_url>
  </request>
  <request>
    <service_request_id>638349</service_request_id>
    <status>open</status>
    <service_name>Cans left out 24x7</service_name>
    <service_code>001</service_code>
    <description>Bins on the square since Monday</description>
    <agency_responsible>Sanitation</agency_responsible>
    <requested_datetime>2010-04-19T06:37:38-08:00</requested_datetime>
    <updated_datetime>2010-04-19T06:37:38-08:00</updated_datetime>
    <address>乙村 square</address>
  </request>
</service_requests>
"""


@pytest.fixture
def dump(tmp_path: Path) -> dict[str, Path]:
    files = {"services": SERVICES_XML, "definition": DEFINITION_XML, "requests": REQUESTS_XML}
    out = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_open311", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _files(dump: dict[str, Path]) -> list[str]:
    return [
        "--file",
        str(dump["services"]),
        "--file",
        str(dump["definition"]),
        "--file",
        str(dump["requests"]),
    ]


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Service.objects.count(),
        ServiceAttribute.objects.count(),
        Order.objects.count(),
        OrderEvent.objects.count(),
        ServiceRequest.objects.count(),
    )


def test_dry_run_reports_the_plan_and_writes_nothing(world: Any, dump: dict[str, Path]) -> None:
    before = _counts()
    out, _ = _run(*_files(dump), "--source", "sf", "--category", "elderly-care")
    assert out.splitlines() == [
        "From sf: 2 services would be created, 0 already here; "
        "2 requests would be imported, 0 already imported.",
        "Dry run: nothing was written. Run again with --commit to import.",
    ]
    assert _counts() == before


def test_commit_brings_services_definitions_and_requests(world: Any, dump: dict[str, Path]) -> None:
    out, _ = _run(
        *_files(dump), "--source", "sf", "--category", "elderly-care", "--prefix", "sf-", "--commit"
    )
    assert out.strip() == (
        "From sf: 2 services were created, 0 already here; "
        "2 requests were imported, 0 already imported."
    )
    cans = Service.objects.get(code="sf-001")
    assert (cans.name_zh, cans.category.code, cans.published) == (
        "Cans left out 24x7",
        "elderly-care",
        False,
    )
    assert cans.keywords == "lorem, ipsum, dolor"
    assert list(cans.regions.values_list("code", flat=True)) == ["C"]
    # The display-only attribute (variable=false) has no answer to keep.
    assert list(
        cans.attributes.values_list("code", "datatype", "required", "label_zh", "choices")
    ) == [
        (
            "WHISHETN",
            "singlevaluelist",
            True,
            "What is the ticket/tag/DL number?",
            [{"key": "123", "name_zh": "Ford"}, {"key": "124", "name_zh": "Chrysler"}],
        )
    ]

    closed = ServiceRequest.objects.get(source="sf", source_id="638344").order
    assert closed.status == Status.CLOSED
    assert closed.channel == Channel.IMPORT
    assert closed.service.code == "sf-002"
    assert closed.region.code == "V1"  # placed by its point
    assert closed.created_at == datetime(2010, 4, 14, 14, 37, 38, tzinfo=UTC)
    assert closed.closed_at == datetime(2010, 4, 14, 14, 37, 38, tzinfo=UTC)
    assert closed.resolve_deadline == datetime(2010, 4, 15, 14, 37, 38, tzinfo=UTC)
    assert (closed.latitude, closed.longitude) == (30.011, 110.011)
    assert closed.step_deadline is None
    link = closed.open311
    assert (link.address_id, link.zipcode, link.media_url) == (
        "545483",
        "94122",
        "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
    )
    assert len(link.token) == 32
    assert list(closed.events.values_list("action", "old_status", "new_status", "note")) == [
        (Action.IMPORT, "", Status.CLOSED, "sf #638344"),
        (Action.COMMENT, Status.CLOSED, Status.CLOSED, "Duplicate request."),
    ]

    opened = ServiceRequest.objects.get(source="sf", source_id="638349").order
    assert opened.status == Status.SUBMITTED
    assert opened.region.code == "V2"  # placed by the village named in its address
    assert opened.description == "Bins on the square since Monday"
    assert opened.closed_at is None
    assert opened.step_deadline is not None
    assert list(opened.events.values_list("action", "note")) == [
        (Action.IMPORT, "sf #638349 (Sanitation)")
    ]


def test_importing_again_changes_nothing(world: Any, dump: dict[str, Path]) -> None:
    _run(*_files(dump), "--source", "sf", "--category", "elderly-care", "--commit")
    before = _counts()
    out, _ = _run(*_files(dump), "--source", "sf", "--category", "elderly-care", "--commit")
    assert out.strip() == (
        "From sf: 0 services were created, 2 already here; "
        "0 requests were imported, 2 already imported."
    )
    assert _counts() == before


def test_json_documents_read_like_xml(world: Any, tmp_path: Path) -> None:
    # The specification's JSON example, with its bare 006/94122 written as strings.
    requests = [
        {
            "service_request_id": "638344",
            "status": "closed",
            "status_notes": "Duplicate request.",
            "service_name": "Sidewalk and Curb Issues",
            "service_code": "meal-delivery",
            "description": None,
            "agency_responsible": None,
            "service_notice": None,
            "requested_datetime": "2010-04-14T06:37:38-08:00",
            "updated_datetime": "2010-04-14T06:37:38-08:00",
            "expected_datetime": "2010-04-15T06:37:38-08:00",
            "address": "8TH AVE and JUDAH ST",
            "address_id": "V2",
            "zipcode": "94122",
            "lat": None,
            "long": None,
            "media_url": None,
        }
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests), encoding="utf-8")
    _run("--file", str(path), "--commit")
    order = ServiceRequest.objects.get(source="requests.json", source_id="638344").order
    # An existing service of ours with the same code; the address_id is a region code.
    assert order.service == world.service
    assert order.region == world.village_b
    assert order.status == Status.CLOSED


def test_unplaceable_request_writes_nothing_even_for_good_rows(
    world: Any, dump: dict[str, Path], tmp_path: Path
) -> None:
    far = REQUESTS_XML.replace("<lat>30.011</lat>", "<lat>37.762221815</lat>").replace(
        "<long>110.011</long>", "<long>-122.4651145</long>"
    )
    path = tmp_path / "far.xml"
    path.write_text(far, encoding="utf-8")
    before = _counts()
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_open311",
            "--file",
            str(dump["services"]),
            "--file",
            str(path),
            "--category",
            "elderly-care",
            "--commit",
            stderr=err,
        )
    assert str(exc.value) == "1 error(s) importing from services.xml; nothing was written."
    assert err.getvalue().strip() == (
        "request 638344: its location (lat/long, address_id, address) is in no place of "
        "this county; give --region CODE for such requests"
    )
    assert _counts() == before
    # With a place for such requests, the same import goes through.
    _run("--file", str(dump["services"]), "--file", str(path), "--category", "elderly-care",
         "--region", "T1", "--commit")  # fmt: skip
    assert ServiceRequest.objects.get(source_id="638344").order.region.code == "T1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<services><service>", "broken XML"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><services/>', "refused XML"),
        ("[1, 2]", "every element of the JSON array must be an object"),
        ('{"a": 1}', "expected a JSON array of services or requests"),
        ("[{", "broken JSON"),
        (
            '[{"code": 403, "description": "Invalid api_key"}]',
            "the server answered with errors: 403 Invalid api_key",
        ),
        ("<html><body>Not found</body></html>", "unexpected root element <html>"),
    ],
)
def test_broken_documents_are_refused_with_the_reason(
    world: Any, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    before = _counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_open311", "--file", str(path), "--commit", stderr=err)
    assert err.getvalue().startswith(f"{path}: {message}")
    assert _counts() == before


def test_bad_rows_are_each_named(world: Any, tmp_path: Path) -> None:
    rows = [
        {"service_request_id": "1", "status": "pending", "requested_datetime": "2010-01-01T00:00:00Z"},
        {"service_request_id": "2", "status": "open", "requested_datetime": "2010-01-01 00:00"},
        {"service_request_id": "3", "status": "open", "requested_datetime": "2010-01-01T00:00:00"},
        {"service_request_id": "4", "status": "open"},
        {"service_request_id": "5", "status": "open", "requested_datetime": "2010-01-01T00:00:00Z",
         "lat": "north", "long": "1"},
    ]  # fmt: skip
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_open311", "--file", str(path), "--commit", stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}: request 1 (1): status 'pending' is neither open nor closed",
        f"{path}: request 2 (2): requested_datetime '2010-01-01 00:00' has no time zone",
        f"{path}: request 3 (3): requested_datetime '2010-01-01T00:00:00' has no time zone",
        f"{path}: request 4 (4): no requested_datetime",
        f"{path}: request 5 (5): lat 'north' is not a number",
    ]
    assert Order.objects.count() == 0


def test_options_are_checked(world: Any, dump: dict[str, Path]) -> None:
    with pytest.raises(CommandError, match="--region 'C': no such township or village"):
        _run("--file", str(dump["requests"]), "--region", "C")
    with pytest.raises(CommandError, match="--category 'nope': no such category"):
        _run("--file", str(dump["requests"]), "--category", "nope")
    for bad in ("yesterday", "2026-01-01T00:00:00"):  # a datetime needs its time zone
        with pytest.raises(CommandError, match=f"'{bad}' is not a date or a W3C datetime"):
            _run("--url", "http://127.0.0.1:9/", "--since", bad)
    assert Order.objects.count() == 0


# --- over HTTP ---------------------------------------------------------------------------------


class _Server(BaseHTTPRequestHandler):
    """A GeoReport v2 server that filters its requests by date and caps each answer."""

    requests_served: list[dict[str, Any]] = []
    cap = 10
    seen_paths: list[str] = []

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.seen_paths.append(url.path)
        if url.path == "/v2/services.json":
            body: Any = [
                {"service_code": "pothole", "service_name": "Pothole", "metadata": False,
                 "type": "realtime", "group": "elderly-care", "keywords": "", "description": ""}
            ]  # fmt: skip
        elif url.path == "/v2/requests.json":
            start = datetime.fromisoformat(query["start_date"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(query["end_date"].replace("Z", "+00:00"))
            if end - start > timedelta(days=90):
                body = [{"code": 400, "description": "range over 90 days"}]
                self._answer(400, body)
                return
            body = [
                r
                for r in self.requests_served
                if start <= datetime.fromisoformat(r["requested_datetime"]) <= end
            ][: self.cap]
        else:
            self._answer(404, [{"code": 404, "description": "no such thing"}])
            return
        self._answer(200, body)

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def remote() -> Iterator[str]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # 25 requests on one day (more than the cap of 10 per answer) and 5 spread over months.
    moments = [start + timedelta(minutes=7 * i) for i in range(25)]
    moments += [start + timedelta(days=40 * i) for i in range(1, 6)]
    _Server.requests_served = [
        {
            "service_request_id": f"R{i}",
            "status": "open" if i % 2 else "closed",
            "service_code": "pothole",
            "requested_datetime": moment.isoformat(),
            "updated_datetime": moment.isoformat(),
            "lat": 30.01,
            "long": 110.01,
        }
        for i, moment in enumerate(moments)
    ]
    _Server.seen_paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v2"
    finally:
        server.shutdown()
        server.server_close()


def test_url_import_walks_windows_past_the_servers_cap(
    world: Any, remote: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "SERVER_CAP", 10)
    out, _ = _run(
        "--url",
        remote,
        "--since",
        "2025-12-31",  # a date: local midnight
        "--until",
        "2026-08-01T00:00:00Z",
        "--commit",
    )
    assert out.strip() == (
        f"From {remote}: 1 services were created, 0 already here; "
        "30 requests were imported, 0 already imported."
    )
    ids = set(ServiceRequest.objects.values_list("source_id", flat=True))
    assert ids == {f"R{i}" for i in range(30)}
    assert Order.objects.filter(status=Status.CLOSED).count() == 15
    assert Service.objects.get(code="pothole").category.code == "elderly-care"
    # The server answers a window over 90 days with a 400, which would have failed the
    # import: every window asked for was within the specification's limit. The cap forced
    # the busy day to be split: more requests.json calls than the 3 windows of the range.
    assert _Server.seen_paths[0] == "/v2/services.json"
    assert _Server.seen_paths.count("/v2/requests.json") > 3


def test_url_import_reports_an_unreachable_server(world: Any) -> None:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_open311", "--url", "http://127.0.0.1:9/v2", "--commit", stderr=err)
    assert err.getvalue().startswith("http://127.0.0.1:9/v2/services.json: cannot reach the server")
    assert Order.objects.count() == 0


def test_a_token_from_the_source_still_resolves_here(
    world: Any, tmp_path: Path, client: Any
) -> None:
    rows = [
        {
            "service_request_id": "77",
            "token": "old-token-77",
            "status": "open",
            "service_code": "meal-delivery",
            "requested_datetime": "2026-11-01T08:00:00+08:00",
            "address_id": "V1",
        }
    ]
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    _run("--file", str(path), "--commit")
    order = ServiceRequest.objects.get(source_id="77").order
    response = client.get("/open311/v2/tokens/old-token-77.json")
    assert response.status_code == 200
    assert response.json() == [{"service_request_id": str(order.pk), "token": "old-token-77"}]


def test_planning_costs_the_same_queries_however_many_services_are_named(
    world: Any, tmp_path: Path
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ServiceFactory

    for i in range(8):
        ServiceFactory(code=f"svc-{i}", regions=[world.county])

    def planned(n: int) -> int:
        rows = [
            {
                "service_request_id": f"N{n}-{i}",
                "status": "open",
                "service_code": f"svc-{i}",
                "requested_datetime": "2026-11-01T08:00:00+08:00",
                "address_id": "V1",
            }
            for i in range(n)
        ]
        path = tmp_path / f"{n}.json"
        path.write_text(json.dumps(rows), encoding="utf-8")
        with CaptureQueriesContext(connection) as ctx:
            result = importer.open311_import(source=importer.read_files([str(path)], name="q"))
        assert (result.errors, result.requests_created) == ([], n)
        return len(ctx.captured_queries)

    planned(1)  # the place, read once into the reference cache
    assert planned(2) == planned(8)


def test_new_services_without_a_county_are_refused_and_nothing_is_written(
    tmp_path, standard_catalog
):
    """No regions yet: the plan says so before anything is written."""
    import json

    from minsheng.catalog.models import Category, Service
    from minsheng.open311.importer import open311_import, read_files

    services = tmp_path / "services.json"
    services.write_text(
        json.dumps(
            [
                {
                    "service_code": "pothole",
                    "service_name": "Pothole",
                    "metadata": False,
                    "type": "realtime",
                    "group": "Roads",
                }
            ]
        )
    )
    before = Service.objects.count()
    result = open311_import(
        source=read_files([str(services)], name="elsewhere"),
        default_region=None,
        category=Category.objects.get(code="elderly-care"),
        prefix="",
        publish=False,
        max_km=10.0,
        dry_run=False,
    )
    assert result.errors == [
        "services: there is no county to offer new services in; import the regions first "
        "(minsheng import_regions)"
    ]
    assert Service.objects.count() == before
