from minsheng.catalog.models import Service, ServiceAttribute
from minsheng.catalog.selectors import menu_entry
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_by_code
from tests.factories import AttributeFactory


def test_menu_entry_is_read_once_then_served_from_the_cache(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        entry = menu_entry("meal-delivery")
    with django_assert_num_queries(0):
        assert menu_entry("meal-delivery") is entry
    assert entry.service.pk == world.service.pk
    assert entry.offered_region_ids == frozenset({world.county.pk})
    assert entry.offered_at(world.village_b) is True


def test_editing_a_service_clears_the_menu_cache(world):
    before = menu_entry("meal-delivery")
    Service.objects.filter(pk=world.service.pk).first().save()  # e.g. an admin edit
    assert menu_entry("meal-delivery") is not before


def test_adding_a_question_or_changing_where_offered_is_seen_at_once(world):
    assert menu_entry("meal-delivery").attributes == ()
    AttributeFactory(service=world.service, code="portion", required=True)
    assert [a.code for a in menu_entry("meal-delivery").attributes] == ["portion"]
    world.service.regions.set([world.town_a])
    entry = menu_entry("meal-delivery")
    assert entry.offered_at(world.village_a) is True
    assert entry.offered_at(world.village_b) is False
    assert ServiceAttribute.objects.count() == 1


def test_unknown_codes_are_cached_as_missing_until_created(world):
    assert menu_entry("no-such") is None
    assert region_by_code("V9") is None
    Region.objects.create(code="V9", name_zh="新村", level="village", parent=world.town_b)
    assert region_by_code("V9").name_zh == "新村"


def test_a_village_from_the_cache_knows_its_ancestors_without_a_query(
    world, django_assert_num_queries
):
    village = region_by_code("V1")
    with django_assert_num_queries(0):
        assert village.ancestor_ids() == [world.village_a.pk, world.town_a.pk, world.county.pk]


def test_ttl_zero_turns_caching_off(world, settings, django_assert_num_queries):
    settings.MINSHENG_REFERENCE_CACHE_SECONDS = 0
    region_by_code("V1")
    with django_assert_num_queries(1):
        region_by_code("V1")
