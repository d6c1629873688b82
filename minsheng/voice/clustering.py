"""Grouping residents' short free texts by the problem they describe (no Django).

Residents write "村里野狗太多", "流浪狗追着孩子跑" and "晚上狗叫，还咬了人" for one problem,
wrapped in place names ("三组", "村口", "黄溪村"), people ("我家", "隔壁王大爷") and polite
phrases ("麻烦看一下", "谢谢"). A bag of words groups such texts by village; this module
groups them by problem:

1. **Words without the noise.** jieba (a private ``jieba.Tokenizer``, with the domain
   vocabulary and the known place names added to its dictionary) segments and tags each
   text; place and person names, pronouns, numerals, particles, and the words of the stop
   lists below (places, people, politeness, time) are dropped. English words are
   lower-cased and scikit-learn's English stop list removed.
2. **Features that meet across wordings.** Each kept Chinese word gives itself and its
   characters and character pairs (野狗 and 流浪狗 meet on 狗, 停水 and 没水 on 水); each
   English word gives itself and its character 4-grams (light/lights). Each domain term the
   text contains gives its concept and the concept's parents (野狗/狂犬 → one concept,
   a service → its category → its area).
3. **Latent topics.** TF-IDF (sublinear), then a truncated SVD to 20 dimensions (latent
   semantic analysis): words that occur with the same neighbours (咬 with 狗) end up close.
4. **How many groups**, unless given: the cuts of one Ward tree of the topic vectors, scored
   by their cosine silhouette over a bounded range (on a fixed sample of at most 2,000).
5. **Groups.** k-means on the topic vectors (fixed seed, several starts, one thread).

Everything is deterministic (fixed seeds, stable sorts). 2,000 texts take a few seconds on
one core. The method and its measure on a labelled set: docs/topics.md.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
import jieba.posseg
import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, diags
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

jieba.setLogLevel(60)  # jieba prints its dictionary loading on the root logger otherwise


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say where, who, when or how politely, never what the problem is. Kept short
# and general: the region names of the installation come with the vocabulary.
PLACE_WORDS = word_set(
    "村 村里 村子 村口 村头 村尾 村部 村委 村委会 村民 村上 全村 本村 组 全组 小组 组里 "
    "镇 镇上 镇里 乡 乡里 乡下 街 街上 老街 街道 社区 小区 县 县里 县城 城里 城区 "
    "家 家里 家门口 门口 门前 屋 屋里 楼上 楼下 附近 旁边 那边 这边 那里 这里 一带 "
    "山上 山下 山脚 山脚下 河边 路口 桥头 地方 这儿 那儿 片区 屯 寨 湾"
)
PEOPLE_WORDS = word_set(
    "我 我们 你 你们 他 她 他们 她们 咱 咱们 大家 自己 我家 他家 她家 谁家 人家 "
    "隔壁 邻居 邻里 大爷 大妈 大娘 大叔 大伯 阿姨 叔叔 婶 婶子 李婶 张婶 张叔 "
    "王大爷 李奶奶 老王 老李 老张 我妈 我爸 妈妈 爸爸 我妈妈 我爸爸 老伴 家人 "
    "亲戚 村民们 居民 群众 老百姓 同志 领导 干部 师傅"
)
POLITE_WORDS = word_set(
    "麻烦 谢谢 谢谢您 感谢 多谢 辛苦 辛苦了 请 请问 您好 你好 您 拜托 帮忙 帮帮 "
    "帮 一下 下 看看 看一下 管管 管一管 处理 处理一下 解决 解决一下 尽快 赶紧 早点 "
    "希望 能不能 能否 可不可以 可以 问一下 想问 咨询一下 反映 反应 建议 呼吁 "
    "有关部门 相关部门 政府 上级 重视 关注 关心 及时 马上 好吗 行吗 吧 啊 呀 呢 "
    "了 的 吗 哦 嘛 啦 还 又 都 也 就 很 太 真 好 非常 特别 急 着急"
)
# Words too common to tell problems apart (being, having, coming, not).
GENERIC_WORDS = word_set(
    "是 有 没 没有 不 不是 不能 能 会 要 想 让 被 把 给 在 到 去 来 上 做 弄 搞 说 "
    "找 用 看 人 事 东西 问题 情况 时候 时间 办法 怎么 什么 为什么 哪里 多少"
)
TIME_WORDS = word_set(
    "今天 昨天 前天 最近 现在 每天 天天 经常 一直 老是 总是 已经 还是 好几天 "
    "几天 半个月 一个月 好久 很久 多年 今年 去年 上次 这次 晚上 夜里 白天 早上 上午 "
    "下午 中午 天天 每晚 一天"
)
STOP_WORDS = PLACE_WORDS | PEOPLE_WORDS | POLITE_WORDS | TIME_WORDS | GENERIC_WORDS
PLACE_SUFFIXES = frozenset("村镇乡组县区寨屯庄")
ENGLISH_STOPS = ENGLISH_STOP_WORDS | word_set(
    "please help thank thanks village villages hamlet town township county street "
    "neighbour neighbours neighbor people family mother father grandmother grandfather "
    "kid kids son daughter ours want need needs like just really night nights morning "
    "evening day days week weeks month months year years time yesterday today"
)
# jieba's part-of-speech flags that never name a problem: person, place and organisation
# names, pronouns, numerals and measure words, prepositions, conjunctions, particles,
# interjections, onomatopoeia, punctuation.
DROP_FLAGS = word_set(
    "nr nr1 nr2 nrj nrf nrfg nrt ns nsf nt r rr rz rzt rzs rzv ry ryt rys ryv "
    "m mq q qv qt p pba pbei c cc u uj ul uz ug uv ud ug ule uls y e o x w zg"
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z][a-z0-9'\-]*")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_NUMBERED_PLACE = re.compile(r"[0-9一二三四五六七八九十百]+(?:组|队|社|号楼|栋|单元|号)")


@dataclass(frozen=True)
class Vocabulary:
    """Domain terms and the concept each stands for (a service, category or area code).

    ``parents`` maps a concept to a broader one (a service to its category, a category to
    its area): a text naming a service also counts for its category and area. ``stopwords``
    are words to ignore on top of the built-in lists (the installation's region names).
    """

    concepts: Mapping[str, str] = field(default_factory=dict)
    parents: Mapping[str, str] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Cluster:
    id: int
    members: list[int]  # indices into the texts, in their order
    keywords: list[str]
    examples: list[int]  # the most representative members first


@dataclass(frozen=True)
class _Analyzer:
    """Turns a text into features; built once per vocabulary (jieba's set-up is slow)."""

    tagger: jieba.posseg.POSTokenizer
    concepts: tuple[tuple[str, tuple[str, ...]], ...]  # (term, concept and its parents)
    stopwords: frozenset[str]
    concept_terms: frozenset[str]

    def words(self, text: str) -> list[str]:
        """The problem words of ``text``: what is left after the noise is dropped."""
        text = _NUMBERED_PLACE.sub(" ", _normal(text))
        kept: list[str] = []
        previous = ""
        for word, flag in self.tagger.cut(text):
            word = word.strip()
            if previous.isdigit() and len(word) == 1 and word.isascii() and word.isalpha():
                kept.append(previous + word)  # 4G, 5G: jieba cuts the digit off
            elif not word or word in self.stopwords:
                pass
            elif word in self.concept_terms:
                kept.append(word)
            elif _HAN.search(word):
                kept.extend(self._chinese(word, flag))
            elif _LATIN.fullmatch(word) and len(word) > 1 and word not in ENGLISH_STOPS:
                kept.append(word)
            previous = word
        return kept

    def _chinese(self, word: str, flag: str) -> list[str]:
        if word[-1] in PLACE_SUFFIXES and len(word) > 1:
            return []  # 黄溪村, 龙潭镇, 东门社区: a place, whatever the tagger says
        known = bool(self.tagger.tokenizer.FREQ.get(word))
        if flag in ("nr", "nrt") and known:
            return [word]  # jieba's dictionary tags many plain words as names (玉米, 水淹)
        if flag in ("nr", "nrt", "ns") and not known:
            # A name the tagger guessed for words it does not know ("那群狗" as a person):
            # keep the known words inside it that are not names themselves.
            return [
                w
                for w in self.tagger.tokenizer.lcut(word, HMM=False)
                if w not in self.stopwords
                and self.tagger.word_tag_tab.get(w, "x") not in DROP_FLAGS
                and (len(w) > 1 or self.tagger.word_tag_tab.get(w) in ("n", "v", "vn"))
            ]
        if flag in DROP_FLAGS:
            return []
        return [word]

    def features(self, text: str) -> list[str]:
        out: list[str] = []
        for word in self.words(text):
            out.append(f"w:{word}")
            if _HAN.search(word):
                chars = [c for c in word if _HAN.match(c)]
                out.extend(f"c:{c}" for c in chars)
                out.extend(f"c:{a}{b}" for a, b in itertools.pairwise(chars))
            elif len(word) > 4:
                padded = f"<{word}>"
                out.extend(f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3))
        lowered = _normal(text)
        # Latin terms match whole words ("gas" is not in "gasp"); Chinese ones anywhere.
        latin = f" {' '.join(_LATIN_WORD.findall(lowered))} "
        for term, concepts in self.concepts:
            if (f" {term} " in latin) if term.isascii() else (term in lowered):
                out.extend(f"@{c}" for c in concepts)
        return out


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _term(term: str) -> str:
    """A vocabulary term as texts are matched: Latin ones as their words ("Meal-delivery"
    → "meal delivery"), Chinese ones as written."""
    term = _normal(term).strip()
    return " ".join(_LATIN_WORD.findall(term)) if term.isascii() else term


def _lineage(concept: str, parents: Mapping[str, str]) -> tuple[str, ...]:
    chain = [concept]
    while chain[-1] in parents and parents[chain[-1]] not in chain and len(chain) < 8:
        chain.append(parents[chain[-1]])
    return tuple(chain)


@lru_cache(maxsize=4)
def _analyzer_for(
    concepts: tuple[tuple[str, str], ...],
    parents: tuple[tuple[str, str], ...],
    stopwords: frozenset[str],
) -> _Analyzer:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    # The domain's terms become words of their own (so 狂犬 or 停水 is not cut in two),
    # and so do the place names, tagged as places so they are dropped.
    for term, _ in concepts:
        if _HAN.search(term) and len(term) >= 2:
            tokenizer.add_word(term, freq=2000, tag="nz")
    for word in stopwords:
        if _HAN.search(word) and len(word) >= 2:
            tokenizer.add_word(word, freq=2000, tag="ns")
    # The stop phrases too, so "管一管" is cut as the list has it (not "管一" + "管").
    for word in STOP_WORDS:
        if len(word) >= 3 and word not in tokenizer.FREQ:
            tokenizer.add_word(word, freq=1000, tag="y")
    parent_map = dict(parents)
    # Longest terms first so a text shows the most specific concept first; all matches count.
    lineage = tuple(
        (term, _lineage(concept, parent_map))
        for term, concept in sorted(concepts, key=lambda tc: (-len(tc[0]), tc[0]))
    )
    return _Analyzer(
        tagger=jieba.posseg.POSTokenizer(tokenizer),
        concepts=lineage,
        stopwords=STOP_WORDS | {_normal(w) for w in stopwords},
        concept_terms=frozenset(term for term, _ in concepts),
    )


def _analyzer(vocabulary: Vocabulary) -> _Analyzer:
    return _analyzer_for(
        tuple(sorted((_term(t), c) for t, c in vocabulary.concepts.items() if _term(t))),
        tuple(sorted(vocabulary.parents.items())),
        frozenset(vocabulary.stopwords),
    )


def problem_words(text: str, *, vocabulary: Vocabulary | None = None) -> list[str]:
    """The words of ``text`` the grouping looks at (for display and tests)."""
    return _analyzer(vocabulary or Vocabulary()).words(text)


# The weights and bounds below were set on the labelled set (docs/topics.md).
CONCEPT_WEIGHT = 1.0  # a concept column counts this much more than a word column
TOPIC_DIMENSIONS = 20  # the truncated SVD's size (fewer when there are fewer texts)
KMEANS_STARTS = 10  # k-means runs from different seeds; the best is kept
MAX_CLUSTERS = 30  # the largest number of groups tried when choosing it
MAX_SILHOUETTE_SAMPLE = 2000  # texts scored when choosing the number of groups


def _matrix(texts: Sequence[str], analyzer: _Analyzer) -> tuple[np.ndarray, list[str], csr_matrix]:
    """The unit-length topic vectors, the feature names and the weighted TF-IDF matrix."""
    vectorizer = TfidfVectorizer(analyzer=analyzer.features, sublinear_tf=True, norm=None)
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # no features at all (texts of only noise)
        return np.zeros((len(texts), 1)), [], csr_matrix((len(texts), 0))
    names = [str(n) for n in vectorizer.get_feature_names_out()]
    weights = np.array([CONCEPT_WEIGHT if n.startswith("@") else 1.0 for n in names])
    tfidf = normalize(csr_matrix(tfidf @ diags(weights)))
    dimensions = min(TOPIC_DIMENSIONS, tfidf.shape[1] - 1, len(texts) - 1)
    if dimensions < 2:
        return tfidf.toarray(), names, tfidf
    svd = TruncatedSVD(n_components=dimensions, algorithm="randomized", n_iter=7, random_state=0)
    with warnings.catch_warnings():
        # Texts all alike have no variance to explain; the projection is still right.
        warnings.simplefilter("ignore", RuntimeWarning)
        topics = normalize(svd.fit_transform(tfidf))
    return topics, names, tfidf


def _cut(tree: np.ndarray, k: int) -> np.ndarray:
    return np.asarray(fcluster(tree, t=k, criterion="maxclust")) - 1


def _choose(vectors: np.ndarray, max_clusters: int) -> int:
    """The number of groups with the best cosine silhouette among the cuts of a Ward tree.

    On more than ``MAX_SILHOUETTE_SAMPLE`` texts, the tree and the scores are those of a
    fixed-seed sample: the work (and the memory, quadratic in the texts) stays bounded.
    """
    n = len(vectors)
    if n > MAX_SILHOUETTE_SAMPLE:
        sample = np.random.default_rng(0).choice(n, MAX_SILHOUETTE_SAMPLE, replace=False)
        vectors = vectors[np.sort(sample)]
    tree = linkage(vectors, method="ward")
    distances = pairwise_distances(vectors, metric="cosine")
    np.clip(distances, 0, None, out=distances)
    np.fill_diagonal(distances, 0)
    best, best_score = 1, 0.0
    # At least two texts a group on average: a silhouette rewards splitting a few texts
    # into singletons otherwise.
    for k in range(2, min(max_clusters, len(vectors) // 2) + 1):
        labels = _cut(tree, k)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(distances, labels, metric="precomputed"))
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best


def _labels(vectors: np.ndarray, k: int) -> np.ndarray:
    kmeans = KMeans(n_clusters=k, n_init=KMEANS_STARTS, max_iter=300, random_state=0)
    with warnings.catch_warnings():
        # Fewer distinct texts than groups asked for: fewer groups come back, as they should.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return np.asarray(kmeans.fit_predict(vectors))


def _keywords(tfidf: csr_matrix, names: list[str], members: np.ndarray, limit: int) -> list[str]:
    """The group's words by weight in the group against weight elsewhere (words only: the
    concepts and character pieces are for the machine)."""
    if not names:
        return []
    inside = np.asarray(tfidf[members].mean(axis=0)).ravel()
    present = np.asarray((tfidf[members] > 0).mean(axis=0)).ravel()
    score = inside * present
    order = np.argsort(-score, kind="stable")
    words = [names[i][2:] for i in order if names[i].startswith("w:") and score[i] > 0]
    return words[:limit]


def group_texts(
    texts: Sequence[str],
    *,
    vocabulary: Vocabulary | None = None,
    n_clusters: int | None = None,
    max_clusters: int = MAX_CLUSTERS,
    n_keywords: int = 5,
    n_examples: int = 3,
) -> list[Cluster]:
    """Group ``texts`` by problem; the groups are returned largest first, numbered from 0.

    ``n_clusters`` fixes the number of groups (at most the number of texts); otherwise it is
    chosen between 1 and ``max_clusters``. A group's ``keywords`` are its problem words,
    its ``examples`` the members closest to its centre.
    """
    if n_clusters is not None and n_clusters < 1:
        raise ValueError("n_clusters must be at least 1")
    if not texts:
        return []
    analyzer = _analyzer(vocabulary or Vocabulary())
    # One thread for the numeric libraries: the work is small, a busy server's cores are
    # better left to the requests, and the results do not hang on the thread count.
    with threadpool_limits(limits=1):
        return _group(texts, analyzer, n_clusters, max_clusters, n_keywords, n_examples)


def _group(
    texts: Sequence[str],
    analyzer: _Analyzer,
    n_clusters: int | None,
    max_clusters: int,
    n_keywords: int,
    n_examples: int,
) -> list[Cluster]:
    vectors, names, tfidf = _matrix(texts, analyzer)
    n = len(texts)
    if n < 3 or not names:
        k = min(n_clusters or 1, n)
        labels = np.arange(n) if k == n else np.zeros(n, dtype=int)
    else:
        k = min(n_clusters, n) if n_clusters else _choose(vectors, max_clusters)
        labels = np.zeros(n, dtype=int) if k == 1 else _labels(vectors, k)
    groups = sorted(
        (np.flatnonzero(labels == label) for label in set(labels.tolist())),
        key=lambda m: (-len(m), int(m[0])),
    )
    clusters = []
    for number, members in enumerate(groups):
        centre = vectors[members].mean(axis=0)
        closeness = vectors[members] @ centre
        order = np.argsort(-closeness, kind="stable")
        clusters.append(
            Cluster(
                id=number,
                members=[int(m) for m in members],
                keywords=_keywords(tfidf, names, members, n_keywords),
                examples=[int(members[i]) for i in order[:n_examples]],
            )
        )
    return clusters
