"""The monthly topic's arithmetic (no Django): a candidate's score, label, service area and
township, and how a resident's text is shown in public.

See ``docs/monthly-topic.md`` for why each rule is what it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

# An unresolved text weighs this much more than one whose need was met: the month's topic is
# the frequent AND hard problem (高频难点), so two texts still unmet outrank three settled ones.
UNRESOLVED_WEIGHT = 2
LABEL_MAX = 120
LABEL_KEYWORDS = 3
EXAMPLES = 3
SPLIT_MAX = 10  # the most parts one candidate is split into

_LONG_DIGITS = re.compile(r"\d{7,}")
_SPACES = re.compile(r"\s+")


def score(size: int, unresolved: int) -> float:
    """``size + UNRESOLVED_WEIGHT × unresolved``: every text counts once, every text whose
    need is still not met counts ``UNRESOLVED_WEIGHT`` times more."""
    return float(size + UNRESOLVED_WEIGHT * unresolved)


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    """Key words that say something: trimmed, each once, punctuation and spaces left out."""
    words: list[str] = []
    for word in keywords:
        word = word.strip()
        if any(ch.isalnum() for ch in word) and word not in words:
            words.append(word)
    return words


def label_of(keywords: Sequence[str], fallback: str) -> str:
    """The first key words joined by 、; without any, the first words of ``fallback``."""
    words = clean_keywords(keywords)[:LABEL_KEYWORDS]
    text = "、".join(words) if words else _SPACES.sub(" ", fallback).strip()
    return text[:LABEL_MAX]


def most_common(values: Iterable[int | None]) -> int | None:
    """The most frequent value that is not None (ties: the smallest), or None."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def majority(values: Sequence[int | None]) -> int | None:
    """The value more than half of ``values`` hold (None counts as a value of its own and
    never wins), or None when the group is spread."""
    counts = Counter(v for v in values if v is not None)
    for value, count in counts.items():
        if count * 2 > len(values):
            return value
    return None


def redact(text: str) -> str:
    """A resident's text as shown to everyone: every run of 7 or more digits (a phone, an
    ID card, a bank account) is taken out, white space folded."""
    return _SPACES.sub(" ", _LONG_DIGITS.sub("…", text)).strip()


def distinct_examples(texts: Iterable[str], limit: int = EXAMPLES) -> list[str]:
    """The first ``limit`` different texts, in order."""
    seen: list[str] = []
    for text in texts:
        text = text.strip()
        if text and text not in seen:
            seen.append(text)
        if len(seen) == limit:
            break
    return seen


def progress(done: int, total: int) -> int:
    """Per cent of tasks done, rounded (0 without tasks)."""
    return round(100 * done / total) if total else 0
