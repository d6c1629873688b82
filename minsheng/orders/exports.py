"""The ranking as files a county office opens: its tables (:func:`ranking_table`,
:func:`trend_table`), written by ``minsheng.core.exports`` (CSV with a BOM, XLSX, formulas
quoted).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from minsheng.core.exports import Cell, Table, to_csv, to_xlsx
from minsheng.orders.scoring import Rates
from minsheng.orders.selectors import RankingRow, Standing, Trend


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


__all__ = ["Table", "ranking_table", "standing_label", "to_csv", "to_xlsx", "trend_table"]
