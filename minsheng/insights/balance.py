"""Services of the indicator framework (issue 11): the monthly snapshot, imported statistics
and the county's edits of an indicator's standard, weight and activity.

Attainment and the gaps (docs/balance.md, "Indicators and standards"):

- an indicator's attainment is ``value / standard``, uncapped; where less is better
  ``standard / value``, and a value of 0 (none of the bad thing) counts as
  :data:`ZERO_BAD_ATTAINMENT` (the standard met ten times over, a finite stand-in for
  infinity);
- an area's attainment in a region is the weighted mean of its indicators' attainments,
  each capped at 1, over the indicators that have a value in that region (an imported
  statistic not given for a region, or a computed one without a denominator there, is
  skipped for that region, not counted as 0);
- ``gap_people = population × (1 − attainment)`` below 1, else 0;
- ``gap_yuan``: over the area's spending bands for the region's kind (rural or urban;
  bands with ``rural`` None when there are no specific ones), the sum of
  ``overlap([attainment, 1], [lower, upper]) × yuan_per_resident × population``; the part
  of [attainment, 1] above the last band is costed at the last band's price; None when the
  area has no bands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, DomainError, ErrorDetail, PermissionDenied
from minsheng.core.inputs import Invalid, read_float, read_month
from minsheng.core.tables import RowError, TableError, read_table
from minsheng.insights import indicators as ind
from minsheng.insights import policy
from minsheng.insights.models import (
    AreaAttainment,
    ImportedValue,
    Indicator,
    IndicatorValue,
    SpendingBand,
)
from minsheng.regions.models import Region

ZERO_BAD_ATTAINMENT = 10.0


class IndicatorCode(StrEnum):
    BAD_FILE = "bad_file"
    MISSING_COLUMNS = "missing_columns"
    UNKNOWN_INDICATOR = "unknown_indicator"
    NOT_IMPORTED = "not_imported"
    UNKNOWN_REGION = "unknown_region"
    REPEATED = "repeated"
    NEGATIVE = "negative"
    NO_FUNCTION = "no_function"


# --- the arithmetic (pure) ------------------------------------------------------------------


def attainment(value: float, standard: float, *, higher_is_better: bool) -> float:
    """Uncapped attainment of ``standard`` by ``value`` (see the module docstring)."""
    if higher_is_better:
        return value / standard
    if value <= 0:
        return ZERO_BAD_ATTAINMENT
    return standard / value


@dataclass(frozen=True)
class Band:
    lower: float
    upper: float
    yuan_per_resident: float


def gap_yuan(level: float, population: int, bands: Sequence[Band]) -> float | None:
    """Yuan to lift ``level`` to 1 for ``population`` residents through ``bands`` (in
    rising order); None without bands, 0 at or above 1."""
    if not bands:
        return None
    if level >= 1:
        return 0.0
    total = 0.0
    for b in bands:
        low, high = max(level, b.lower), min(1.0, b.upper)
        if high > low:
            total += (high - low) * b.yuan_per_resident * population
    top = max(bands, key=lambda b: b.upper)
    if top.upper < 1:  # beyond the last band: at the last band's price
        total += (1 - max(level, top.upper)) * top.yuan_per_resident * population
    return total


@dataclass(frozen=True)
class Stave:
    attainment: float
    gap_people: float
    weakest: int | None  # the indicator id


def stave(rows: Iterable[tuple[int, float, float]], population: int) -> Stave | None:
    """An area in a region from ``(indicator id, attainment uncapped, weight)`` rows in the
    indicators' order; None without any row. The weakest is the first lowest."""
    items = list(rows)
    if not items:
        return None
    total_w = sum(w for _i, _a, w in items)
    level = sum(min(a, 1.0) * w for _i, a, w in items) / total_w
    weakest = min(items, key=lambda r: r[1])[0]
    gap = population * (1 - level) if level < 1 else 0.0
    return Stave(level, gap, weakest)


# --- the snapshot ---------------------------------------------------------------------------


@dataclass
class SnapshotSummary:
    month: date
    indicators: int = 0
    values: int = 0
    areas: int = 0
    skipped: list[str] = field(default_factory=list)  # active computed codes with no function


def _bands() -> dict[tuple[int, bool | None], list[Band]]:
    out: dict[tuple[int, bool | None], list[Band]] = {}
    for b in SpendingBand.objects.order_by("area_id", "lower"):
        out.setdefault((b.area_id, b.rural), []).append(Band(b.lower, b.upper, b.yuan_per_resident))
    return out


def indicator_snapshots(*, months: Iterable[date]) -> list[SnapshotSummary]:
    """:func:`indicator_snapshot` for each of ``months``, sharing what does not change
    between months (regions, facilities, equipment, collections) across them."""
    shared: dict[Any, Any] = {}
    return [indicator_snapshot(month=m, shared=shared) for m in months]


def indicator_snapshot(*, month: date, shared: dict[Any, Any] | None = None) -> SnapshotSummary:
    """Compute every active indicator for every village, township and the county in
    ``month`` (its first day) and the areas' attainments; the month's rows are replaced
    whole in one transaction (an error half-way writes nothing). Never call it in a request.
    ``shared``: see :func:`indicator_snapshots`.
    """
    month = month.replace(day=1)
    summary = SnapshotSummary(month=month)
    ctx = ind.Context.load(month, shared)
    population = ctx.population
    kinds = dict(Region.objects.values_list("pk", "kind"))
    now = timezone.now()
    indicators = list(
        Indicator.objects.filter(active=True).order_by("area__position", "position", "code")
    )
    imported: dict[int, dict[int, float]] = {}
    for iv in ImportedValue.objects.filter(month=month, indicator__active=True).values_list(
        "indicator_id", "region_id", "value"
    ):
        imported.setdefault(iv[0], {})[iv[1]] = iv[2]
    values: list[tuple[Any, ...]] = []
    # (region, area) -> [(indicator id, attainment, weight)]
    cells: dict[tuple[int, int], list[tuple[int, float, float]]] = {}
    for indicator in indicators:
        if indicator.source == Indicator.Source.IMPORTED:
            got = imported.get(indicator.pk, {})
        elif indicator.code in ind.REGISTRY:
            got = ind.compute(indicator.code, ctx)
        else:
            summary.skipped.append(indicator.code)
            continue
        summary.indicators += 1
        for region_id, value in got.items():
            if region_id not in population:
                continue
            a = attainment(value, indicator.standard, higher_is_better=indicator.higher_is_better)
            values.append(
                (indicator.pk, region_id, value, indicator.standard, a, population[region_id])
            )
            if indicator.area_id is not None:
                cells.setdefault((region_id, indicator.area_id), []).append(
                    (indicator.pk, a, indicator.weight)
                )
    bands = _bands()
    staves: list[tuple[Any, ...]] = []
    for (region_id, area_id), rows in cells.items():
        pop = population[region_id]
        s = stave(rows, pop)
        if s is None:
            continue
        rural = kinds.get(region_id) == Region.Kind.RURAL
        area_bands = bands.get((area_id, rural)) or bands.get((area_id, None)) or []
        staves.append(
            (
                region_id,
                area_id,
                s.attainment,
                pop,
                s.gap_people,
                gap_yuan(s.attainment, pop, area_bands),
                s.weakest,
            )
        )
    with transaction.atomic():
        AreaAttainment.objects.filter(month=month).delete()
        IndicatorValue.objects.filter(month=month).delete()
        _insert(
            IndicatorValue,
            ["indicator", "region", "value", "standard", "attainment", "population"],
            month,
            now,
            values,
        )
        _insert(
            AreaAttainment,
            [
                "region",
                "area",
                "attainment",
                "population",
                "gap_people",
                "gap_yuan",
                "weakest_indicator",
            ],
            month,
            now,
            staves,
        )
    summary.values = len(values)
    summary.areas = len(staves)
    return summary


def _insert(
    model: Any, fields: list[str], month: date, now: Any, rows: list[tuple[Any, ...]]
) -> None:
    """Insert snapshot rows with one ``executemany`` (tens of thousands of rows a run: the
    ORM's per-field preparation would cost seconds). ``month`` and ``computed_at`` are the
    same on every row and are adapted once; the other fields are numbers and ids."""
    meta = model._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(f).column for f in ["month", "computed_at", *fields]]
    # Only our own table and column names (quoted) go into the text; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    head = (
        connection.ops.adapt_datefield_value(month),
        connection.ops.adapt_datetimefield_value(now),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [head + row for row in rows[start : start + 5000]])


def snapshot_months() -> list[date]:
    return sorted(set(IndicatorValue.objects.values_list("month", flat=True).distinct()))


# --- imported statistics --------------------------------------------------------------------

COLUMNS = ["indicator", "region", "month", "value"]
OPTIONAL = ["source"]


@dataclass(frozen=True)
class PlannedValue:
    indicator: Indicator
    region: Region
    month: date
    value: float
    source: str


@dataclass
class ImportResult:
    rows: int = 0
    planned: list[PlannedValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: int = 0
    committed: bool = False


def import_values(
    *, actor: Actor | None, data: bytes, filename: str, commit: bool = False
) -> ImportResult:
    """Import statistics (``ImportedValue``) from a CSV or XLSX table with the columns
    indicator (the code of an imported indicator), region (its code), month (YYYY-MM) and
    value (a number, not negative), and optionally source. Every row is checked first and
    each bad one reported with its number, column and reason; nothing is written unless
    ``commit`` and every row is good. A region and month already imported is replaced.

    ``actor`` None is the command line; anyone else must be allowed
    ``policy.can_configure_indicators``."""
    if actor is not None and not policy.can_configure_indicators(actor):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED, _("Only county administrators import statistics.")
        )
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise DomainError.single(IndicatorCode.BAD_FILE, str(exc), "file") from None
    missing = table.missing(COLUMNS)
    if missing:
        raise DomainError.single(
            IndicatorCode.MISSING_COLUMNS,
            _("The table lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            "file",
        )
    result = ImportResult(rows=len(table.rows))
    indicator_codes = {r.values.get("indicator", "") for r in table.rows}
    region_codes = {r.values.get("region", "") for r in table.rows}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    seen: dict[tuple[str, str, date], int] = {}
    for row in table.rows:
        errors: list[RowError] = []

        def bad(
            column: str, code: str, message: str, number: int = row.number, out: Any = errors
        ) -> None:
            out.append(RowError(number, column, str(code), message))

        indicator = indicators.get(row.values.get("indicator", ""))
        if indicator is None:
            bad("indicator", IndicatorCode.UNKNOWN_INDICATOR, _("No indicator has this code."))
        elif indicator.source != Indicator.Source.IMPORTED:
            bad(
                "indicator",
                IndicatorCode.NOT_IMPORTED,
                _("This indicator is computed by the platform, not imported."),
            )
        region = regions.get(row.values.get("region", ""))
        if region is None:
            bad("region", IndicatorCode.UNKNOWN_REGION, _("No region has this code."))
        month: date | None = None
        try:
            month = read_month(row.values.get("month", ""))
        except Invalid as exc:
            bad("month", exc.code, str(exc.message))
        value: float | None = None
        try:
            value = read_float(row.values.get("value", ""))
        except Invalid as exc:
            bad("value", exc.code, str(exc.message))
        if value is not None and value < 0:
            bad("value", IndicatorCode.NEGATIVE, _("The value may not be negative."))
            value = None
        if month is not None:
            key = (row.values.get("indicator", ""), row.values.get("region", ""), month)
            if key in seen:
                bad(
                    "indicator",
                    IndicatorCode.REPEATED,
                    _("Row %(row)s already gives this indicator, region and month.")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = row.number
        if errors:
            result.errors.extend(errors)
            continue
        assert indicator is not None and region is not None
        assert month is not None and value is not None
        result.planned.append(
            PlannedValue(indicator, region, month, value, row.values.get("source", "")[:300])
        )
    if not commit or result.errors:
        return result
    now = timezone.now()
    user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        for p in result.planned:
            ImportedValue.objects.update_or_create(
                indicator=p.indicator,
                region=p.region,
                month=p.month,
                defaults={
                    "value": p.value,
                    "imported_by": user,
                    "imported_at": now,
                    "source_note": p.source,
                },
            )
    result.written = len(result.planned)
    result.committed = True
    return result


# --- editing an indicator -------------------------------------------------------------------


def indicator_update(
    *, actor: Actor, indicator: Indicator, standard: Any, weight: Any, active: bool
) -> Indicator:
    """Set an indicator's standard (a positive number), weight within its area (a positive
    number) and whether it is active; every bad field is reported, nothing saved. The
    snapshots keep the standard they were computed with."""
    if not policy.can_configure_indicators(actor):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED, _("Only county administrators edit indicators.")
        )
    errors: list[ErrorDetail] = []
    numbers: dict[str, float] = {}
    for name, raw in (("standard", standard), ("weight", weight)):
        try:
            numbers[name] = read_float(raw)
        except Invalid as exc:
            errors.append(ErrorDetail(exc.code, exc.message, name))
            continue
        if numbers[name] <= 0:
            errors.append(ErrorDetail(Code.OUT_OF_RANGE, _("Enter a number greater than 0."), name))
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        locked.standard = numbers["standard"]
        locked.weight = numbers["weight"]
        locked.active = bool(active)
        locked.save(update_fields=["standard", "weight", "active"])
    return locked
