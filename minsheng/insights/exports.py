"""The demand page's tables as files (``core.exports``): the region's breakdown, its areas
and the top unmet needs, with the same figures as the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from minsheng.core.exports import Cell, Table
from minsheng.insights.selectors import Matrix, Need, Report, Row, TopNeeds


def _r(value: float | None) -> Cell:
    return None if value is None else round(value, 2)


def _row_cells(row: Row) -> list[Cell]:
    c = row.counts
    return [
        row.code,
        row.name,
        row.population,
        c.placed,
        _r(row.placed_rate),
        c.unmet,
        _r(row.unmet_rate),
        _r(None if row.unmet_share is None else row.unmet_share * 100),
        c.declined,
        c.rejected,
        c.overdue,
        c.reopened,
        c.unsatisfied,
        c.suggestions,
        c.supports,
        _r(row.suggestions_rate),
        c.stated,
        _r(row.stated_rate),
    ]


def _header(first: str) -> list[str]:
    return [
        _("Code"),
        first,
        _("Population"),
        _("Orders placed"),
        _("Placed per 1,000"),
        _("Orders unmet"),
        _("Unmet per 1,000"),
        _("Unmet share (%)"),
        _("Declined"),
        _("Rejected"),
        _("Overdue"),
        _("Reopened"),
        _("Dissatisfied"),
        _("Suggestions"),
        _("Supports"),
        _("Suggestions per 1,000"),
        _("Stated needs"),
        _("Stated per 1,000"),
    ]


def _need_cells(n: Need) -> list[Cell]:
    return [
        n.code,
        n.name,
        n.area,
        n.counts.unmet,
        _r(n.unmet_rate),
        n.counts.placed,
        _r(None if n.unmet_share is None else n.unmet_share * 100),
        n.counts.suggestions,
        n.counts.supports,
        n.counts.stated,
    ]


def _need_header(first: str) -> list[str]:
    return [
        _("Code"),
        first,
        _("Service area"),
        _("Orders unmet"),
        _("Unmet per 1,000"),
        _("Orders placed"),
        _("Unmet share (%)"),
        _("Suggestions"),
        _("Supports"),
        _("Stated needs"),
    ]


def matrix_table(grid: Matrix, label: str, month: str) -> Table:
    header = [_("Code"), _("Place"), _("Population")]
    for a in grid.areas:
        header += [a.name, f"{a.name}: {_('Per 1,000')}"]
    rows: list[list[Cell]] = []
    for r in grid.rows:
        cells: list[Cell] = [r.code, r.name, r.population]
        for count, rate in r.cells:
            cells += [count, _r(rate)]
        rows.append(cells)
    return Table(f"{label} {month}", header, rows)


def demand_tables(
    report: Report, top: TopNeeds, grid: Matrix, measures: list[tuple[str, str]]
) -> list[Table]:
    month = f"{report.month:%Y-%m}"
    total = report.total_row
    return [
        Table(
            f"{_('Demand')} {month}",
            _header(_("Place")),
            [_row_cells(r) for r in report.rows] + [_row_cells(total)],
        ),
        Table(
            f"{_('By service area')} {month}",
            _header(_("Service area")),
            [_row_cells(r) for r in report.by_area],
        ),
        matrix_table(grid, dict(measures)[grid.measure], month),
        Table(
            _("Top unmet needs by area"),
            _need_header(_("Service area")),
            [_need_cells(n) for n in top.by_area],
        ),
        Table(
            _("Top unmet needs by service"),
            _need_header(_("Service")),
            [_need_cells(n) for n in top.by_service],
        ),
    ]
