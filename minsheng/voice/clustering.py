"""Grouping residents' short free texts by the problem they describe (no Django).

The first cut: jieba words and character bigrams weighted by TF-IDF, then agglomerative
clustering on cosine distance, the number of groups chosen by the silhouette score unless
given. The domain vocabulary (the catalog's names, keywords and synonyms) maps words that
share no characters onto one concept, so "野狗" and "被咬" can meet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jieba
import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

jieba.setLogLevel(60)  # jieba prints its dictionary loading on the root logger otherwise


@dataclass(frozen=True)
class Vocabulary:
    """Domain terms and the concept each stands for (a service or area code)."""

    concepts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Cluster:
    id: int
    members: list[int]  # indices into the texts, in their order
    keywords: list[str]
    examples: list[int]  # the most representative members first


def _tokens(text: str, vocabulary: Vocabulary) -> list[str]:
    words = [w for w in jieba.lcut(text.lower()) if w.strip()]
    concepts = [f"@{c}" for term, c in vocabulary.concepts.items() if term and term in text]
    return words + concepts


def group_texts(
    texts: Sequence[str],
    *,
    vocabulary: Vocabulary | None = None,
    n_clusters: int | None = None,
    max_clusters: int = 30,
) -> list[Cluster]:
    """Group ``texts``; the groups are returned largest first, numbered from 0."""
    vocabulary = vocabulary or Vocabulary()
    if not texts:
        return []
    if len(texts) == 1:
        return [
            Cluster(id=0, members=[0], keywords=_tokens(texts[0], vocabulary)[:5], examples=[0])
        ]
    vectorizer = TfidfVectorizer(
        analyzer=lambda t: _tokens(t, vocabulary), sublinear_tf=True, min_df=1
    )
    matrix = vectorizer.fit_transform(texts).toarray()
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms == 0, 1, norms)
    n = len(texts)
    if n_clusters is None:
        best, best_score = 1, -1.0
        for k in range(2, min(max_clusters, n - 1) + 1):
            labels = AgglomerativeClustering(
                n_clusters=k, metric="cosine", linkage="average"
            ).fit_predict(matrix)
            score = float(silhouette_score(matrix, labels, metric="cosine"))
            if score > best_score:
                best, best_score = k, score
        n_clusters = best
    n_clusters = max(1, min(n_clusters, n))
    if n_clusters == 1:
        labels = np.zeros(n, dtype=int)
    else:
        labels = AgglomerativeClustering(
            n_clusters=n_clusters, metric="cosine", linkage="average"
        ).fit_predict(matrix)
    terms = np.array(vectorizer.get_feature_names_out())
    groups = sorted(
        (np.flatnonzero(labels == label) for label in set(labels.tolist())),
        key=lambda m: (-len(m), int(m[0])),
    )
    clusters = []
    for number, members in enumerate(groups):
        centre = matrix[members].mean(axis=0)
        keywords = [str(t) for t in terms[np.argsort(-centre)[:5]] if not str(t).startswith("@")]
        closeness = matrix[members] @ centre
        examples = [int(members[i]) for i in np.argsort(-closeness)[:3]]
        clusters.append(
            Cluster(
                id=number,
                members=[int(m) for m in members],
                keywords=keywords,
                examples=examples,
            )
        )
    return clusters
