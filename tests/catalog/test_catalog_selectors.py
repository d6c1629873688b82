"""The catalog's reads, called directly: where a service is offered and a provider serves
(through the region's ancestors), text search on both databases, the published menu, a
service with its questions, and the per-process menu entry used on every order."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db.models import QuerySet

from minsheng.catalog.models import Category, Provider, Service, ServiceArea
from minsheng.catalog.selectors import (
    covering,
    matching,
    menu_entry,
    providers_serving,
    published_menu,
    service_with_attributes,
)
from tests.conftest import World
from tests.factories import AttributeFactory, ProviderFactory, ServiceFactory


def codes(qs: QuerySet[Service]) -> list[str]:
    return list(qs.values_list("code", flat=True))


def provider_names(qs: QuerySet[Provider]) -> list[str]:
    """Sorted in Python: the database's collation of Chinese names is not what is tested."""
    return sorted(qs.values_list("name_zh", flat=True))


@pytest.fixture
def menu(world: World) -> dict[str, Service]:
    """Beside the world's 助餐送餐 (``meal-delivery``, county-wide, elderly care): a service
    of town A, one of village B in another area, and an unpublished county-wide draft."""
    elderly = Category.objects.get(code="elderly-care")
    child_health = Category.objects.get(code="child-health")
    return {
        "bathing": ServiceFactory(
            code="bathing",
            name_zh="助浴上门",
            name_en="Bathing at home",
            keywords="洗澡 shower",
            category=elderly,
            regions=[world.town_a],
        ),
        "checkup": ServiceFactory(
            code="checkup",
            name_zh="儿童体检",
            name_en="Child check-up",
            category=child_health,
            regions=[world.village_b],
        ),
        "draft": ServiceFactory(
            code="draft",
            name_zh="助餐草稿",
            name_en="Draft meals",
            category=elderly,
            published=False,
            regions=[world.county],
        ),
    }


# --- covering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("village_a", ["bathing", "draft", "meal-delivery"]),
        ("town_a", ["bathing", "draft", "meal-delivery"]),
        ("village_b", ["checkup", "draft", "meal-delivery"]),
        ("town_b", ["draft", "meal-delivery"]),
        ("county", ["draft", "meal-delivery"]),
    ],
)
def test_services_cover_a_region_through_its_township_and_county(
    world: World, menu: dict[str, Service], place: str, expected: list[str]
) -> None:
    region = getattr(world, place)

    assert sorted(codes(covering(Service.objects.all(), region))) == expected


def test_a_service_offered_at_a_sibling_township_does_not_cover_a_village(
    world: World,
) -> None:
    ServiceFactory(code="town-b-only", regions=[world.town_b])

    assert codes(covering(Service.objects.filter(code="town-b-only"), world.village_a)) == []
    assert codes(covering(Service.objects.filter(code="town-b-only"), world.village_b)) == [
        "town-b-only"
    ]


def test_a_service_offered_at_several_ancestors_is_listed_once(world: World) -> None:
    ServiceFactory(code="everywhere", regions=[world.county, world.town_a, world.village_a])

    qs = covering(Service.objects.filter(code="everywhere"), world.village_a)

    assert codes(qs) == ["everywhere"]
    assert qs.count() == 1


def test_a_provider_serving_several_ancestors_is_listed_once(world: World) -> None:
    ProviderFactory(name_zh="多层服务队", regions=[world.county, world.town_a, world.village_a])

    qs = covering(Provider.objects.filter(name_zh="多层服务队"), world.village_a)

    assert provider_names(qs) == ["多层服务队"]
    assert qs.count() == 1


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("village_a", ["县养老服务中心", "甲镇志愿队"]),
        ("town_a", ["县养老服务中心", "甲镇志愿队"]),
        ("village_b", ["县养老服务中心"]),
        ("county", ["县养老服务中心"]),
    ],
)
def test_providers_cover_a_region_through_its_township_and_county(
    world: World, place: str, expected: list[str]
) -> None:
    assert provider_names(covering(Provider.objects.all(), getattr(world, place))) == expected


# --- matching ---------------------------------------------------------------------------------


@pytest.fixture
def searchable(standard_catalog: None) -> None:
    ServiceFactory(code="meal", name_zh="助餐送餐", name_en="Meal delivery", keywords="吃饭 lunch")
    ServiceFactory(
        code="bath",
        name_zh="助浴上门",
        name_en="Bathing at home",
        keywords="洗澡",
        description_zh="可顺带送餐",
        description_en="Towels on request",
    )
    ServiceFactory(code="legal", name_zh="法律援助", name_en="Legal aid", keywords="律师 50% off")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Chinese: a substring of the Chinese name, wherever it falls.
        ("助餐送餐", ["meal"]),
        ("餐送", ["meal"]),
        ("助", ["bath", "legal", "meal"]),  # 助餐, 助浴, 援助
        # The English name and the keywords, in either language.
        ("Legal aid", ["legal"]),
        ("at home", ["bath"]),
        ("洗澡", ["bath"]),
        ("lunch", ["meal"]),
        # The descriptions too, in either language (the residents' menu, issue 8).
        ("送餐", ["bath", "meal"]),
        ("on request", ["bath"]),
    ],
)
def test_matching_finds_the_text_in_either_name_the_keywords_or_the_description(
    searchable: None, text: str, expected: list[str]
) -> None:
    assert sorted(codes(matching(Service.objects.all(), text))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("meal", ["meal"]),
        ("MEAL", ["meal"]),
        ("mEAL dELIVERY", ["meal"]),
        ("LEGAL AID", ["legal"]),
        ("LUNCH", ["meal"]),
    ],
)
def test_matching_ignores_the_case_of_ascii_letters_on_every_database(
    searchable: None, text: str, expected: list[str]
) -> None:
    """SQLite's LIKE folds ASCII letters only and PostgreSQL folds them through UPPER():
    ASCII is where both agree (non-ASCII letters such as É/é fold on PostgreSQL, depending
    on the database's ctype, and not on SQLite, so no test relies on either)."""
    assert codes(matching(Service.objects.all(), text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "助 餐",  # a space the name does not have
        "助餐送餐服务",  # longer than the name
        "律師",  # traditional characters do not find the simplified 律师
        "ＭＥＡＬ",  # full-width Latin letters (a Chinese input method) are other characters
        "_",  # LIKE's wildcards are escaped: "_" is not "any character"
    ],
)
def test_matching_takes_chinese_and_wildcards_literally(searchable: None, text: str) -> None:
    assert codes(matching(Service.objects.all(), text)) == []


def test_matching_a_percent_sign_finds_only_the_text_that_has_one(searchable: None) -> None:
    assert codes(matching(Service.objects.all(), "%")) == ["legal"]


# --- published_menu ---------------------------------------------------------------------------


def test_published_menu_lists_published_services_by_area_then_code(
    world: World, menu: dict[str, Service]
) -> None:
    # child-health is in the first area of the standard, elderly care in the fifth.
    assert codes(published_menu()) == ["checkup", "bathing", "meal-delivery"]


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("village_a", ["bathing", "meal-delivery"]),
        ("village_b", ["checkup", "meal-delivery"]),
        ("town_b", ["meal-delivery"]),
        ("county", ["meal-delivery"]),
    ],
)
def test_published_menu_at_a_region(
    world: World, menu: dict[str, Service], place: str, expected: list[str]
) -> None:
    assert codes(published_menu(region=getattr(world, place))) == expected


@pytest.mark.parametrize(
    ("area", "expected"),
    [("childcare", ["checkup"]), ("elderly", ["bathing", "meal-delivery"]), ("housing", [])],
)
def test_published_menu_in_an_area(
    world: World, menu: dict[str, Service], area: str, expected: list[str]
) -> None:
    assert codes(published_menu(area=ServiceArea.objects.get(code=area))) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("助", ["bathing", "meal-delivery"]), ("SHOWER", ["bathing"]), ("草稿", [])],
)
def test_published_menu_by_text_leaves_out_unpublished_matches(
    world: World, menu: dict[str, Service], query: str, expected: list[str]
) -> None:
    assert codes(published_menu(query=query)) == expected


@pytest.mark.parametrize(
    ("place", "area", "query", "expected"),
    [
        ("village_b", "childcare", "体检", ["checkup"]),
        ("village_a", "childcare", "体检", []),  # not offered in village A
        ("village_b", "elderly", "助浴", []),  # offered in town A only
        ("village_a", "elderly", "助", ["bathing", "meal-delivery"]),
        ("village_a", "elderly", "home", ["bathing"]),
        ("village_b", "childcare", "助", []),  # no child-health service matches
    ],
)
def test_published_menu_combines_region_area_and_text(
    world: World,
    menu: dict[str, Service],
    place: str,
    area: str,
    query: str,
    expected: list[str],
) -> None:
    qs = published_menu(
        region=getattr(world, place), area=ServiceArea.objects.get(code=area), query=query
    )

    assert codes(qs) == expected


def test_published_menu_is_one_query_with_area_and_urgency_joined(
    world: World, menu: dict[str, Service], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        rows = [
            (s.code, s.category.area.code, s.urgency.code)
            for s in published_menu(region=world.village_a)
        ]

    assert rows == [("bathing", "elderly", "general"), ("meal-delivery", "elderly", "general")]


# --- service_with_attributes ------------------------------------------------------------------


def test_service_with_attributes_orders_its_questions_by_position_then_creation(
    world: World, django_assert_num_queries: Any
) -> None:
    other = ServiceFactory(code="other")
    AttributeFactory(service=world.service, code="when", position=2)
    AttributeFactory(service=world.service, code="portion", position=1)
    AttributeFactory(service=other, code="elsewhere", position=1)
    AttributeFactory(service=world.service, code="diet", position=1)

    with django_assert_num_queries(2):  # the service with its joins, and its questions
        service = service_with_attributes("meal-delivery")
        assert service is not None
        asked = [a.code for a in service.attributes.all()]
        joined = (service.category.area.code, service.urgency.code)

    assert service.pk == world.service.pk
    assert asked == ["portion", "diet", "when"]
    assert joined == ("elderly", "general")


def test_service_with_attributes_returns_an_unpublished_service_too(world: World) -> None:
    ServiceFactory(code="draft", published=False)

    service = service_with_attributes("draft")

    assert service is not None
    assert (service.code, service.published) == ("draft", False)


def test_service_with_attributes_of_an_unknown_code_is_none(world: World) -> None:
    assert service_with_attributes("no-such-service") is None


# --- providers_serving ------------------------------------------------------------------------


@pytest.fixture
def more_providers(world: World) -> None:
    elderly = Category.objects.get(code="elderly-care")
    ProviderFactory(
        name_zh="停用养老队", regions=[world.county], categories=[elderly], active=False
    )
    ProviderFactory(
        name_zh="乙乡法律服务",
        regions=[world.town_b],
        categories=[Category.objects.get(code="legal-aid")],
    )
    ProviderFactory(
        name_zh="甲村儿保队",
        regions=[world.village_a],
        categories=[Category.objects.get(code="child-health"), elderly],
    )


@pytest.mark.parametrize(
    ("place", "category", "expected"),
    [
        ("village_a", "elderly-care", ["县养老服务中心", "甲村儿保队", "甲镇志愿队"]),
        ("village_a", "child-health", ["甲村儿保队"]),
        ("village_a", "legal-aid", []),
        ("village_b", "elderly-care", ["县养老服务中心"]),
        ("village_b", "legal-aid", ["乙乡法律服务"]),
        ("town_a", "elderly-care", ["县养老服务中心", "甲镇志愿队"]),
        ("village_a", None, ["县养老服务中心", "甲村儿保队", "甲镇志愿队"]),
        ("village_b", None, ["乙乡法律服务", "县养老服务中心"]),
    ],
)
def test_providers_serving_are_active_cover_the_region_and_serve_the_category(
    world: World, more_providers: None, place: str, category: str | None, expected: list[str]
) -> None:
    chosen = Category.objects.get(code=category) if category is not None else None

    qs = providers_serving(region=getattr(world, place), category=chosen)

    assert provider_names(qs) == expected


def test_an_inactive_provider_serves_nowhere(world: World, more_providers: None) -> None:
    inactive = Provider.objects.get(name_zh="停用养老队")

    assert (
        providers_serving(region=world.village_a, category=None).filter(pk=inactive.pk).count() == 0
    )
    assert covering(Provider.objects.all(), world.village_a).filter(pk=inactive.pk).count() == 1


# --- menu_entry and its cache -----------------------------------------------------------------


def test_menu_entry_holds_the_service_its_questions_in_order_and_where_it_is_offered(
    world: World,
) -> None:
    service = ServiceFactory(code="bathing", regions=[world.town_a, world.village_b])
    AttributeFactory(service=service, code="when", position=2)
    AttributeFactory(service=service, code="floor", position=1)
    AttributeFactory(service=service, code="helper", position=1)

    entry = menu_entry("bathing")

    assert entry is not None
    assert entry.service.pk == service.pk
    assert [a.code for a in entry.attributes] == ["floor", "helper", "when"]
    assert entry.offered_region_ids == frozenset({world.town_a.pk, world.village_b.pk})


def test_menu_entry_is_given_for_an_unpublished_service(world: World) -> None:
    ServiceFactory(code="draft", published=False, regions=[world.county])

    entry = menu_entry("draft")

    assert entry is not None
    assert (entry.service.code, entry.service.published) == ("draft", False)


def test_menu_entry_of_an_unknown_code_is_none(world: World) -> None:
    assert menu_entry("no-such-service") is None


@pytest.mark.parametrize(
    ("place", "offered"),
    [
        ("village_a", True),
        ("town_a", True),
        ("village_b", False),
        ("town_b", False),
        ("county", False),
    ],
)
def test_a_service_of_a_township_is_offered_at_it_and_its_villages_only(
    world: World, place: str, offered: bool
) -> None:
    ServiceFactory(code="town-a-only", regions=[world.town_a])

    entry = menu_entry("town-a-only")

    assert entry is not None
    assert entry.offered_at(getattr(world, place)) is offered


@pytest.mark.parametrize("place", ["county", "town_a", "town_b", "village_a", "village_b"])
def test_a_county_wide_service_is_offered_everywhere(world: World, place: str) -> None:
    entry = menu_entry("meal-delivery")

    assert entry is not None
    assert entry.offered_at(getattr(world, place)) is True


def test_a_second_menu_entry_costs_no_query(world: World, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):  # the service, its questions, where it is offered
        first = menu_entry("meal-delivery")
    with django_assert_num_queries(0):
        second = menu_entry("meal-delivery")

    assert second is first


def test_saving_the_service_in_this_process_clears_the_menu_entry(
    world: World, django_assert_num_queries: Any
) -> None:
    before = menu_entry("meal-delivery")
    service = Service.objects.get(code="meal-delivery")
    service.name_zh = "老年助餐"
    service.published = False
    service.save(update_fields=["name_zh", "published"])

    with django_assert_num_queries(3):
        after = menu_entry("meal-delivery")

    assert before is not None
    assert after is not None
    assert (before.service.name_zh, before.service.published) == ("助餐送餐", True)
    assert (after.service.name_zh, after.service.published) == ("老年助餐", False)


def test_a_zero_time_to_live_reads_the_database_every_time(
    world: World, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.MINSHENG_REFERENCE_CACHE_SECONDS = 0

    with django_assert_num_queries(3):
        menu_entry("meal-delivery")
    with django_assert_num_queries(3):
        menu_entry("meal-delivery")


def test_a_write_that_sends_no_signal_is_seen_once_the_time_to_live_has_passed(
    world: World, settings: Any
) -> None:
    """``QuerySet.update`` bypasses the receivers that clear the cache (no production code
    updates the catalog that way); the time to live bounds how long it goes unseen."""
    settings.MINSHENG_REFERENCE_CACHE_SECONDS = 1
    menu_entry("meal-delivery")
    Service.objects.filter(code="meal-delivery").update(name_zh="老年助餐")

    stale = menu_entry("meal-delivery")
    time.sleep(1.05)
    fresh = menu_entry("meal-delivery")

    assert stale is not None
    assert fresh is not None
    assert (stale.service.name_zh, fresh.service.name_zh) == ("助餐送餐", "老年助餐")
