"""The residents' menu: the place's most ordered services first as tiles with icons (the
resident's township; anonymous: the county), every area folded below, and a search that
knows the words residents use (``catalog.Synonym``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from minsheng.catalog.models import Category, Synonym
from minsheng.catalog.selectors import published_menu, search_terms
from minsheng.orders.selectors import most_ordered_service_ids
from tests.factories import ServiceFactory
from tests.helpers import submit
from tests.web.conftest import english_client, logged_in

TILE = re.compile(r'<li class="tile"><a href="/services/([a-z0-9-]+)/">')


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.MINSHENG_MENU_TOP_CACHE_SECONDS = 0


@pytest.fixture
def ordered(world):
    """Three more services; in the last 90 days township T1 (village V1) ordered bath ×3,
    aid ×2, clean ×1, and T2 (V2) clean ×4, aid ×1; an older order does not count."""
    county = [world.county]
    health = Category.objects.get(code="public-health")
    ServiceFactory(code="aid", name_en="Hearing aid", category=health, regions=county)
    ServiceFactory(code="bath", name_en="Bathing help", regions=county)
    ServiceFactory(code="clean", name_en="Home cleaning", regions=county)
    recent = timezone.now() - timedelta(days=3)
    plan = {"V1": {"bath": 3, "aid": 2, "clean": 1}, "V2": {"clean": 4, "aid": 1}}
    for village, counts in plan.items():
        for code, n in counts.items():
            for _i in range(n):
                submit(world, region_code=village, service_code=code, now=recent)
    # 91 days ago: outside the window, however many.
    for _i in range(5):
        submit(world, service_code=world.service.code, now=timezone.now() - timedelta(days=91))
    return world


def tiles(client: Client, query: str = "") -> list[str]:
    return TILE.findall(client.get("/" + query).content.decode())


def test_most_ordered_counts_the_last_ninety_days_of_a_township_or_the_county(ordered):
    codes = {s.pk: s.code for s in published_menu()}
    assert [codes[pk] for pk in most_ordered_service_ids(ordered.town_a.pk)] == [
        "bath",
        "aid",
        "clean",
    ]
    assert [codes[pk] for pk in most_ordered_service_ids(ordered.town_b.pk)] == ["clean", "aid"]
    # Ties (aid 3, bath 3) go by code, so the page never shuffles.
    assert [codes[pk] for pk in most_ordered_service_ids(None)] == ["clean", "aid", "bath"]


def test_a_resident_sees_their_townships_most_ordered_first(ordered):
    assert tiles(logged_in(ordered.resident)) == ["bath", "aid", "clean"]
    assert tiles(logged_in(ordered.resident2)) == ["clean", "aid"]


def test_anonymous_visitors_see_the_countys_most_ordered(ordered):
    assert tiles(Client()) == ["clean", "aid", "bath"]


def test_choosing_another_place_shows_that_places_favourites(ordered):
    assert tiles(logged_in(ordered.resident), "?region=V2") == ["clean", "aid"]


def test_tiles_carry_the_areas_icon_and_text_and_the_areas_are_folded(ordered):
    body = english_client().get("/").content.decode()
    assert (
        '<li class="tile"><a href="/services/aid/"><img src="/static/minsheng/icons/'
        'area-health.svg" alt="" width="48" height="48"><span class="tile-name">Hearing aid'
        '</span><span class="tile-area">Medical care for the sick</span></a></li>'
    ) in body
    assert 'src="/static/minsheng/icons/area-health.svg" alt=""' in body
    assert 'src="/static/minsheng/icons/area-elderly.svg" alt=""' in body
    # Every area is a closed <details> under the tiles, its name beside its icon.
    assert body.count('<details class="area">') == 2
    assert '<details class="area" open>' not in body


def test_a_search_opens_the_areas_and_shows_no_tiles(ordered):
    body = Client().get("/?q=Bathing").content.decode()
    assert TILE.findall(body) == []
    assert body.count('<details class="area" open>') == 1


def test_a_service_tiles_only_where_it_is_offered(ordered):
    # Offered in T2 only: counted in T1 orders of old, but not a tile for a T1 resident.
    bath = published_menu().get(code="bath")
    bath.regions.set([ordered.town_b])
    assert tiles(logged_in(ordered.resident)) == ["aid", "clean"]


# --- search -----------------------------------------------------------------------------------


def test_search_terms_add_what_each_synonym_in_the_text_means(db):
    Synonym.objects.create(word="没电", means="停电 用电故障")
    Synonym.objects.create(word="看病", means="医生，卫生院")
    assert search_terms("家里没电了") == ["家里没电了", "停电", "用电故障"]
    assert search_terms("看病") == ["看病", "医生", "卫生院"]
    assert search_terms("  ") == []


def test_search_finds_services_by_description_and_by_synonym(world):
    clinic = ServiceFactory(
        code="clinic",
        name_zh="家庭医生签约",
        description_zh="与村卫生室的家庭医生团队签约。",
        regions=[world.county],
    )
    found = [s.code for s in published_menu(query="卫生室")]
    assert found == ["clinic"]
    assert list(published_menu(query="看病")) == []
    Synonym.objects.create(word="看病", means="医生")
    assert [s.code for s in published_menu(query="我要看病")] == [clinic.code]
    body = Client().get("/?q=看病").content.decode()
    assert 'href="/services/clinic/order/"' in body


def test_without_tiles_the_areas_stand_open(world):
    # Nothing ordered yet: no tiles to lead with, so the menu is shown unfolded.
    body = english_client().get("/").content.decode()
    assert TILE.findall(body) == []
    assert body.count('<details class="area" open>') == 1


def test_the_count_is_cached_until_its_time_runs_out(ordered, settings, django_assert_num_queries):
    settings.MINSHENG_MENU_TOP_CACHE_SECONDS = 900
    key = f"orders:most-ordered:{ordered.town_a.pk}:90"
    cache.delete(key)
    try:
        first = most_ordered_service_ids(ordered.town_a.pk)
        submit(ordered, service_code="clean", now=timezone.now())
        with django_assert_num_queries(0):
            assert most_ordered_service_ids(ordered.town_a.pk) == first
    finally:
        cache.delete(key)
