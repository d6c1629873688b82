"""The Chinese catalogue is complete and compiled (no build step on a fresh machine)."""

from __future__ import annotations

import re
from pathlib import Path

import minsheng

LC = Path(minsheng.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def entries(po: str) -> list[tuple[str, str, bool]]:
    """(msgid, first msgstr, fuzzy) of every entry but the header."""
    out = []
    for block in po.split("\n\n")[1:]:
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        msgid = "".join(
            re.findall(
                r'^(?:msgid )?"(.*)"$', block.split("msgid_plural")[0].split("msgstr")[0], re.M
            )
        )
        msgstr = "".join(
            re.findall(
                r'^(?:msgstr(?:\[0\])? )?"(.*)"$',
                re.split(r"^msgstr(?:\[0\])? ", block, flags=re.M)[-1].split("msgstr[1]")[0],
                re.M,
            )
        )
        if msgid:
            out.append((msgid, msgstr, fuzzy))
    return out


def test_every_message_has_a_chinese_translation():
    po = (LC / "django.po").read_text(encoding="utf-8")
    found = entries(po)
    assert len(found) > 400
    assert [m for m, s, fuzzy in found if not s or fuzzy] == []


def test_compiled_catalogue_is_committed_next_to_the_source():
    assert (LC / "django.mo").stat().st_size > 10_000
