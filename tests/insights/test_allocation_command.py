"""``minsheng allocate``: the cells and limits files, the JSON, and bad input by row/column."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

CELLS = (
    "region,area,population,attainment,rural,weight,within,capacity_1,gain_1,capacity_2,gain_2\n"
    "A,edu,100,0.2,yes,,T1,100000,0.1,,\n"
    "B,edu,100,0.4,no,1,T1,50000,0.05,50000,0.04\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args: str) -> str:
    out = StringIO()
    call_command("allocate", *args, stdout=out)
    return out.getvalue()


def test_json_gives_the_chosen_allocation_and_all_three_summaries(tmp_path):
    data = json.loads(
        run("--cells", write(tmp_path, "c.csv", CELLS), "--budget", "40000", "--json")
    )
    assert data["objective"] == "maximin"
    assert data["budget"] == 40000
    assert [c["region"] for c in data["cells"]] == ["A", "B"]
    assert data["cells"][0]["spend"] == pytest.approx(20_000 + 20_000 / 3, abs=1e-2)
    assert data["cells"][0]["after"] == pytest.approx(0.4 + 1 / 15, abs=1e-7)
    assert data["cells"][0]["rural"] is True and data["cells"][1]["rural"] is False
    assert set(data["summary"]) == {"maximin", "leximin", "utilitarian"}
    assert set(data["summary"]["maximin"]) == {
        "min",
        "min_weighted",
        "mean",
        "gini",
        "total",
        "spent",
        "unspent",
        "rural_share",
        "rounds",
    }
    assert data["before"]["min"] == pytest.approx(0.2)
    assert data["summary"]["utilitarian"]["rural_share"] == pytest.approx(1.0)
    assert data["price_of_fairness"] == pytest.approx(1 / 15, abs=1e-7)


def test_limits_file_caps_a_region_and_the_text_report_says_what_is_unspent(tmp_path):
    limits = write(tmp_path, "l.csv", "region,floor,cap\nT1,,10000\n")
    cells = write(tmp_path, "c.csv", CELLS)
    data = json.loads(
        run(
            "--cells",
            cells,
            "--budget",
            "40000",
            "--limits",
            limits,
            "--json",
            "--objective",
            "utilitarian",
        )
    )
    assert data["summary"]["utilitarian"]["spent"] == pytest.approx(10_000, abs=1e-2)
    assert data["summary"]["utilitarian"]["unspent"] == pytest.approx(30_000, abs=1e-2)
    text = run("--cells", cells, "--budget", "40000", "--limits", limits)
    assert "price of fairness" in text
    assert "30,000" in text


def test_an_xlsx_cells_file_is_read_too(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for line in CELLS.strip().splitlines():
        book.active.append(line.split(","))
    path = tmp_path / "c.xlsx"
    book.save(path)
    data = json.loads(run("--cells", str(path), "--budget", "40000", "--json"))
    assert data["summary"]["maximin"]["min"] == pytest.approx(0.4 + 1 / 15, abs=1e-7)


@pytest.mark.parametrize(
    ("cells", "args", "message"),
    [
        (
            CELLS.replace("A,edu,100", "A,edu,abc"),
            [],
            "row 2, column population: 'abc' is not a number",
        ),
        (
            CELLS.replace("A,edu,100", "A,edu,0"),
            [],
            "row 2: cell A/edu: the population must be positive",
        ),
        (CELLS.replace(",yes,", ",maybe,"), [], "row 2, column rural: 'maybe' is not yes or no"),
        (
            CELLS.replace("0.05,50000,0.04", "0.05,50000,0.06"),
            [],
            "row 3: cell B/edu: band 2's gain",
        ),
        (CELLS.replace("region,", "place,"), [], "the header lacks the column(s) region"),
        (CELLS.replace("within,", "colour,"), [], "unknown column 'colour'"),
        (CELLS.replace(",capacity_2,gain_2", ",capacity_2,gain_3"), [], "column gain_2 is missing"),
        (CELLS, ["--budget", "-5"], "the budget is negative"),
        (CELLS, ["--budget", "lots"], "--budget: 'lots' is not a number"),
    ],
)
def test_bad_input_names_the_row_and_column_and_exits_non_zero(tmp_path, cells, args, message):
    path = write(tmp_path, "c.csv", cells)
    budget = [] if "--budget" in args else ["--budget", "1000"]
    with pytest.raises(CommandError) as exc:
        run("--cells", path, *budget, *args)
    assert message in str(exc.value)


def test_bad_limits_are_refused_with_the_region(tmp_path):
    cells = write(tmp_path, "c.csv", CELLS)
    for text, message in [
        ("region,floor,cap\nZ,,5\n", "limit for region Z: no cell is in that region"),
        ("region,floor,cap\nA,6,5\n", "the floor (6) is above the cap (5)"),
        ("region,floor,cap\nA,600,\nB,600,\n", "below the sum of the floors (1200 yuan)"),
        ("region,floor,cap\nA,x,\n", "--limits: row 2, column floor: 'x' is not a number"),
    ]:
        with pytest.raises(CommandError) as exc:
            run("--cells", cells, "--budget", "1000", "--limits", write(tmp_path, "l.csv", text))
        assert message in str(exc.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="--cells: cannot read"):
        run("--cells", str(tmp_path / "none.csv"), "--budget", "1")


def test_the_console_exit_code_is_non_zero(tmp_path):
    import subprocess
    import sys

    path = write(tmp_path, "c.csv", CELLS.replace("A,edu,100", "A,edu,-1"))
    got = subprocess.run(  # noqa: S603 (our own interpreter and a temporary file)
        [sys.executable, "-m", "django", "allocate", "--cells", path, "--budget", "10"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings"},
    )
    assert got.returncode == 1
    assert "row 2: cell A/edu: the population must be positive" in got.stderr
