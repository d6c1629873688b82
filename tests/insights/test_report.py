"""The monthly PDF report: served to the county's planners and written by the
``planning_report`` command (the hand figures of ``test_plank``)."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from minsheng.insights import report
from minsheng.insights.models import PlanningRun
from tests.insights.test_plank import MAY, build

pytestmark = pytest.mark.django_db
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    """A PDF literal string's bytes (octal and backslash escapes undone)."""
    out = bytearray()
    k = 0
    while k < len(raw):
        c = raw[k : k + 1]
        if c != b"\\":
            out += c
            k += 1
            continue
        nxt = raw[k + 1 : k + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[k + 1 : k + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            k += 1 + len(octal.group(0))
        else:
            out += ESCAPES.get(nxt, nxt)
            k += 2
    return bytes(out)


def text_of(pdf: bytes) -> tuple[int, str]:
    """The page count and the text of a ReportLab PDF set in the CID font (its strings are
    UTF-16BE in ASCII85 + Flate content streams): no PDF library is needed for that."""
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    texts = []
    for m in re.finditer(rb"stream\r?\n(.*?)~>endstream", pdf, re.S):
        content = zlib.decompress(base64.a85decode(m.group(1).replace(b"\n", b"")))
        for s in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = _unescape(s.group(1))
            texts.append(raw.decode("utf-16-be") if len(raw) % 2 == 0 else raw.decode("latin-1"))
    return pages, "\n".join(texts)


@pytest.fixture
def balance(world: Any) -> Any:
    return build(world)


def test_the_report_holds_the_headline_the_townships_and_the_inequality(balance):
    PlanningRun.objects.create(
        kind=PlanningRun.Kind.ALLOCATION,
        scope=balance.world.county,
        month=MAY,
        name="Budget 2027",
        inputs={"budget": 1_000_000, "objective": "leximin"},
        result={"min_attainment": 0.74, "rural_share": 0.9},
        created_by=balance.world.county_admin,
        created_at=timezone.now(),
    )
    with translation.override("en"):
        pdf = report.monthly_report(balance.world.county, MAY)
    assert pdf.startswith(b"%PDF")
    pages, text = text_of(pdf)
    assert pages == 2
    assert "2026-05" in text
    assert "attainment 68%" in text  # the county's shortest plank
    assert "1,200" in text and "60,000" in text
    for township in ("T1", "T2"):
        assert balance.world.__dict__[{"T1": "town_a", "T2": "town_b"}[township]].name_en in text
    assert "70%" in text and "50,000" in text  # T1's row
    assert "95.0%" in text and "+5.0" in text  # the response rate and its change
    assert "86.0" in text  # the happiness index
    assert "0.182" in text and "0.185" in text  # Gini of area A, unweighted and weighted
    assert "Budget 2027" in text and "min_attainment: 0.74" in text


def test_the_report_is_served_as_an_attachment(balance):
    c = Client()
    c.force_login(balance.world.county_admin)
    got = c.get("/staff/planning/report/", {"month": "2026-05"})
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == 'attachment; filename="planning-report-2026-05.pdf"'
    assert got.content.startswith(b"%PDF")
    assert c.get("/staff/planning/report/", {"month": "2026-02"}).status_code == 400


def test_the_report_in_chinese_uses_the_built_in_cid_font(balance):
    with translation.override("zh-hans"):
        pdf = report.monthly_report(balance.world.county, MAY)
    assert b"STSong-Light" in pdf
    assert text_of(pdf)[0] == 2


def test_the_command_writes_the_pdf(balance, tmp_path):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()
    call_command("planning_report", "--month", "2026-05", "--out", str(out), stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF")
    assert f"2026-05: wrote {out}" in stdout.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "--month: Give the month as YYYY-MM"),
        (["--month", "2026-01"], "--month: 2026-01 has not been computed"),
        (["--month", "2026-05", "--county", "XX"], "--county: no such county."),
    ],
)
def test_the_command_refuses_a_bad_month_or_county_and_writes_nothing(
    balance, tmp_path, args, message
):
    out = tmp_path / "report.pdf"
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("planning_report", *args, "--out", str(out))
    assert str(caught.value).startswith(message)
    assert not out.exists()


def test_the_command_exits_non_zero_on_a_bad_month(tmp_path):
    # The console script, as an operator runs it: the month is read before any database.
    script = Path(sys.executable).parent / "minsheng"
    args = [str(script), "planning_report", "--month", "bad", "--out", str(tmp_path / "r.pdf")]
    got = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ))  # noqa: S603 (our own console script)
    assert got.returncode == 1
    assert "--month" in got.stderr
    assert not (tmp_path / "r.pdf").exists()
