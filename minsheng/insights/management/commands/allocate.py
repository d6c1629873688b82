"""``minsheng allocate``: the budget allocation of issue 11 on a cells file (docs/balance.md)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.tables import Row, Table, TableError, read_table
from minsheng.insights.allocation import (
    OBJECTIVES,
    AllocationError,
    Band,
    Cell,
    Limit,
    Objective,
    as_json,
    compare,
    validate,
)

CELL_COLUMNS = ["region", "area", "population", "attainment"]
OPTIONAL = ["rural", "weight", "within"]
BAND = re.compile(r"^(capacity|gain)_(\d+)$")
TRUE = {"1", "yes", "y", "true", "t", "rural", "是", "农村"}
FALSE = {"", "0", "no", "n", "false", "f", "urban", "否", "城镇"}


class Command(BaseCommand):
    help = (
        "Allocate a budget over cells (region x area) with diminishing returns: maximin, "
        "leximin or utilitarian, with the other two beside it and the price of fairness. "
        "Cells file (CSV/XLSX): region,area,population,attainment[,rural][,weight][,within],"
        "capacity_1,gain_1,capacity_2,gain_2,... (capacity in yuan, gain in attainment points "
        "per 10,000 yuan, gains decreasing). Limits file: region,floor,cap (yuan)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cells", required=True, help="the cells file (CSV or XLSX)")
        parser.add_argument("--budget", required=True, help="the budget in yuan")
        parser.add_argument("--objective", choices=OBJECTIVES, default="maximin")
        parser.add_argument("--limits", help="floors and caps per region: region,floor,cap")
        parser.add_argument("--json", action="store_true", help="print JSON (docs/balance.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        budget = _number(options["budget"], "--budget")
        cells = read_cells(_table(options["cells"], "--cells"))
        limits = read_limits(_table(options["limits"], "--limits")) if options["limits"] else {}
        objective: Objective = options["objective"]
        try:
            comparison = compare(cells, budget, limits)
        except AllocationError as exc:
            raise CommandError(str(exc)) from None
        data = as_json(cells, budget, comparison, objective)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_text(data))


def _number(text: str, where: str) -> float:
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        raise CommandError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CommandError(f"{where}: {text!r} is not a finite number")
    return value


def _table(path: str, option: str) -> Table:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"{option}: cannot read {path}: {exc.strerror}") from None
    try:
        return read_table(data, path)
    except TableError as exc:
        raise CommandError(f"{option}: {exc}") from None


def _cell(row: Row, column: str) -> float:
    text = row.values.get(column, "")
    if text == "":
        raise CommandError(f"row {row.number}, column {column}: a number is needed")
    return _number(text, f"row {row.number}, column {column}")


def read_cells(table: Table) -> list[Cell]:
    missing = table.missing(CELL_COLUMNS)
    if missing:
        raise CommandError(f"--cells: the header lacks the column(s) {', '.join(missing)}")
    numbers: set[int] = set()
    for column in table.header:
        match = BAND.match(column)
        if match:
            numbers.add(int(match.group(2)))
        elif column and column not in CELL_COLUMNS + OPTIONAL:
            raise CommandError(f"--cells: unknown column {column!r}")
    bands = sorted(numbers)
    for k in bands:
        for kind in ("capacity", "gain"):
            if f"{kind}_{k}" not in table.header:
                raise CommandError(f"--cells: column {kind}_{k} is missing (band {k})")
    if not table.rows:
        raise CommandError("--cells: the file has no rows")
    cells = []
    for row in table.rows:
        for column in ("region", "area"):
            if not row.values.get(column):
                raise CommandError(f"row {row.number}, column {column}: empty")
        rural = row.values.get("rural", "").lower()
        if rural not in TRUE | FALSE:
            raise CommandError(f"row {row.number}, column rural: {rural!r} is not yes or no")
        weight = row.values.get("weight", "")
        own: list[Band] = []
        for k in bands:
            cap, gain = row.values.get(f"capacity_{k}", ""), row.values.get(f"gain_{k}", "")
            if cap == "" and gain == "":
                continue  # this cell has fewer bands
            own.append(Band(_cell(row, f"capacity_{k}"), _cell(row, f"gain_{k}")))
        within = tuple(w.strip() for w in row.values.get("within", "").split(";") if w.strip())
        cell = Cell(
            region=row.values["region"],
            area=row.values["area"],
            population=_cell(row, "population"),
            attainment=_cell(row, "attainment"),
            bands=tuple(own),
            rural=rural in TRUE,
            weight=1.0 if weight == "" else _number(weight, f"row {row.number}, column weight"),
            within=within,
        )
        try:
            _check_row(cell)
        except AllocationError as exc:
            raise CommandError(f"row {row.number}: {exc}") from None
        cells.append(cell)
    return cells


def _check_row(cell: Cell) -> None:
    validate([cell], 0.0, {})  # the cell's own figures, named by its row


def read_limits(table: Table) -> dict[str, Limit]:
    missing = table.missing(["region"])
    if missing or not ({"floor", "cap"} & set(table.header)):
        raise CommandError("--limits: the header needs region and floor and/or cap")
    unknown = table.unknown(["region", "floor", "cap"])
    if unknown:
        raise CommandError(f"--limits: unknown column {unknown[0]!r}")
    limits: dict[str, Limit] = {}
    for row in table.rows:
        code = row.values.get("region", "")
        if not code:
            raise CommandError(f"--limits: row {row.number}, column region: empty")
        if code in limits:
            raise CommandError(f"--limits: row {row.number}: region {code} appears twice")
        floor, cap = row.values.get("floor", ""), row.values.get("cap", "")
        limits[code] = Limit(
            floor=0.0
            if floor == ""
            else _number(floor, f"--limits: row {row.number}, column floor"),
            cap=None if cap == "" else _number(cap, f"--limits: row {row.number}, column cap"),
        )
    return limits


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _text(data: dict[str, Any]) -> str:
    lines = [f"budget {data['budget']:,.0f} yuan, objective {data['objective']}"]
    lines.append(
        f"{'':12} {'min':>7} {'mean':>7} {'gini':>7} {'spent':>14} {'unspent':>14} {'rural':>7}"
    )
    rows = [("before", data["before"]), *data["summary"].items()]
    for name, s in rows:
        lines.append(
            f"{name:12} {s['min']:7.3f} {s['mean']:7.3f} {s['gini']:7.3f} {s['spent']:14,.0f}"
            f" {s['unspent']:14,.0f} {_pct(s['rural_share']):>7}"
        )
    lines.append(f"price of fairness: {_pct(data['price_of_fairness'])}")
    for cell in data["cells"]:
        if cell["spend"] > 0.5:
            lines.append(
                f"{cell['region']}/{cell['area']}: {cell['spend']:,.0f} yuan,"
                f" {cell['attainment']:.3f} -> {cell['after']:.3f}"
            )
    return "\n".join(lines)
