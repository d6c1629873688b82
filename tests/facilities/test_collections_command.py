"""``minsheng collection --csv FILE --as-of YEAR [--json]`` on hand-computed collections:
the figures, the JSON's exact keys and values, and each refusal naming its row (the header
is row 1), with exit status 2 and no figures printed."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.facilities.collections_helpers import csv_bytes

# Ages in 2026: 1 (1 copy), 6 (2), 26 (3), 2 (2): sorted 1,2,2,6,6,26,26,26 -> median 6;
# under five: 3 of 8; classes S 1, I 4, D 3 of 8; largest I, 4/8.
ROWS = [
    ["稻田养鱼技术", "S", 2025, 1],
    ["平凡的世界", "I", 2020, 2],
    ["土地承包法问答", "D", 2000, 3],
    ["唐诗三百首", "i", 2024, 2],  # lower case: read as I
]
SHANNON = -(1 / 8 * math.log(1 / 8) + 4 / 8 * math.log(4 / 8) + 3 / 8 * math.log(3 / 8))


def write(tmp_path: Path, rows: list[list[object]], header: list[str] | None = None) -> str:
    path = tmp_path / "titles.csv"
    path.write_bytes(csv_bytes(rows, header))
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("collection", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[CommandError, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("collection", *args, stdout=out, stderr=err)
    assert info.value.returncode == 2
    return info.value, out.getvalue(), err.getvalue()


def test_the_figures_as_text(tmp_path):
    out, err = run("--csv", write(tmp_path, ROWS), "--as-of", "2026")
    assert pytest.approx(0.9743148, abs=1e-7) == SHANNON
    assert out.splitlines() == [
        "titles: 4",
        "copies: 8",
        "median age (years): 6.0",
        "share under 5 years: 0.375",
        "shannon (ln): 0.974",
        "largest class: I (0.500)",
        "classes: 3",
        "evenness: 0.887",  # 0.9743148 / ln 3
    ]
    assert err == ""


def test_json_has_exactly_the_four_keys_and_values(tmp_path):
    out, _err = run("--csv", write(tmp_path, ROWS), "--as-of", "2026", "--json")
    data = json.loads(out)
    assert list(data) == ["median_age", "share_under_5", "shannon", "largest_share"]
    assert data["median_age"] == 6.0
    assert data["share_under_5"] == 0.375
    assert data["shannon"] == pytest.approx(SHANNON, abs=1e-12)
    assert data["largest_share"] == 0.5


def test_an_even_number_of_copies_takes_the_mean_of_the_middle_ages(tmp_path):
    rows = [["A", "I", 2020, 3], ["B", "I", 2010, 2], ["C", "D", 2024, 5]]
    out, _err = run("--csv", write(tmp_path, rows), "--as-of", "2026", "--json")
    # ages 2 x5, 6 x3, 16 x2: the 5th and 6th are 2 and 6
    assert json.loads(out) == {
        "median_age": 4.0,
        "share_under_5": 0.5,
        "shannon": math.log(2),
        "largest_share": 0.5,
    }


def test_extra_columns_are_ignored(tmp_path):
    header = ["title", "author", "subject", "year", "copies", "shelf"]
    rows = [[r[0], "某人", r[1], r[2], r[3], "A-1"] for r in ROWS]
    out, _err = run("--csv", write(tmp_path, rows, header), "--as-of", "2026", "--json")
    assert json.loads(out)["median_age"] == 6.0


@pytest.mark.usefixtures("english")
def test_every_bad_row_is_named_and_nothing_is_printed_as_figures(tmp_path):
    rows = [
        ["好书", "S", 2020, 2],
        ["", "S", 2020, 2],  # row 3: empty title
        ["书二", "S", "二〇二〇", 2],  # row 4: not numeric
        ["书三", "S", 2027, 2],  # row 5: after the reference year
        ["书四", "S", 2020, 0],  # row 6: no copies
        ["书五", "S", 2020, -1],  # row 7
        ["书六", "S", 2020, 1.5],  # row 8
        ["书七", "L", 2020, 1],  # row 9: no class L
        ["书八", "AB", 2020, 1],  # row 10
    ]
    exc, out, err = refused("--csv", write(tmp_path, rows), "--as-of", "2026", "--json")
    assert out == ""
    assert str(exc) == "8 bad row(s): no figures computed."
    assert err.splitlines() == [
        "Row 3, title: The title is empty.",
        "Row 4, year: The year “二〇二〇” is not a whole number.",
        "Row 5, year: The year 2027 is later than the reference year 2026.",
        "Row 6, copies: Copies must be a whole number from 1 to 100000, not “0”.",
        "Row 7, copies: Copies must be a whole number from 1 to 100000, not “-1”.",
        "Row 8, copies: Copies must be a whole number from 1 to 100000, not “1.5”.",
        "Row 9, subject: “L” is not a top-level class of the Chinese Library Classification "
        "(one letter: A–K, N–V, X or Z).",
        "Row 10, subject: “AB” is not a top-level class of the Chinese Library Classification "
        "(one letter: A–K, N–V, X or Z).",
    ]


@pytest.mark.usefixtures("english")
def test_a_missing_column_is_named(tmp_path):
    path = write(tmp_path, [["书", 2020]], ["title", "year"])
    exc, out, _err = refused("--csv", path, "--as-of", "2026")
    assert str(exc) == "titles.csv: The table lacks the columns: subject, copies."
    assert out == ""


@pytest.mark.usefixtures("english")
def test_an_empty_table_is_refused(tmp_path):
    exc, _out, _err = refused("--csv", write(tmp_path, []), "--as-of", "2026")
    assert str(exc) == "titles.csv: The table has no titles under its header."


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("20x6", "--as-of: “20x6” is not a year."),
        ("999", "--as-of: 999 is not a year from 1000 to {now}."),
        ("{next}", "--as-of: {next} is not a year from 1000 to {now}."),
    ],
)
def test_a_bad_reference_year_is_refused(tmp_path, as_of, message):
    now = timezone.localdate().year
    values = {"now": now, "next": now + 1}
    exc, _out, _err = refused("--csv", write(tmp_path, ROWS), "--as-of", as_of.format(**values))
    assert str(exc) == message.format(**values)


def test_a_missing_file_is_refused(tmp_path):
    exc, _out, _err = refused("--csv", str(tmp_path / "none.csv"), "--as-of", "2026")
    assert str(exc).startswith("--csv: cannot read ")


def test_the_console_script_exits_with_status_2(tmp_path):
    path = write(tmp_path, [["书", "S", 2030, 1]])
    script = Path(sys.executable).with_name("minsheng")
    done = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [str(script), "collection", "--csv", path, "--as-of", "2026", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    # a console speaks the site's language, Chinese first
    assert "第 2 行，year：年份 2030 晚于参照年份 2026。" in done.stderr
