"""Medicines against the essential list, as plain computation (no Django): which levels of
the list a facility is held to, its coverage of them, and which entries a resident's words
name.

- A village clinic is held to the entries of level ``village``; a township health centre to
  those of ``village`` and ``township`` (an entry's level is the lowest expected to
  dispense it).
- Coverage: of the essential entries of the facility's levels, the share it may dispense
  (``covered / expected``; no expected entry: no share).
- A text names the entries whose name (Chinese or English, case ignored, spaces ignored)
  it contains, the longest name winning ("预混胰岛素" over "胰岛素"); failing a name, the
  entries one of whose keywords (the words residents use: "降压药") it contains, all of
  them, in the order given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

VILLAGE = "village"
TOWNSHIP = "township"
# Facility kinds (``facilities.models.Kind`` values) and the list levels they are held to.
LEVELS: dict[str, tuple[str, ...]] = {
    "clinic": (VILLAGE,),
    "health_centre": (VILLAGE, TOWNSHIP),
}
MIN_NAME = 2  # a one-character "name" would be found in almost any text


def levels_for(kind: str) -> tuple[str, ...]:
    """The list levels a facility of ``kind`` is held to (none for other kinds)."""
    return LEVELS.get(kind, ())


@dataclass(frozen=True)
class Coverage:
    expected: int  # essential entries of the facility's levels
    covered: int  # of those, the ones it may dispense

    @property
    def share(self) -> float | None:
        return None if self.expected == 0 else self.covered / self.expected

    @property
    def missing(self) -> int:
        return self.expected - self.covered


def coverage(expected: Iterable[str], dispensed: Iterable[str]) -> Coverage:
    """Coverage of the ``expected`` codes by the ``dispensed`` codes."""
    wanted = set(expected)
    return Coverage(expected=len(wanted), covered=len(wanted & set(dispensed)))


@dataclass(frozen=True)
class Entry:
    code: str
    names: tuple[str, ...]
    keywords: tuple[str, ...]


def _plain(text: str) -> str:
    return "".join(text.split()).casefold()


def split_keywords(keywords: str) -> tuple[str, ...]:
    """Keywords as entered: separated by spaces, commas or the Chinese comma/顿号."""
    for sep in ",，、;；":
        keywords = keywords.replace(sep, " ")
    return tuple(k for k in keywords.split() if k)


def named(text: str, entries: Sequence[Entry]) -> list[str]:
    """The codes of the entries ``text`` names (see the module docstring)."""
    plain = _plain(text)
    if not plain:
        return []
    best = 0
    by_name: list[str] = []
    for e in entries:
        longest = max(
            (len(n) for n in map(_plain, e.names) if len(n) >= MIN_NAME and n in plain),
            default=0,
        )
        if longest > best:
            best, by_name = longest, [e.code]
        elif longest and longest == best:
            by_name.append(e.code)
    if by_name:
        return by_name
    return [
        e.code
        for e in entries
        if any(len(k) >= MIN_NAME and k in plain for k in map(_plain, e.keywords))
    ]


def lacking(candidates: Sequence[str], dispensed: Iterable[str]) -> str | None:
    """The entry a request for ``candidates`` counts against, or None when the facility
    dispenses one of them (asked for "降压药", a clinic with any of them has what was
    asked). The first candidate: callers order them village level first, then by code."""
    have = set(dispensed)
    if not candidates or any(c in have for c in candidates):
        return None
    return candidates[0]
