"""The labelled set of residents' texts (``data/topics_labelled.csv``, see docs/topics.md)
and the measures the grouping is held to."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import jieba
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from minsheng.voice.clustering import Cluster, Vocabulary

LABELLED = Path(__file__).parent / "data" / "topics_labelled.csv"


def labelled() -> tuple[list[str], list[str], list[str]]:
    """The ids, texts and labels of the labelled set."""
    with LABELLED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["id"] for r in rows], [r["text"] for r in rows], [r["label"] for r in rows]


def ari(labels: list[str], clusters: list[Cluster]) -> float:
    found = [-1] * len(labels)
    for cluster in clusters:
        for member in cluster.members:
            found[member] = cluster.id
    assert -1 not in found
    return float(adjusted_rand_score(labels, found))


def baseline_ari(texts: list[str], labels: list[str]) -> float:
    """A plain bag of words: TF-IDF of jieba's words, k-means with the true number."""
    tokenizer = jieba.Tokenizer()
    matrix = TfidfVectorizer(
        analyzer=lambda t: [w for w in tokenizer.lcut(t.lower()) if w.strip()],
        sublinear_tf=True,
    ).fit_transform(texts)
    found = KMeans(n_clusters=len(set(labels)), n_init=10, random_state=0).fit_predict(matrix)
    return float(adjusted_rand_score(labels, found))


def demo_vocabulary() -> Vocabulary:
    """The vocabulary of the standard and demo catalogs, from their data (as the database
    would hold them after ``seed_demo``; ``test_topics_command`` reads it from there)."""
    from minsheng.catalog.standard import NATIONAL_AREAS
    from minsheng.demo.catalog import LOCAL_CATEGORIES, SERVICES, SYNONYMS
    from minsheng.demo.regions import TOWNSHIPS
    from minsheng.voice.vocabulary import ServiceRow, vocabulary_from_rows

    categories = [(c, a, zh, en) for a, _, _, cats in NATIONAL_AREAS for c, zh, en in cats]
    categories += [(c, a, zh, en) for a, c, zh, en in LOCAL_CATEGORIES]
    area_of = {c: a for c, a, _, _ in categories}
    return vocabulary_from_rows(
        services=[
            ServiceRow(
                code=s.code,
                category=s.category,
                area=area_of[s.category],
                name_zh=s.name_zh,
                name_en=s.name_en,
                description_zh=s.description_zh,
                description_en=s.description_en,
                keywords=s.keywords,
            )
            for s in SERVICES
        ],
        categories=categories,
        areas=[(a, zh, en) for a, zh, en, _ in NATIONAL_AREAS],
        synonyms=[(word, means.split()) for word, means in SYNONYMS],
        region_names=[t[1] for t in TOWNSHIPS],
    )


def shuffled(texts: list[str], labels: list[str], seed: int) -> tuple[list[str], list[str]]:
    pairs = list(zip(texts, labels, strict=True))
    random.Random(seed).shuffle(pairs)
    return [t for t, _ in pairs], [label for _, label in pairs]


def main() -> None:  # pragma: no cover - the report's figures (docs/topics.md)
    import time

    from minsheng.voice.clustering import group_texts

    _ids, texts, labels = labelled()
    problems = len(set(labels))
    print(f"{len(texts)} texts, {problems} problems")
    print(
        f"bag of words (jieba + TF-IDF + k-means, true number): {baseline_ari(texts, labels):.3f}"
    )
    for name, vocabulary in [("no vocabulary", None), ("catalog vocabulary", demo_vocabulary())]:
        for given in (problems, None):
            start = time.perf_counter()
            clusters = group_texts(texts, vocabulary=vocabulary, n_clusters=given)
            took = time.perf_counter() - start
            how = "true number" if given else f"found {len(clusters)}"
            print(f"group_texts, {name}, {how}: {ari(labels, clusters):.3f} ({took:.1f} s)")


if __name__ == "__main__":  # pragma: no cover
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    django.setup()
    main()
