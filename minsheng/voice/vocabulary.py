"""The domain vocabulary the text grouping leans on, read from the catalog.

Each service's names and keywords stand for the service; the words of its descriptions
stand for the narrowest level that holds every service using them (a word only one service
uses stands for that service, a word several services of one category use for the
category, of one area for the area; a word spread over areas says nothing and is left
out); category and area names stand for themselves; each resident's synonym stands for
what its menu words stand for, so words sharing no characters meet ("退休金" and "养老金").
A service's concept has its category and area as parents. The installation's region names
are stop words: they say where, not what.

``vocabulary_from_rows`` is pure (the command and the tests can feed it rows);
``catalog_vocabulary`` reads the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba

from minsheng.catalog.models import Category, Service, ServiceArea, Synonym
from minsheng.regions.models import Region
from minsheng.voice.clustering import STOP_WORDS, Vocabulary, word_set

_SPLIT = re.compile(r"[\s,，、;；/]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_ENGLISH_WORD = re.compile(r"[a-z]{4,}")
_REGION_SUFFIX = re.compile(r"(?:村民委员会|居民委员会|社区|村|镇|乡|街道|县|区)$")
# Words of the descriptions too general to stand for anything (service, apply, provide...).
_DESCRIPTION_STOPS = word_set(
    "服务 申请 提供 办理 需要 可以 或者 以及 上门 预约 咨询 由 乡镇 社区 村 居民 "
    "符合 条件 相关 材料 提交 审核 工作人员 时间 地点 按照 标准 每年 每月 一次 "
    "service services apply application provide provides provided through with from your "
    "their that this which when where they them have will within after before each "
    "county township village office staff free"
)


@dataclass(frozen=True)
class ServiceRow:
    code: str
    category: str
    area: str
    name_zh: str
    name_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    keywords: str = ""


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer (the global one is left to whoever else uses it)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _description_words(text: str) -> set[str]:
    words = {w for w in _tokenizer().lcut(text) if len(w) >= 2 and _HAN.search(w)}
    words |= set(_ENGLISH_WORD.findall(text.lower()))
    return {w for w in words if w not in _DESCRIPTION_STOPS and w not in STOP_WORDS}


def vocabulary_from_rows(
    *,
    services: Iterable[ServiceRow],
    categories: Iterable[tuple[str, str, str, str]] = (),  # code, area code, name_zh, name_en
    areas: Iterable[tuple[str, str, str]] = (),  # code, name_zh, name_en
    synonyms: Iterable[tuple[str, list[str]]] = (),  # word, the menu words it means
    region_names: Iterable[str] = (),
) -> Vocabulary:
    services = list(services)
    concepts: dict[str, str] = {}
    parents: dict[str, str] = {}

    def put(term: str, concept: str) -> None:
        term = term.strip().lower()
        if len(term) >= 2 and term not in STOP_WORDS:
            concepts.setdefault(term, concept)

    # Names and keywords first: they are the most specific.
    for s in services:
        parents[f"service:{s.code}"] = f"category:{s.category}"
        parents[f"category:{s.category}"] = f"area:{s.area}"
        for term in [s.name_zh, s.name_en, *_SPLIT.split(s.keywords)]:
            put(term, f"service:{s.code}")
    for code, area, name_zh, name_en in categories:
        parents[f"category:{code}"] = f"area:{area}"
        put(name_zh, f"category:{code}")
        put(name_en, f"category:{code}")
    for code, name_zh, name_en in areas:
        put(name_zh, f"area:{code}")
        put(name_en, f"area:{code}")
    # Description words stand for the narrowest level holding every service using them.
    users: dict[str, set[ServiceRow]] = defaultdict(set)
    for s in services:
        for word in _description_words(f"{s.description_zh} {s.description_en}"):
            users[word].add(s)
    for word, rows in sorted(users.items()):
        if len(rows) == 1:
            put(word, f"service:{next(iter(rows)).code}")
        elif len({r.category for r in rows}) == 1:
            put(word, f"category:{next(iter(rows)).category}")
        elif len({r.area for r in rows}) == 1:
            put(word, f"area:{next(iter(rows)).area}")
    # A synonym stands for what its first known menu word stands for.
    for word, means in synonyms:
        concept = next((concepts[t.lower()] for t in means if t.lower() in concepts), None)
        concept = concept or f"synonym:{word}"
        for term in [word, *means]:
            put(term, concept)
    stopwords: set[str] = set()
    for name in region_names:
        name = name.strip()
        if len(name) >= 2:
            stopwords.add(name)
            short = _REGION_SUFFIX.sub("", name)
            if len(short) >= 2:
                stopwords.add(short)  # "龙潭" for 龙潭镇
    return Vocabulary(
        concepts=concepts,
        parents=parents,
        stopwords=frozenset(stopwords - set(concepts)),
    )


def catalog_vocabulary() -> Vocabulary:
    """The vocabulary of this installation's catalog and regions (empty ones work too)."""
    services = [
        ServiceRow(
            code=s.code,
            category=s.category.code,
            area=s.category.area.code,
            name_zh=s.name_zh,
            name_en=s.name_en,
            description_zh=s.description_zh,
            description_en=s.description_en,
            keywords=s.keywords,
        )
        for s in Service.objects.select_related("category__area")
    ]
    return vocabulary_from_rows(
        services=services,
        categories=Category.objects.values_list("code", "area__code", "name_zh", "name_en"),
        areas=ServiceArea.objects.values_list("code", "name_zh", "name_en"),
        synonyms=[(s.word, s.terms) for s in Synonym.objects.all()],
        region_names=Region.objects.values_list("name_zh", flat=True),
    )
