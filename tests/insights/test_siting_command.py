"""``minsheng site``: exact JSON on a small file, and every bad-input message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DEMAND = "id,population,lat,lon\na,1,0,0\nb,1,0,1\nc,1,0,2\nd,1,0,3\ne,10,0,4\n"
CANDIDATES = "id,lat,lon\nx,0,0\ny,0,2\nz,0,4\n"
MATRIX = "demand_id,x,y,z\na,0,2,4\nb,1,1,3\nc,2,0,2\nd,3,1,1\ne,4,2,0\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def site(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str, **files: str) -> str:
    paths = {k: write(tmp_path, f"{k}.csv", v) for k, v in files.items()}
    argv = [f"--{k.replace('_', '-')}={v}" for k, v in paths.items()]
    call_command("site", *argv, *args)
    return capsys.readouterr().out


def test_json_with_a_cost_matrix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = site(
        tmp_path,
        capsys,
        "--model=mclp",
        "--p=1",
        "--radius-km=1",
        "--json",
        demand=DEMAND,
        candidates=CANDIDATES,
        cost_matrix=MATRIX,
    )
    assert json.loads(out) == {
        "model": "mclp",
        "objective": 11.0,
        "sites": ["z"],
        "covered_population": 11.0,
        "covered_share": 11 / 14,
        "mean_cost": 10 / 14,
    }


def test_json_pmedian_without_radius_has_null_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = site(
        tmp_path,
        capsys,
        "--model=pmedian",
        "--p=1",
        "--json",
        demand=DEMAND,
        candidates=CANDIDATES,
        cost_matrix=MATRIX,
    )
    assert json.loads(out) == {
        "model": "pmedian",
        "objective": 10.0,
        "sites": ["z"],
        "covered_population": None,
        "covered_share": None,
        "mean_cost": 10 / 14,
    }


def test_existing_sites_in_the_matrix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    matrix = "demand_id,x,y,old\na,0,2,4\nb,1,1,3\nc,2,0,2\nd,3,1,1\ne,4,2,0\n"
    out = site(
        tmp_path,
        capsys,
        "--model=lscp",
        "--radius-km=1",
        "--json",
        demand=DEMAND,
        candidates="id,lat,lon\nx,,\ny,,\n",
        existing="id,lat,lon\nold,,\n",
        cost_matrix=matrix,
    )
    assert json.loads(out)["sites"] == ["x", "y"]


def test_great_circle_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a degree of longitude at the equator is 111.195 km: z covers d and e within 120 km
    out = site(
        tmp_path,
        capsys,
        "--model=mclp",
        "--p=1",
        "--radius-km=120",
        demand=DEMAND,
        candidates=CANDIDATES,
    )
    assert out.splitlines()[:4] == [
        "model: mclp",
        "objective: 11",
        "sites: z",
        "covered population: 11 (78.57%)",
    ]


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (
            ["--model=mclp", "--p=4", "--radius-km=1"],
            {},
            "p = 4 is larger than the 3 candidate sites.",
        ),
        (["--model=mclp", "--p=0", "--radius-km=1"], {}, "p must be at least 1, not 0."),
        (["--model=mclp", "--p=1", "--radius-km=-1"], {}, "The radius must be positive, not -1.0."),
        (["--model=mclp", "--p=1"], {}, "The mclp model needs a radius."),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,population,lat,lon\na,1,95,0\n"},
            "Demand file, row 2: lat 95.0 is outside -90 to 90.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,population,lat,lon\na,1,0,200\n"},
            "Demand file, row 2: lon 200.0 is outside -180 to 180.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,population,lat,lon\na,-3,0,0\n"},
            "Demand file, row 2: population is negative.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,population,lat,lon\na,,0,0\n"},
            "Demand file, row 2: population is missing.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,population,lat,lon\na,many,0,0\n"},
            "Demand file, row 2: population 'many' is not a number.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,population,lat,lon\na,0,0,0\n"},
            "The total population must be positive.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": "id,lat,lon\na,0,0\n"},
            "Demand file: the column population is missing.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": DEMAND.replace("lon\n", "lon,height\n")},
            "Demand file: unknown column height.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"demand": DEMAND + "a,1,0,0\n"},
            "Demand file, row 7: the id a appears twice.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"candidates": "id,lat,lon\nx,0,\n"},
            "Candidates file, row 2: lon is missing.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"existing": "id,lat,lon\nx,0,0\n"},
            "Site x is both a candidate and an existing site.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"cost_matrix": MATRIX.replace("demand_id", "from")},
            "Cost matrix file: the first column must be demand_id.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"cost_matrix": MATRIX.replace(",z\n", ",w\n", 1)},
            "Cost matrix file: no column for site z.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {
                "cost_matrix": MATRIX.replace("x,y,z", "x,y,z,q")
                .replace("\n", ",1\n")
                .replace("z,q,1", "z,q")
            },
            "Cost matrix file: the column q is neither a candidate nor an existing site.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"cost_matrix": MATRIX.replace("e,4,2,0\n", "")},
            "Cost matrix file: no row for demand point e.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"cost_matrix": MATRIX + "f,1,1,1\n"},
            "Cost matrix file, row 7: unknown demand point 'f'.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"cost_matrix": MATRIX.replace("b,1,1,3", "b,1,,3")},
            "Cost matrix file, row 3: y is missing.",
        ),
        (
            ["--model=pmedian", "--p=1"],
            {"cost_matrix": MATRIX.replace("b,1,1,3", "b,1,-1,3")},
            "Cost matrix file, row 3: y is negative.",
        ),
        (
            ["--model=lscp", "--radius-km=0.5"],
            {"cost_matrix": MATRIX},
            "No site is within the radius of demand points b, d: set covering is infeasible.",
        ),
    ],
)
def test_bad_input(tmp_path: Path, args: list[str], files: dict[str, str], message: str) -> None:
    given = {"demand": DEMAND, "candidates": CANDIDATES, **files}
    argv = [f"--{k.replace('_', '-')}={write(tmp_path, k + '.csv', v)}" for k, v in given.items()]
    with pytest.raises(CommandError) as exc:
        call_command("site", *argv, *args)
    assert str(exc.value) == message


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^--demand: cannot read .*nothing.csv"):
        call_command(
            "site",
            f"--demand={tmp_path / 'nothing.csv'}",
            f"--candidates={write(tmp_path, 'c.csv', CANDIDATES)}",
            "--model=lscp",
            "--radius-km=1",
        )
