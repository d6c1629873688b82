"""``minsheng equity --csv FILE --value COL [--weight COL] [--group COL] [--epsilon E]
[--standard S] [--json]``: inequality between regions for an analyst's table (docs/balance.md,
"Inequality measures and the equity command").

The file is CSV (UTF-8 with or without BOM, or GB18030) or XLSX, read by
``minsheng.core.tables.read_table``; column names are matched without regard to case. Every
measure is computed unweighted (every region counts once) and, with ``--weight`` (the
regions' populations), weighted (every person counts once); with ``--group`` (urban/rural,
township…) Theil T and Theil L are also split into between and within groups, and each
group's own figures are given. Every bad row is reported on standard error with its number
(the header is row 1) and column, no figures are printed, and the command exits with status
2, as does a bad file or argument. Nothing is written to the database.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minsheng.core.tables import Table, TableError, read_table
from minsheng.insights import inequality as ineq

BAD_INPUT = 2  # the exit status for a refused file, row or argument
DEFAULT_EPSILON = 1.0  # Atkinson's inequality aversion: A_1 = 1 - exp(-Theil L)
MEASURES = ("n", "mean", "gini", "theil_t", "theil_l", "atkinson", "cv", "max_min", "shortfall")


@dataclass(frozen=True)
class Data:
    values: list[float]
    weights: list[float] | None
    groups: list[str] | None


def _column(table: Table, option: str, name: str, filename: str) -> str:
    column = name.strip().lower()
    if column not in table.header:
        columns = ", ".join(c for c in table.header if c)
        raise CommandError(
            _("%(option)s: %(file)s has no column “%(column)s”; its columns are: %(columns)s.")
            % {"option": option, "file": filename, "column": name, "columns": columns},
            returncode=BAD_INPUT,
        )
    return column


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_data(
    table: Table, value: str, weight: str | None, group: str | None
) -> tuple[Data, list[str]]:
    """The columns' values, and one message per bad cell (row and column named)."""
    errors: list[str] = []
    values: list[float] = []
    weights: list[float] = []
    groups: list[str] = []
    for row in table.rows:

        def bad(column: str, why: str, n: int = row.number) -> None:
            errors.append(
                _("row %(row)d, column “%(column)s”: %(why)s")
                % {"row": n, "column": column, "why": why}
            )

        text = row.values.get(value, "")
        if not text:
            bad(value, _("the value is missing."))
        elif (y := _number(text)) is None:
            bad(value, _("“%(text)s” is not a number.") % {"text": text})
        elif y <= 0:
            bad(
                value,
                _(
                    "%(text)s is not positive: Theil T, Theil L and the Atkinson index "
                    "need every value to be more than zero."
                )
                % {"text": text},
            )
        else:
            values.append(y)
        if weight is not None:
            text = row.values.get(weight, "")
            if not text:
                bad(weight, _("the weight is missing."))
            elif (w := _number(text)) is None:
                bad(weight, _("“%(text)s” is not a number.") % {"text": text})
            elif w <= 0:
                bad(
                    weight,
                    _("the weight %(text)s is not positive: every weight must be more than zero.")
                    % {"text": text},
                )
            else:
                weights.append(w)
        if group is not None:
            text = row.values.get(group, "")
            if not text:
                bad(group, _("the group is missing."))
            else:
                groups.append(text)
    data = Data(values, weights if weight is not None else None, groups if group else None)
    return data, errors


def _version(
    data: Data, weights: list[float] | None, epsilon: float, standard: float | None
) -> dict[str, Any]:
    y = data.values
    figures: dict[str, Any] = {
        "n": len(y),
        "mean": ineq.mean(y, weights),
        "gini": ineq.gini(y, weights),
        "theil_t": ineq.theil_t(y, weights),
        "theil_l": ineq.theil_l(y, weights),
        "atkinson": ineq.atkinson(y, epsilon, weights),
    }
    if weights is None:
        figures["cv"] = ineq.cv(y)
    else:
        figures["williamson"] = ineq.cv(y, weights)
        figures["population"] = float(sum(weights))
    figures["max_min"] = ineq.max_min_ratio(y, weights)
    figures["shortfall"] = None if standard is None else ineq.shortfall(y, standard, weights)
    if data.groups is not None:
        t = ineq.theil_t_decomposed(y, data.groups, weights)
        ell = ineq.theil_l_decomposed(y, data.groups, weights)
        figures["between"] = {"theil_t": t.between, "theil_l": ell.between}
        figures["within"] = {"theil_t": t.within, "theil_l": ell.within}
        figures["groups"] = _groups(data, weights, epsilon)
    return figures


def _groups(data: Data, weights: list[float] | None, epsilon: float) -> dict[str, Any]:
    assert data.groups is not None
    total_people = sum(weights) if weights is not None else float(len(data.values))
    mu = ineq.mean(data.values, weights)
    out: dict[str, Any] = {}
    for name in sorted(set(data.groups)):
        idx = [i for i, g in enumerate(data.groups) if g == name]
        y = [data.values[i] for i in idx]
        w = None if weights is None else [weights[i] for i in idx]
        people = float(len(idx)) if w is None else sum(w)
        mean = ineq.mean(y, w)
        out[name] = {
            "n": len(idx),
            "share": people / total_people,
            "share_of_total": people * mean / (total_people * mu),
            "mean": mean,
            "gini": ineq.gini(y, w),
            "theil_t": ineq.theil_t(y, w),
            "theil_l": ineq.theil_l(y, w),
        }
    return out


def figures(data: Data, *, epsilon: float, standard: float | None) -> dict[str, Any]:
    """The JSON document (docs/balance.md lists its keys)."""
    result: dict[str, Any] = {
        "n": len(data.values),
        "epsilon": epsilon,
        "standard": standard,
        "unweighted": _version(data, None, epsilon, standard),
    }
    if data.weights is not None:
        result["weighted"] = _version(data, data.weights, epsilon, standard)
    return result


def text(result: dict[str, Any]) -> list[str]:
    """The figures as a table: one line per measure, unweighted and weighted side by side."""
    un = result["unweighted"]
    we = result.get("weighted")

    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:.4f}"

    labels = [
        ("mean", _("mean")),
        ("gini", _("Gini coefficient")),
        ("theil_t", _("Theil T")),
        ("theil_l", _("Theil L")),
        ("atkinson", _("Atkinson index (ε = %(epsilon)s)") % {"epsilon": f"{result['epsilon']:g}"}),
        ("cv", _("coefficient of variation (Williamson when weighted)")),
        ("max_min", _("max/min ratio")),
        ("shortfall", _("shortfall from the standard")),
    ]
    width = max(len(label) for _k, label in labels) + 2
    head = [_("unweighted")] + ([_("weighted")] if we else [])
    lines = [
        _("regions: %(n)d") % {"n": result["n"]},
        "".ljust(width) + "".join(h.rjust(14) for h in head),
    ]
    for key, label in labels:
        cells = [num(un[key])]
        if we:
            cells.append(num(we["williamson" if key == "cv" else key]))
        lines.append(label.ljust(width) + "".join(c.rjust(14) for c in cells))
    if "between" in un:
        lines.append("")
        for key, measure in (("theil_t", _("Theil T")), ("theil_l", _("Theil L"))):
            for part, label in (("between", _("between groups")), ("within", _("within groups"))):
                cells = [num(un[part][key])] + ([num(we[part][key])] if we else [])
                name = f"{measure}: {label}"
                lines.append(name.ljust(width) + "".join(c.rjust(14) for c in cells))
        rows = [
            (f"{name} ({label})", g)
            for version, label in ((un, _("unweighted")), (we, _("weighted")))
            if version is not None
            for name, g in version["groups"].items()
        ]
        first = max([len(_("group"))] + [len(r) for r, _g in rows]) + 2
        heads = [_("regions"), _("mean"), _("Gini coefficient"), _("Theil T"), _("Theil L")]
        lines.append("")
        lines.append(_("group").ljust(first) + "".join(h.rjust(18) for h in heads))
        for row, g in rows:
            cells = [str(g["n"])] + [num(g[k]) for k in ("mean", "gini", "theil_t", "theil_l")]
            lines.append(row.ljust(first) + "".join(c.rjust(18) for c in cells))
    return lines


def _positive_number(option: str, raw: str, *, zero_ok: bool) -> float:
    value = _number(raw.strip())
    if value is None or value < 0 or (value == 0 and not zero_ok):
        message = (
            _("%(option)s: “%(raw)s” is not a number of zero or more.")
            if zero_ok
            else _("%(option)s: “%(raw)s” is not a positive number.")
        )
        raise CommandError(message % {"option": option, "raw": raw}, returncode=BAD_INPUT)
    return value


class Command(BaseCommand):
    help = (
        "Inequality between regions from a CSV/XLSX table: Gini, Theil T and L (split "
        "between/within groups with --group), Atkinson, CV/Williamson, max/min and the "
        "shortfall from a standard, unweighted and weighted by --weight (docs/balance.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--csv", required=True, help="the table, CSV or XLSX, one region a row")
        parser.add_argument("--value", required=True, help="the column of the indicator")
        parser.add_argument("--weight", help="the column of the regions' populations")
        parser.add_argument("--group", help="the column of the grouping (e.g. urban/rural)")
        parser.add_argument(
            "--epsilon",
            default=str(DEFAULT_EPSILON),
            help=f"Atkinson's inequality aversion, zero or more (default {DEFAULT_EPSILON:g})",
        )
        parser.add_argument("--standard", help="the standard for the shortfall (positive)")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        epsilon = _positive_number("--epsilon", str(options["epsilon"]), zero_ok=True)
        standard = (
            None
            if options["standard"] is None
            else _positive_number("--standard", str(options["standard"]), zero_ok=False)
        )
        path = Path(options["csv"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("--csv: cannot read %(path)s: %(why)s") % {"path": path, "why": exc.strerror},
                returncode=BAD_INPUT,
            ) from None
        if not raw.strip():
            raise CommandError(
                _("%(file)s: the file is empty.") % {"file": path.name}, returncode=BAD_INPUT
            )
        try:
            table = read_table(raw, path.name)
        except TableError as exc:
            raise CommandError(f"{path.name}: {exc}", returncode=BAD_INPUT) from None
        value = _column(table, "--value", options["value"], path.name)
        weight = (
            None
            if options["weight"] is None
            else _column(table, "--weight", options["weight"], path.name)
        )
        group = (
            None
            if options["group"] is None
            else _column(table, "--group", options["group"], path.name)
        )
        if not table.rows:
            raise CommandError(
                _("%(file)s: the file has a header but no rows of data.") % {"file": path.name},
                returncode=BAD_INPUT,
            )
        data, errors = read_data(table, value, weight, group)
        if errors:
            for message in errors:
                self.stderr.write(message)
            raise CommandError(
                _("%(count)d bad value(s): no figures computed.") % {"count": len(errors)},
                returncode=BAD_INPUT,
            )
        try:
            result = figures(data, epsilon=epsilon, standard=standard)
        except ineq.InequalityError as exc:  # the checks above should leave none
            raise CommandError(str(exc), returncode=BAD_INPUT) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write("\n".join(text(result)))
