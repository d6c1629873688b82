"""``minsheng equity --csv FILE --value COL [--weight COL] [--group COL] [--json]`` on a
small hand-computed table (the figures of tests/insights/test_inequality.py): the exact
JSON, XLSX input, the text table, and every refusal with its message, exit status 2 and
nothing printed as figures. Nothing touches the database."""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

HEADER = ["Region", "Income", "Pop", "Type"]
ROWS = [
    ["甲村", 1, 4, "rural"],
    ["乙村", 2, 3, "rural"],
    ["丙镇", 3, 2, "urban"],
    ["丁镇", 4, 1, "urban"],
]

# Unweighted (mu 2.5) and weighted by Pop (shares .4 .3 .2 .1, mu 2): see test_inequality.py
GINI, W_GINI = 0.25, 0.27
THEIL_T = (
    0.4 * math.log(0.4) + 0.8 * math.log(0.8) + 1.2 * math.log(1.2) + 1.6 * math.log(1.6)
) / 4
THEIL_L = math.log(2.5**4 / 24) / 4
W_THEIL_T = 0.4 * 0.5 * math.log(0.5) + 0.2 * 1.5 * math.log(1.5) + 0.1 * 2 * math.log(2)
W_THEIL_L = 0.4 * math.log(2) + 0.2 * math.log(2 / 3) + 0.1 * math.log(0.5)


def write_csv(tmp_path: Path, rows: list[list[object]], header: list[str] = HEADER) -> str:
    lines = [",".join(header)] + [",".join(str(v) for v in r) for r in rows]
    path = tmp_path / "regions.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("equity", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as info:
        call_command("equity", *args, stdout=out, stderr=err)
    assert info.value.returncode == 2
    assert out.getvalue() == ""  # no figures
    return str(info.value), out.getvalue(), err.getvalue()


def test_unweighted_json_has_exactly_these_keys_and_values(tmp_path):
    out, err = run("--csv", write_csv(tmp_path, ROWS), "--value", "income", "--json")
    data = json.loads(out)
    assert err == ""
    assert list(data) == ["n", "epsilon", "standard", "unweighted"]
    assert data["n"] == 4
    assert data["epsilon"] == 1.0
    assert data["standard"] is None
    u = data["unweighted"]
    assert list(u) == [
        "n",
        "mean",
        "gini",
        "theil_t",
        "theil_l",
        "atkinson",
        "cv",
        "max_min",
        "shortfall",
    ]
    assert u["n"] == 4
    assert u["mean"] == 2.5
    assert u["gini"] == pytest.approx(GINI, abs=1e-12)
    assert u["theil_t"] == pytest.approx(THEIL_T, abs=1e-12)
    assert u["theil_l"] == pytest.approx(THEIL_L, abs=1e-12)
    assert u["atkinson"] == pytest.approx(1 - 24**0.25 / 2.5, abs=1e-12)  # epsilon 1
    assert u["cv"] == pytest.approx(math.sqrt(0.2), abs=1e-12)
    assert u["max_min"] == 4.0
    assert u["shortfall"] is None


def test_weighted_grouped_json(tmp_path):
    out, _ = run(
        "--csv",
        write_csv(tmp_path, ROWS),
        "--value",
        "Income",  # column names match whatever their case
        "--weight",
        "pop",
        "--group",
        "type",
        "--epsilon",
        "2",
        "--standard",
        "3",
        "--json",
    )
    data = json.loads(out)
    assert list(data) == ["n", "epsilon", "standard", "unweighted", "weighted"]
    assert data["epsilon"] == 2.0
    assert data["standard"] == 3.0
    u, w = data["unweighted"], data["weighted"]
    assert list(w) == [
        "n",
        "mean",
        "gini",
        "theil_t",
        "theil_l",
        "atkinson",
        "williamson",
        "population",
        "max_min",
        "shortfall",
        "between",
        "within",
        "groups",
    ]
    assert u["atkinson"] == pytest.approx(0.232, abs=1e-12)  # 1 - harmonic mean 1.92 / 2.5
    assert u["shortfall"] == 0.75  # (2 + 1 + 0 + 0) / 4
    assert w["n"] == 4
    assert w["population"] == 10.0
    assert w["mean"] == pytest.approx(2.0, abs=1e-12)
    assert w["gini"] == pytest.approx(W_GINI, abs=1e-12)
    assert w["theil_t"] == pytest.approx(W_THEIL_T, abs=1e-12)
    assert w["theil_l"] == pytest.approx(W_THEIL_L, abs=1e-12)
    assert w["williamson"] == pytest.approx(0.5, abs=1e-12)
    assert w["max_min"] == 4.0
    assert w["shortfall"] == pytest.approx(1.1, abs=1e-12)  # 0.4 * 2 + 0.3 * 1
    # unweighted decomposition: rural mean 1.5, urban 3.5, half the regions each
    assert u["between"]["theil_l"] == pytest.approx(0.5 * math.log(6.25 / 5.25), abs=1e-12)
    assert u["between"]["theil_t"] == pytest.approx(
        0.3 * math.log(0.6) + 0.7 * math.log(1.4), abs=1e-12
    )
    for version, t, ell in ((u, THEIL_T, THEIL_L), (w, W_THEIL_T, W_THEIL_L)):
        assert list(version["between"]) == ["theil_t", "theil_l"]
        assert version["between"]["theil_t"] + version["within"]["theil_t"] == pytest.approx(t)
        assert version["between"]["theil_l"] + version["within"]["theil_l"] == pytest.approx(ell)
    # weighted: rural 7 people, mean 10/7; urban 3 people, mean 10/3
    assert w["between"]["theil_l"] == pytest.approx(
        0.7 * math.log(2 / (10 / 7)) + 0.3 * math.log(2 / (10 / 3)), abs=1e-12
    )
    assert list(w["groups"]) == ["rural", "urban"]
    rural = w["groups"]["rural"]
    assert list(rural) == ["n", "share", "share_of_total", "mean", "gini", "theil_t", "theil_l"]
    assert rural["n"] == 2
    assert rural["share"] == pytest.approx(0.7, abs=1e-12)
    assert rural["share_of_total"] == pytest.approx(0.5, abs=1e-12)  # 10 of 20
    assert rural["mean"] == pytest.approx(10 / 7, abs=1e-12)
    # people 4 at 1, 3 at 2: pairs 4*3*|1-2| twice over (2 * 49 * 10/7) = 24/140
    assert rural["gini"] == pytest.approx(24 / 140, abs=1e-12)
    urban_u = u["groups"]["urban"]
    assert urban_u["share"] == 0.5
    assert urban_u["share_of_total"] == pytest.approx(0.7, abs=1e-12)
    assert urban_u["theil_l"] == pytest.approx(0.5 * math.log(3.5**2 / 12), abs=1e-12)


def test_xlsx_input_gives_the_same_figures(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "regions.xlsx"
    book.save(path)
    out, _ = run("--csv", str(path), "--value", "income", "--weight", "pop", "--json")
    csv_out, _ = run(
        "--csv", write_csv(tmp_path, ROWS), "--value", "income", "--weight", "pop", "--json"
    )
    assert json.loads(out) == json.loads(csv_out)
    assert json.loads(out)["weighted"]["gini"] == pytest.approx(W_GINI, abs=1e-12)


def test_gb18030_csv_is_read(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes("村,人均\n甲村,1\n乙村,3\n".encode("gb18030"))
    out, _ = run("--csv", str(path), "--value", "人均", "--json")
    assert json.loads(out)["unweighted"]["gini"] == pytest.approx(0.25, abs=1e-12)  # 2/(2*4)


def test_text_table(tmp_path):
    out, err = run(
        "--csv",
        write_csv(tmp_path, ROWS),
        "--value",
        "income",
        "--weight",
        "pop",
        "--group",
        "type",
    )
    lines = out.splitlines()
    assert err == ""
    assert lines[0] == "regions: 4"
    assert lines[1].split() == ["unweighted", "weighted"]
    table = {}
    for line in lines[2:10]:
        label, *cells = re.split(r"\s{2,}", line.strip())
        table[label] = cells
    assert table == {
        "mean": ["2.5000", "2.0000"],
        "Gini coefficient": ["0.2500", "0.2700"],
        "Theil T": [f"{THEIL_T:.4f}", f"{W_THEIL_T:.4f}"],
        "Theil L": [f"{THEIL_L:.4f}", f"{W_THEIL_L:.4f}"],
        "Atkinson index (ε = 1)": ["0.1147", f"{1 - math.exp(-W_THEIL_L):.4f}"],
        "coefficient of variation (Williamson when weighted)": ["0.4472", "0.5000"],
        "max/min ratio": ["4.0000", "4.0000"],
        "shortfall from the standard": ["-", "-"],
    }
    assert "Theil L: between groups" in out
    assert lines[-5].split() == [
        "group",
        "regions",
        "mean",
        "Gini",
        "coefficient",
        "Theil",
        "T",
        "Theil",
        "L",
    ]
    assert lines[-2].split() == ["rural", "(weighted)", "2", "1.4286", "0.1714", "0.0592", "0.0596"]


def test_zh_is_the_default_language(tmp_path):
    out = io.StringIO()
    call_command("equity", "--csv", write_csv(tmp_path, ROWS), "--value", "income", stdout=out)
    assert out.getvalue().splitlines()[0].endswith("4")


@pytest.mark.parametrize(
    ("rows", "args", "stderr"),
    [
        (
            [["甲村", "", 4, "rural"], ["乙村", "abc", 3, "rural"], ["丙镇", "nan", 2, "urban"]],
            [],
            [
                "row 2, column “income”: the value is missing.",
                "row 3, column “income”: “abc” is not a number.",
                "row 4, column “income”: “nan” is not a number.",
            ],
        ),
        (
            [["甲村", 0, 4, "rural"], ["乙村", -2, 3, "rural"]],
            [],
            [
                "row 2, column “income”: 0 is not positive: Theil T, Theil L and the Atkinson "
                "index need every value to be more than zero.",
                "row 3, column “income”: -2 is not positive: Theil T, Theil L and the Atkinson "
                "index need every value to be more than zero.",
            ],
        ),
        (
            [["甲村", 1, 0, "rural"], ["乙村", 2, "", "rural"], ["丙镇", 3, "x", "urban"]],
            ["--weight", "pop"],
            [
                "row 2, column “pop”: the weight 0 is not positive: every weight must be more "
                "than zero.",
                "row 3, column “pop”: the weight is missing.",
                "row 4, column “pop”: “x” is not a number.",
            ],
        ),
        (
            [["甲村", 1, 4, "rural"], ["乙村", 2, 3, ""]],
            ["--group", "type"],
            ["row 3, column “type”: the group is missing."],
        ),
    ],
)
def test_bad_rows_are_each_named_and_nothing_is_computed(tmp_path, rows, args, stderr):
    message, _out, err = refused("--csv", write_csv(tmp_path, rows), "--value", "income", *args)
    assert err.splitlines() == stderr
    assert message == f"{len(stderr)} bad value(s): no figures computed."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--value", "salary"],
            "--value: regions.csv has no column “salary”; its columns are: region, income, pop, "
            "type.",
        ),
        (
            ["--value", "income", "--weight", "people"],
            "--weight: regions.csv has no column “people”; its columns are: region, income, pop, "
            "type.",
        ),
        (
            ["--value", "income", "--group", "kind"],
            "--group: regions.csv has no column “kind”; its columns are: region, income, pop, "
            "type.",
        ),
        (
            ["--value", "income", "--epsilon", "-1"],
            "--epsilon: “-1” is not a number of zero or more.",
        ),
        (
            ["--value", "income", "--epsilon", "much"],
            "--epsilon: “much” is not a number of zero or more.",
        ),
        (["--value", "income", "--standard", "0"], "--standard: “0” is not a positive number."),
        (["--value", "income", "--standard", "inf"], "--standard: “inf” is not a positive number."),
    ],
)
def test_bad_arguments_are_refused(tmp_path, args, message):
    got, _out, err = refused("--csv", write_csv(tmp_path, ROWS), *args)
    assert got == message
    assert err == ""


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    message, _out, _err = refused("--csv", str(path), "--value", "income")
    assert message == "empty.csv: the file is empty."


def test_a_header_without_rows_is_refused(tmp_path):
    message, _out, _err = refused("--csv", write_csv(tmp_path, []), "--value", "income")
    assert message == "regions.csv: the file has a header but no rows of data."


def test_a_missing_file_is_refused(tmp_path):
    message, _out, _err = refused("--csv", str(tmp_path / "nope.csv"), "--value", "income")
    assert message == f"--csv: cannot read {tmp_path / 'nope.csv'}: No such file or directory"


def test_a_broken_xlsx_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    message, _out, _err = refused("--csv", str(path), "--value", "income")
    assert message == "broken.xlsx: The file is not a readable XLSX workbook."


def test_the_console_script_exits_with_status_2(tmp_path):
    path = write_csv(tmp_path, [["甲村", 0, 1, "rural"]])
    script = Path(sys.executable).with_name("minsheng")
    done = subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [str(script), "equity", "--csv", path, "--value", "income", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "row 2" in done.stderr or "第 2 行" in done.stderr
