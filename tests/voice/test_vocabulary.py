"""The domain vocabulary read from the catalog (voice.vocabulary): which concept each term
stands for, and which words are only places."""

from __future__ import annotations

import pytest

from minsheng.catalog.models import Service, Synonym
from minsheng.regions.models import Region
from minsheng.voice.clustering import group_texts, problem_words
from minsheng.voice.vocabulary import ServiceRow, catalog_vocabulary, vocabulary_from_rows
from tests.factories import RegionFactory, ServiceFactory

MEALS = ServiceRow(
    code="meal-delivery",
    category="elderly-care",
    area="elderly",
    name_zh="助餐送餐",
    name_en="Meal delivery",
    description_zh="为独居老人送热饭上门。",
    keywords="送饭 老人",
)
HAIRCUT = ServiceRow(
    code="home-haircut",
    category="elderly-care",
    area="elderly",
    name_zh="上门理发",
    description_zh="为独居老人上门理发。",
)
PENSION = ServiceRow(
    code="pension-check",
    category="pension",
    area="elderly",
    name_zh="养老金认证",
    description_zh="养老金领取资格每年认证，可在手机上办理。",
)
WATER = ServiceRow(
    code="water-repair",
    category="water-supply",
    area="housing",
    name_zh="自来水抢修",
    description_zh="停水、漏水抢修，可在手机上报修。",
    keywords="停水 漏水 water",
)


def test_each_term_stands_for_the_narrowest_level_that_holds_it() -> None:
    vocabulary = vocabulary_from_rows(
        services=[MEALS, HAIRCUT, PENSION, WATER],
        categories=[("elderly-care", "elderly", "养老助老", "Elderly care")],
        areas=[("elderly", "老有所养", "Care for the elderly")],
    )
    concepts = vocabulary.concepts
    assert concepts["助餐送餐"] == concepts["送饭"] == "service:meal-delivery"
    assert concepts["meal delivery"] == "service:meal-delivery"
    assert concepts["热饭"] == "service:meal-delivery"  # one service's description
    assert concepts["独居"] == "category:elderly-care"  # two services of one category
    assert concepts["认证"] == "service:pension-check"
    assert concepts["领取"] == "service:pension-check"
    assert "手机" not in concepts  # in two areas: says nothing
    assert concepts["老有所养"] == "area:elderly"
    assert vocabulary.parents["service:meal-delivery"] == "category:elderly-care"
    assert vocabulary.parents["category:elderly-care"] == "area:elderly"
    assert "上门" not in concepts  # too general a word of the descriptions
    assert concepts["老人"] == "service:meal-delivery"  # a keyword outranks descriptions


def test_synonyms_stand_for_what_their_menu_words_stand_for() -> None:
    vocabulary = vocabulary_from_rows(
        services=[MEALS, WATER],
        synonyms=[("没水", ["停水", "自来水"]), ("吃饭", ["送饭"]), ("看戏", ["送戏"])],
    )
    assert vocabulary.concepts["没水"] == "service:water-repair"
    assert vocabulary.concepts["吃饭"] == "service:meal-delivery"
    assert vocabulary.concepts["看戏"] == vocabulary.concepts["送戏"] == "synonym:看戏"


def test_region_names_and_their_short_forms_are_stop_words() -> None:
    vocabulary = vocabulary_from_rows(services=[], region_names=["茶园乡", "黄溪村", "县"])
    assert vocabulary.stopwords == {"茶园乡", "茶园", "黄溪村", "黄溪"}
    assert problem_words("茶园乡黄溪村停水了", vocabulary=vocabulary) == ["停水"]


@pytest.mark.django_db
def test_the_catalog_vocabulary_reads_the_database() -> None:
    ServiceFactory(code="water-fix", name_zh="自来水抢修", keywords="停水 没水")
    Synonym.objects.create(word="断水", means="停水")
    county = RegionFactory(name_zh="青溪县", level=Region.Level.COUNTY)
    RegionFactory(name_zh="茶园乡", level=Region.Level.TOWNSHIP, parent=county)
    vocabulary = catalog_vocabulary()
    category = Service.objects.get(code="water-fix").category
    assert vocabulary.concepts["停水"] == vocabulary.concepts["断水"] == "service:water-fix"
    assert vocabulary.parents["service:water-fix"] == f"category:{category.code}"
    assert {"青溪县", "青溪", "茶园乡", "茶园"} <= vocabulary.stopwords
    texts = ["茶园乡断水三天", "茶园乡野狗咬人", "停水了", "野狗太多"]
    groups = sorted(
        sorted(c.members) for c in group_texts(texts, n_clusters=2, vocabulary=vocabulary)
    )
    assert groups == [[0, 2], [1, 3]]


@pytest.mark.django_db
def test_a_catalog_without_services_gives_the_standard_areas_names_only() -> None:
    Synonym.objects.all().delete()
    vocabulary = catalog_vocabulary()
    assert vocabulary.concepts["老有所养"] == "area:elderly"
    assert vocabulary.concepts["养老保险"] == "category:pension"
    assert {c.split(":")[0] for c in vocabulary.concepts.values()} == {"area", "category"}
    assert vocabulary.stopwords == frozenset()
