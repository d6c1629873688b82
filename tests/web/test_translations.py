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


def test_the_catalogue_holds_every_message_in_the_code(tmp_path):
    """makemessages over a copy of the package finds no message the catalogue lacks (a new
    string without its translation fails here, not in front of a resident)."""
    import hashlib
    import os
    import shutil
    import subprocess
    import sys

    package = Path(minsheng.__file__).parent
    committed = (LC / "django.po").read_bytes()
    copy = tmp_path / "minsheng"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings", "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    # The run wrote the copy's catalogue, never the package's own.
    assert (
        hashlib.sha256((LC / "django.po").read_bytes()).digest()
        == hashlib.sha256(committed).digest()
    )
    fresh = (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    ours = {m for m, s, _fuzzy in entries(committed.decode("utf-8")) if s}
    assert sorted({m for m, _s, _f in entries(fresh)} - ours) == []
