"""The ranking as files a county office opens: CSV (UTF-8 with a BOM, so Excel reads the
Chinese) and XLSX (openpyxl).

Tables are built once (:func:`ranking_table`, :func:`trend_table`) as header + rows of
plain values in the language of the request, then written by :func:`to_csv` or
:func:`to_xlsx`. Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) gets a leading apostrophe: names come from the catalogue and from whoever
registered a provider, and an export must not run what they typed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from minsheng.orders.scoring import Rates
from minsheng.orders.selectors import RankingRow, Standing, Trend

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def safe(value: Cell) -> Cell:
    """A cell as written: text a spreadsheet would take for a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def standing_label(standing: Standing) -> str:
    return {
        Standing.RANKED: _("Ranked"),
        Standing.SMALL_SAMPLE: _("Sample too small"),
        Standing.NO_RATINGS: _("No ratings this month"),
    }[standing]


def _rate_cells(rates: Rates) -> list[Cell]:
    return [
        rates.valid,
        _pct(rates.response),
        _pct(rates.resolution),
        _pct(rates.satisfaction),
        _pct(rates.composite),
    ]


def _rate_header() -> list[str]:
    return [
        _("Valid ratings"),
        _("Response rate (%)"),
        _("Resolution rate (%)"),
        _("Satisfaction rate (%)"),
        _("Composite (points)"),
    ]


def ranking_table(title: str, rows: list[RankingRow]) -> Table:
    header = [
        _("Rank"),
        _("Name"),
        _("Code"),
        _("Standing"),
        *_rate_header(),
        _("Change vs previous month (points)"),
        _("Previous rank"),
    ]
    body: list[list[Cell]] = [
        [
            r.rank,
            r.name,
            r.code,
            standing_label(r.standing),
            *_rate_cells(r.rates),
            None if r.change is None else round(r.change * 100, 1),
            r.previous_rank,
        ]
        for r in rows
    ]
    return Table(title, header, body)


def trend_table(trend: Trend) -> Table:
    header = [_("Month"), _("Name"), *_rate_header()]
    body: list[list[Cell]] = [
        [month.strftime("%Y-%m"), series.name, *_rate_cells(rates)]
        for series in trend.series
        for month, rates in zip(trend.months, series.rates, strict=True)
    ]
    return Table(_("Twelve-month trend"), header, body)


def to_csv(tables: list[Table]) -> bytes:
    """The tables one after another, each under its title, a blank line between them;
    UTF-8 with a byte-order mark (Excel on Chinese Windows reads it as GBK otherwise)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([safe(table.title)])
        writer.writerow([safe(h) for h in table.header])
        writer.writerows([["" if c is None else safe(c) for c in row] for row in table.rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table, header first."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        # Worksheet titles: at most 31 characters, none of []:*?/\ .
        title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31]
        sheet: Any = book.create_sheet(title=title)
        sheet.append([safe(h) for h in table.header])
        for row in table.rows:
            sheet.append([safe(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
