"""How an order is titled in lists and headings (pure: no Django).

A menu item is titled by its service. A free-form need has no service, and its area
("Elderly care") says little in a list of needs; it is titled by its own first words, as
people title a message: the description's first line, cut near ``limit`` characters at a
word or punctuation boundary, with an ellipsis when cut.
"""

from __future__ import annotations

import re
import unicodedata

TITLE_LENGTH = 20
ELLIPSIS = "…"

# Where a title may end: after punctuation (Chinese or Latin) or before a space.
_BREAK_AFTER = set("，。、；：！？,.;:!?)）】」』》")
_SPACE = re.compile(r"\s+")


def _width(ch: str) -> float:
    """A Chinese character counts one, a Latin letter or a space half (as they look)."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def first_words(text: str, limit: int = TITLE_LENGTH) -> str:
    """The first words of ``text``: its first line, at most ``limit`` Chinese characters
    wide (a Latin letter is half one), plus an ellipsis when cut, ending at a boundary
    (punctuation, a space, a change of script) when one falls in the second half."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = _SPACE.sub(" ", line)
    widths = [_width(ch) for ch in line]
    if sum(widths) <= limit:
        return line.rstrip("，,、；;：: ")
    room = 0
    total = 0.0
    while room < len(line) and total + widths[room] <= limit:
        total += widths[room]
        room += 1
    cut = room
    for i in range(room, room // 2, -1):
        before, after = line[i - 1], line[i]
        if before in _BREAK_AFTER or after == " " or _is_boundary(before, after):
            cut = i
            break
    title = line[:cut].rstrip(" ，,、；;：:")
    if title.endswith(("。", ".", "！", "!", "？", "?")):
        return title
    return title + ELLIPSIS


def _is_boundary(before: str, after: str) -> bool:
    """Between a CJK character and a Latin letter or digit (either way): a word ends."""

    def cjk(ch: str) -> bool:
        return bool(ch) and unicodedata.east_asian_width(ch) == "W" and ch.isalpha()

    def latin(ch: str) -> bool:
        return bool(ch) and ch.isascii() and ch.isalnum()

    return (cjk(before) and latin(after)) or (latin(before) and cjk(after))
