"""The maps on the web pages: the order form's place picker, the dispatcher's map of open
orders (only orders in their scope), and the Content-Security-Policy with and without a
tile server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.utils import timezone

from minsheng.orders.models import Order, Status
from minsheng.settings import CONTENT_SECURITY_POLICY, tile_image_sources
from tests.helpers import advance, submit
from tests.regions.maps import draw
from tests.web.conftest import logged_in

pytestmark = pytest.mark.django_db

TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


@pytest.fixture(autouse=True)
def _reach():
    with override_settings(MINSHENG_LOCATE_MAX_KM=2.0, MINSHENG_BORDER_TOLERANCE_KM=0.1):
        yield


def map_data(body: str) -> list[dict[str, Any]]:
    found = re.search(r'<script id="orders-data" type="application/json">(.*?)</script>', body)
    assert found is not None
    return json.loads(found[1])


# --- the order form ---------------------------------------------------------------------------


def test_the_order_form_has_a_map_enhancing_the_place_list(world, repair):
    body = logged_in(world.resident).get("/services/home-repair/order/").content.decode()
    assert 'data-map="pick" data-select="f-region" data-latitude="f-latitude"' in body
    assert (
        'data-boundaries-url="/api/v1/regions/boundaries.geojson" '
        'data-locate-url="/api/v1/regions/locate/" data-tile-url="" data-tile-attribution=""'
    ) in body
    assert 'role="region" aria-label="Map of the villages: tap to mark the place"' in body
    # the point is kept in hidden inputs; the place list stays the control to choose with
    assert '<input type="hidden" id="f-latitude" name="latitude" value="">' in body
    assert '<input type="hidden" id="f-longitude" name="longitude" value="">' in body
    assert '<select id="f-region" name="region" required aria-required="true">' in body
    # "use my location" shows only when the script finds the browser can locate
    assert 'id="f-map-here" hidden>Use my location</button>' in body
    assert "/static/minsheng/vendor/leaflet/leaflet.js" in body
    assert "<script>" not in body


def test_the_order_form_shows_a_misplaced_point_at_the_place_list(world, repair):
    draw(world)
    data = {
        "attribute[mobility]": "aided",
        "attribute[people]": "2",
        "attribute[when]": "2026-05-01T09:30",
        "region": "V1",
        "latitude": "30.01",
        "longitude": "110.03",
    }
    response = logged_in(world.resident).post("/services/home-repair/order/", data)
    assert response.status_code == 400
    body = response.content.decode()
    message = (
        f"The point on the map is in Bing, not in {world.village_a.name_en}: "
        "choose Bing, or move the point."
    )
    assert f'<p class="field-error" id="f-region-error">{message}</p>' in body
    assert f'<li><a href="#f-region">{message}</a></li>' in body
    # the point comes back in the hidden inputs, for the map to show it again
    assert '<input type="hidden" id="f-latitude" name="latitude" value="30.01">' in body
    assert Order.objects.count() == 0


# --- the dispatcher's map ---------------------------------------------------------------------


def test_the_map_shows_only_the_open_orders_in_the_dispatchers_scope(world):
    draw(world)
    mine = submit(world, latitude=30.005, longitude=110.015)  # T1, with a point
    at_centre = advance(world, submit(world), Status.DISPATCHED)  # T1, no point
    closed = advance(world, submit(world), Status.DELIVERED)  # no longer open
    theirs = submit(world, region_code="V2")  # T2
    Order.objects.filter(pk=mine.pk).update(step_deadline=timezone.now() - timedelta(hours=1))
    Order.objects.filter(pk=at_centre.pk).update(step_deadline=timezone.now() + timedelta(hours=1))

    response = logged_in(world.dispatcher_a).get("/staff/map/")
    assert response.status_code == 200
    body = response.content.decode()
    markers = map_data(body)
    assert markers == [
        {
            "number": mine.number,
            "title": mine.title,
            "status": "submitted",
            "status_label": "Submitted",
            "overdue": True,
            "overdue_label": "Overdue",
            "url": f"/staff/orders/{mine.pk}/",
            "latitude": 30.005,
            "longitude": 110.015,
        },
        {
            "number": at_centre.number,
            "title": at_centre.title,
            "status": "dispatched",
            "status_label": "Dispatched",
            "overdue": False,
            "overdue_label": "Overdue",
            "url": f"/staff/orders/{at_centre.pk}/",
            "latitude": 30.01,  # V1's centre
            "longitude": 110.01,
        },
    ]
    # the same orders as an accessible list, and none other
    assert body.count('class="order-row') == 2
    assert f"/staff/orders/{theirs.pk}/" not in body
    assert f"/staff/orders/{closed.pk}/" not in body
    assert (
        '<span class="swatch swatch-overdue" aria-hidden="true"></span>Overdue (outlined)' in body
    )

    other = map_data(logged_in(world.dispatcher_b).get("/staff/map/").content.decode())
    assert [m["number"] for m in other] == [theirs.number]
    county = map_data(logged_in(world.county_admin).get("/staff/map/").content.decode())
    assert sorted(m["number"] for m in county) == sorted(
        [mine.number, at_centre.number, theirs.number]
    )


def test_the_dispatch_console_links_to_the_map(world):
    body = logged_in(world.dispatcher_a).get("/staff/dispatch/").content.decode()
    assert '<a href="/staff/map/">See the open orders on a map</a>' in body


def test_an_order_title_cannot_break_out_of_the_map_data(world):
    order = submit(
        world, service_code="", area_code=world.service.category.area.code, description="x"
    )
    Order.objects.filter(pk=order.pk).update(description="</script><script>alert(1)</script>")
    body = logged_in(world.dispatcher_a).get("/staff/map/").content.decode()
    assert "<script>alert(1)" not in body


# --- the Content-Security-Policy and the tile server -----------------------------------------


def img_src(response: Any) -> list[str]:
    header = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())
    return directives["img-src"].split()


def test_without_a_tile_server_images_come_from_this_site_only(world):
    assert settings.MINSHENG_MAP_TILE_URL == ""
    response = logged_in(world.dispatcher_a).get("/staff/map/")
    assert img_src(response) == ["'self'", "data:"]
    assert 'data-tile-url="" data-tile-attribution=""' in response.content.decode()


def test_a_tile_server_is_allowed_for_images_and_given_to_the_map(world):
    policy = {
        "DIRECTIVES": {
            **CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": ["'self'", "data:", *tile_image_sources(TILES)],
        }
    }
    with override_settings(
        MINSHENG_MAP_TILE_URL=TILES,
        MINSHENG_MAP_TILE_ATTRIBUTION="© Example & friends",
        CONTENT_SECURITY_POLICY=policy,
    ):
        response = logged_in(world.dispatcher_a).get("/staff/map/")
    assert img_src(response) == ["'self'", "data:", "https://*.tiles.example.org"]
    assert (
        'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png" '
        'data-tile-attribution="© Example &amp; friends"'
    ) in response.content.decode()


@pytest.mark.parametrize(
    ("url", "sources"),
    [
        ("", []),
        ("https://tiles.example.org/{z}/{x}/{y}.png", ["https://tiles.example.org"]),
        ("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png", ["http://10.0.0.5:8080"]),
        (TILES, ["https://*.tiles.example.org"]),
    ],
)
def test_the_tile_host_is_read_from_the_url_template(url, sources):
    assert tile_image_sources(url) == sources


@pytest.mark.parametrize(
    "url", ["tiles.example.org/{z}/{x}/{y}.png", "ftp://x/{z}", "https:///{z}", "https://{z}.x/"]
)
def test_a_tile_url_that_names_no_fixed_http_host_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured):
        tile_image_sources(url)


def test_the_environment_variable_reaches_the_policy():
    """The settings module read afresh with MINSHENG_MAP_TILE_URL set, as a server starts."""
    code = (
        "import json; from minsheng import settings as s; "
        "print(json.dumps([s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
        "s.MINSHENG_MAP_TILE_ATTRIBUTION]))"
    )
    env = {
        "SECRET_KEY": "x" * 50,
        "MINSHENG_MAP_TILE_URL": TILES,
        "MINSHENG_MAP_TILE_ATTRIBUTION": "© Example",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [
        ["'self'", "data:", "https://*.tiles.example.org"],
        "© Example",
    ]


def test_anyone_without_the_console_is_refused_the_map(world):
    assert logged_in(world.resident).get("/staff/map/").status_code == 403
    assert Client().get("/staff/map/").status_code == 302
