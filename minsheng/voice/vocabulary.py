"""The domain vocabulary the text grouping leans on, read from the catalog: each service's
names and keywords stand for the service, and each synonym residents use stands for what
it means."""

from __future__ import annotations

import re

from minsheng.catalog.models import Service, Synonym
from minsheng.voice.clustering import Vocabulary

_SPLIT = re.compile(r"[\s,，、;；/]+")


def catalog_vocabulary() -> Vocabulary:
    concepts: dict[str, str] = {}
    for code, name_zh, name_en, keywords in Service.objects.values_list(
        "code", "name_zh", "name_en", "keywords"
    ):
        for term in [name_zh, name_en.lower(), *_SPLIT.split(keywords)]:
            if len(term) >= 2:
                concepts.setdefault(term, code)
    for synonym in Synonym.objects.all():
        for term in [synonym.word, *synonym.terms]:
            concept = concepts.get(synonym.terms[0]) if synonym.terms else None
            if len(term) >= 2:
                concepts.setdefault(term, concept or f"syn:{synonym.word}")
    return Vocabulary(concepts=concepts)
