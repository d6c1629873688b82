"""The text grouping (voice.clustering): its promises to callers, what it drops as noise,
and how well it groups the labelled set against a plain bag of words (docs/topics.md)."""

from __future__ import annotations

import warnings

import pytest

from minsheng.voice.clustering import (
    PEOPLE_WORDS,
    PLACE_WORDS,
    POLITE_WORDS,
    Cluster,
    Vocabulary,
    group_texts,
    problem_words,
)
from tests.voice.labelled import ari, baseline_ari, demo_vocabulary, labelled, shuffled

# Measured on the labelled set (docs/topics.md); the floors sit a little below.
FLOOR_TRUE_NUMBER = 0.33
FLOOR_FOUND_NUMBER = 0.35
FLOOR_WITH_CATALOG = 0.38

DOGS = ["村里野狗太多了", "流浪狗追着孩子跑", "野狗半夜乱叫", "狗把鸡咬死了，是条野狗"]
WATER = ["三组停水三天了", "自来水又停了，没水做饭", "停水了什么时候来水", "家里没水喝了"]


def partition(clusters: list[Cluster]) -> list[list[int]]:
    return sorted(sorted(c.members) for c in clusters)


def test_groups_come_largest_first_numbered_from_zero_and_cover_every_text_once() -> None:
    texts = DOGS + WATER + ["路灯坏了，晚上很黑"]
    clusters = group_texts(texts, n_clusters=3)
    assert [c.id for c in clusters] == [0, 1, 2]
    sizes = [len(c.members) for c in clusters]
    assert sizes == sorted(sizes, reverse=True)
    assert sorted(m for c in clusters for m in c.members) == list(range(len(texts)))
    for c in clusters:
        assert c.members == sorted(c.members)
        assert set(c.examples) <= set(c.members)
        assert len(c.examples) == min(3, len(c.members))


def test_texts_of_one_problem_meet_in_one_group_whatever_the_village() -> None:
    texts = [
        "大坪村野狗太多了，麻烦管一管",
        "黄溪村停水三天了，谢谢",
        "大坪村停水了，没水做饭",
        "黄溪村流浪狗追着孩子跑",
        "石门乡自来水又停了",
        "石门乡野狗咬了人",
    ]
    clusters = group_texts(texts, n_clusters=2)
    assert partition(clusters) == [[0, 3, 5], [1, 2, 4]]


def test_the_vocabulary_joins_words_that_share_no_characters() -> None:
    texts = ["被咬了要打狂犬针", "野狗到处跑", "村里停水了", "自来水没有了"]
    vocabulary = Vocabulary(concepts={"狂犬": "dogs", "野狗": "dogs", "停水": "water"})
    joined = group_texts(texts, n_clusters=2, vocabulary=vocabulary)
    assert partition(joined) == [[0, 1], [2, 3]]
    assert "dogs" not in " ".join(k for c in joined for k in c.keywords)


def test_a_concept_counts_for_its_parents() -> None:
    vocabulary = Vocabulary(
        concepts={"送饭": "service:meal", "理发": "service:haircut"},
        parents={"service:meal": "area:elderly", "service:haircut": "area:elderly"},
    )
    texts = ["想要送饭", "想要理发", "路面坑很多", "公路上的大坑"]
    assert partition(group_texts(texts, n_clusters=2, vocabulary=vocabulary)) == [
        [0, 1],
        [2, 3],
    ]


def test_place_people_and_polite_words_are_not_problem_words() -> None:
    words = problem_words("隔壁王大爷说三组村口的路灯坏了，麻烦看一下，谢谢")
    assert "路灯" in words
    assert not {"隔壁", "王大爷", "三组", "组", "村口", "麻烦", "看一下", "谢谢"} & set(words)


def test_the_installations_region_names_are_dropped() -> None:
    vocabulary = Vocabulary(stopwords=frozenset({"青溪县", "茶园乡", "茶园"}))
    assert "茶园" in problem_words("茶园乡停水了")  # a tea garden, for all jieba knows
    assert problem_words("茶园乡停水了", vocabulary=vocabulary) == ["停水"]


def test_latin_terms_of_the_vocabulary_match_whole_words_only() -> None:
    vocabulary = Vocabulary(concepts={"gas": "gas", "meal-delivery": "meals", "煤气": "gas"})
    texts = ["I gasp at the lights", "No gas since Monday", "煤气没了", "Meal delivery late"]
    clusters = group_texts(texts, n_clusters=2, vocabulary=vocabulary)
    # The two gas texts (English and Chinese) share a group and "gasp" is not in it. Where the
    # meal text goes is k-means' call on four texts (scikit-learn 1.9 puts it with the gas
    # pair, earlier releases with "gasp"), which this test is not about.
    gas = next(group for group in partition(clusters) if 1 in group)
    assert 2 in gas
    assert 0 not in gas


def test_english_texts_lose_their_stop_words() -> None:
    assert problem_words("Please help, the street lights are out in our village") == ["lights"]
    assert problem_words("No 4G signal here") == ["4g", "signal"]


def test_keywords_are_problem_words_and_examples_the_texts_nearest_the_centre() -> None:
    texts = [
        "三组野狗太多",
        "村口野狗咬人",
        "野狗追孩子，麻烦管管",
        "隔壁家停水",
        "村口停水两天",
        "停水了，谢谢",
    ]
    clusters = group_texts(texts, n_clusters=2)
    assert [c.keywords[0] for c in clusters] == ["野狗", "停水"]
    for c in clusters:
        assert not set(c.keywords) & (PLACE_WORDS | PEOPLE_WORDS | POLITE_WORDS)


def test_the_grouping_is_deterministic() -> None:
    _ids, texts, _labels = labelled()
    assert group_texts(texts) == group_texts(texts)


def test_small_and_empty_inputs() -> None:
    assert group_texts([]) == []
    one = group_texts(["野狗太多"])
    assert [(c.id, c.members, c.examples) for c in one] == [(0, [0], [0])]
    assert one[0].keywords == ["野狗"]
    assert partition(group_texts(["野狗", "停水"], n_clusters=2)) == [[0], [1]]
    assert partition(group_texts(["谢谢", "麻烦了", "谢谢"])) == [[0, 1, 2]]
    assert len(group_texts(DOGS, n_clusters=10)) <= len(DOGS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # texts all alike: no warning, one group
        alike = group_texts(["停水"] * 5, n_clusters=3)
    assert [(c.members, c.keywords) for c in alike] == [([0, 1, 2, 3, 4], ["停水"])]
    with pytest.raises(ValueError):
        group_texts(DOGS, n_clusters=0)


def test_on_the_labelled_set_it_beats_a_bag_of_words() -> None:
    _ids, texts, labels = labelled()
    problems = len(set(labels))
    baseline = baseline_ari(texts, labels)
    true_number = ari(labels, group_texts(texts, n_clusters=problems))
    found = group_texts(texts)
    assert true_number >= FLOOR_TRUE_NUMBER
    assert ari(labels, found) >= FLOOR_FOUND_NUMBER
    assert min(true_number, ari(labels, found)) > baseline
    assert 10 <= len(found) <= 30


def test_the_catalog_vocabulary_helps_on_the_labelled_set() -> None:
    _ids, texts, labels = labelled()
    vocabulary = demo_vocabulary()
    with_catalog = ari(labels, group_texts(texts, vocabulary=vocabulary, n_clusters=16))
    assert with_catalog >= FLOOR_WITH_CATALOG
    assert with_catalog > baseline_ari(texts, labels)


def test_the_order_of_the_texts_barely_matters() -> None:
    _ids, texts, labels = labelled()
    for seed in (1, 2):
        other_texts, other_labels = shuffled(texts, labels, seed)
        assert ari(other_labels, group_texts(other_texts, n_clusters=16)) >= FLOOR_TRUE_NUMBER
