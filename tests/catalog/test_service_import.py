"""``service_import``: a service brought from another system is created once, offered
county-wide at the general urgency; importing it again changes nothing, and an existing
service keeps what the county set up, gaining only the questions it lacks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from minsheng.catalog.models import Category, Service, ServiceAttribute, UrgencyClass
from minsheng.catalog.selectors import menu_entry, published_menu, service_with_attributes
from minsheng.catalog.services import AttributeSpec, service_import
from minsheng.core.errors import DomainError
from minsheng.orders.attributes import clean_answer
from minsheng.regions.models import Region
from tests.factories import AttributeFactory, RegionFactory, ServiceFactory

SPECS = (
    AttributeSpec(
        code="portion",
        datatype="singlevaluelist",
        required=True,
        label="份量",
        choices=(("small", "小份"), ("large", "大份")),
    ),
    AttributeSpec(
        code="diet",
        datatype="multivaluelist",
        required=False,
        label="忌口",
        choices=(("no-salt", "少盐"), ("no-sugar", "无糖")),
    ),
    AttributeSpec(code="note", datatype="string", required=False, label="备注"),
)


@dataclass
class Tree:
    county: Region
    town: Region
    village: Region


@pytest.fixture
def tree(standard_catalog: None) -> Tree:
    county = RegionFactory(code="C", name_zh="示范县", level=Region.Level.COUNTY, parent=None)
    town = RegionFactory(code="T1", name_zh="甲镇", level=Region.Level.TOWNSHIP, parent=county)
    village = RegionFactory(code="V1", name_zh="甲村", parent=town)
    return Tree(county, town, village)


@pytest.fixture
def elderly(standard_catalog: None) -> Category:
    return Category.objects.get(code="elderly-care")


def imported(category: Category, **overrides: Any) -> tuple[Service, bool]:
    kwargs: dict[str, Any] = {
        "code": "meal",
        "name": "助餐送餐",
        "category": category,
        "description": "为老年人送餐上门",
        "keywords": "吃饭 午餐",
        "attributes": SPECS,
    }
    kwargs.update(overrides)
    return service_import(**kwargs)


def questions(code: str) -> list[tuple[Any, ...]]:
    """A service's questions as (code, label_zh, label_en, datatype, required, position,
    choices), in the order they are asked."""
    return list(
        ServiceAttribute.objects.filter(service__code=code)
        .order_by("position", "pk")
        .values_list("code", "label_zh", "label_en", "datatype", "required", "position", "choices")
    )


def offered_in(code: str) -> list[str]:
    return sorted(Region.objects.filter(services__code=code).values_list("code", flat=True))


def catalog_state(code: str) -> dict[str, Any]:
    """Everything an import could write."""
    return {
        "services": Service.objects.count(),
        "attributes": ServiceAttribute.objects.count(),
        "links": Service.regions.through.objects.count(),
        "row": Service.objects.filter(code=code).values().get(),
        "questions": list(
            ServiceAttribute.objects.filter(service__code=code).order_by("pk").values()
        ),
        "offered_in": offered_in(code),
    }


# --- a new service ----------------------------------------------------------------------------


def test_import_creates_an_unpublished_door_service_at_the_general_urgency_county_wide(
    tree: Tree, elderly: Category
) -> None:
    service, created = imported(elderly)

    assert created is True
    row = Service.objects.filter(pk=service.pk).values().get()
    assert {k: v for k, v in row.items() if k != "id"} == {
        "code": "meal",
        "name_zh": "助餐送餐",
        "name_en": "",
        "category_id": elderly.pk,
        "description_zh": "为老年人送餐上门",
        "description_en": "",
        "delivery_mode": "door",
        "urgency_id": UrgencyClass.objects.get(code="general").pk,
        "dispatch_mode": "manual",
        "published": False,
        "keywords": "吃饭 午餐",
    }
    assert offered_in("meal") == ["C"]
    assert published_menu().count() == 0


def test_import_with_publish_puts_the_service_on_every_places_menu(
    tree: Tree, elderly: Category
) -> None:
    service, created = imported(elderly, publish=True)

    assert (created, service.published) == (True, True)
    assert [s.code for s in published_menu(region=tree.village)] == ["meal"]


def test_import_asks_the_questions_in_the_order_given_with_choices_as_keys_and_names(
    tree: Tree, elderly: Category
) -> None:
    imported(elderly)

    assert questions("meal") == [
        (
            "portion",
            "份量",
            "",
            "singlevaluelist",
            True,
            1,
            [{"key": "small", "name_zh": "小份"}, {"key": "large", "name_zh": "大份"}],
        ),
        (
            "diet",
            "忌口",
            "",
            "multivaluelist",
            False,
            2,
            [{"key": "no-salt", "name_zh": "少盐"}, {"key": "no-sugar", "name_zh": "无糖"}],
        ),
        ("note", "备注", "", "string", False, 3, []),
    ]


def test_imported_choices_read_as_the_ordering_code_expects_in_both_languages(
    tree: Tree, elderly: Category
) -> None:
    imported(elderly)
    service = service_with_attributes("meal")
    assert service is not None
    portion, diet, _note = service.attributes.all()

    with translation.override("zh-hans"):
        zh = portion.choice_pairs()
    with translation.override("en"):
        en = portion.choice_pairs()  # no English names: the Chinese ones stand in

    assert zh == en == [("small", "小份"), ("large", "大份")]
    assert clean_answer(portion, "large") == "large"
    assert clean_answer(diet, ["no-sugar", "no-salt"]) == ["no-salt", "no-sugar"]


def test_an_attribute_code_given_twice_is_asked_once_as_first_given(
    tree: Tree, elderly: Category
) -> None:
    twice = (
        AttributeSpec(code="note", datatype="string", required=True, label="备注"),
        AttributeSpec(code="note", datatype="text", required=False, label="另一个备注"),
    )

    imported(elderly, attributes=twice)

    assert questions("meal") == [("note", "备注", "", "string", True, 1, [])]


def test_import_cuts_names_keywords_and_labels_to_their_columns(
    tree: Tree, elderly: Category
) -> None:
    name = "长" * 150 + "名" * 100
    keywords = "词 " * 130
    label = "问" * 201

    service, _created = imported(
        elderly,
        name=name,
        keywords=keywords,
        attributes=(AttributeSpec(code="q", datatype="string", required=False, label=label),),
    )

    row = Service.objects.filter(pk=service.pk).values("name_zh", "keywords").get()
    assert row == {"name_zh": "长" * 150 + "名" * 50, "keywords": "词 " * 100}
    assert ServiceAttribute.objects.get(service=service).label_zh == "问" * 200


def test_an_imported_service_is_on_the_menu_entry_at_once(tree: Tree, elderly: Category) -> None:
    assert menu_entry("meal") is None  # now cached as missing

    imported(elderly, publish=True)

    entry = menu_entry("meal")
    assert entry is not None
    assert [a.code for a in entry.attributes] == ["portion", "diet", "note"]
    assert entry.offered_at(tree.village) is True


# --- importing again, and existing services ---------------------------------------------------


def test_a_second_identical_import_changes_nothing(tree: Tree, elderly: Category) -> None:
    first, _created = imported(elderly)
    before = catalog_state("meal")

    again, created = imported(elderly)

    assert created is False
    assert again.pk == first.pk
    assert catalog_state("meal") == before
    assert (before["services"], before["attributes"], before["links"]) == (1, 3, 1)


def test_an_existing_service_keeps_the_countys_settings_and_gains_only_missing_questions(
    tree: Tree, elderly: Category
) -> None:
    existing = ServiceFactory(
        code="meal",
        name_zh="老年助餐",
        name_en="Meals for elders",
        category=elderly,
        description_zh="县里写的说明",
        delivery_mode=Service.DeliveryMode.FACILITY,
        urgency=UrgencyClass.objects.get(code="emergency"),
        dispatch_mode=Service.DispatchMode.AUTO,
        published=False,
        keywords="县里的词",
        regions=[tree.town],
    )
    AttributeFactory(
        service=existing, code="portion", label_zh="县里的份量", datatype="string", position=1
    )
    AttributeFactory(service=existing, code="address", label_zh="楼层门牌", position=2)
    row_before = Service.objects.filter(pk=existing.pk).values().get()

    service, created = imported(
        Category.objects.get(code="child-health"),
        name="别处的名字",
        description="别处的说明",
        keywords="别处",
        publish=True,
    )

    assert (service.pk, created) == (existing.pk, False)
    assert Service.objects.filter(pk=existing.pk).values().get() == row_before
    assert offered_in("meal") == ["T1"]
    assert [(q[0], q[1], q[3], q[5], q[6]) for q in questions("meal")] == [
        ("portion", "县里的份量", "string", 1, []),
        ("address", "楼层门牌", "string", 2, []),
        (
            "diet",
            "忌口",
            "multivaluelist",
            3,
            [{"key": "no-salt", "name_zh": "少盐"}, {"key": "no-sugar", "name_zh": "无糖"}],
        ),
        ("note", "备注", "string", 4, []),
    ]


def test_questions_gained_on_import_come_after_existing_ones_numbered_with_gaps(
    tree: Tree, elderly: Category
) -> None:
    existing = ServiceFactory(code="meal", category=elderly, regions=[tree.county])
    AttributeFactory(service=existing, code="portion", position=10)
    AttributeFactory(service=existing, code="address", position=20)

    imported(elderly)

    assert [q[0] for q in questions("meal")] == ["portion", "address", "diet", "note"]


# --- no county --------------------------------------------------------------------------------


def test_import_without_a_county_region_is_refused_and_writes_nothing(
    elderly: Category,
) -> None:
    """A new service is offered county-wide: with no county it could be ordered nowhere."""
    before = (Service.objects.count(), ServiceAttribute.objects.count())
    with pytest.raises(DomainError) as info:
        imported(elderly, publish=True)
    assert [(e.code, e.field) for e in info.value.errors] == [("no_county", "region")]
    assert (Service.objects.count(), ServiceAttribute.objects.count()) == before


def test_imported_bounds_are_kept_and_checked(tree: Tree, elderly: Category) -> None:
    imported(
        elderly,
        attributes=(
            AttributeSpec(
                code="meals",
                datatype="number",
                required=True,
                label="每天几餐",
                minimum=1,
                maximum=3,
                whole_number=True,
            ),
            AttributeSpec(
                code="start", datatype="datetime", required=False, label="开始", earliest_days=0
            ),
        ),
    )
    meals, start = ServiceAttribute.objects.filter(service__code="meal")
    assert (meals.minimum, meals.maximum, meals.whole_number) == (1.0, 3.0, True)
    assert (start.earliest_days, start.latest_days) == (0, None)
    with pytest.raises(DomainError) as info:
        clean_answer(meals, "1e20")
    assert [(e.code, e.field) for e in info.value.errors] == [
        ("attribute_above_maximum", "attribute[meals]")
    ]
