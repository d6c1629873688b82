"""The allocation's cells from the snapshot (issue 11): one per village x service area of a
month's ``AreaAttainment``, with the bands of ``SpendingBand`` and the ``LocalWeight``s.

- population, attainment: the snapshot row's;
- rural: the village's kind (``Region.Kind``);
- bands: the area's spending bands for the village's kind (``rural`` None: both), in order of
  ``lower``; a band [lower, upper) whose upper is above the attainment a gives capacity
  ``(upper - max(lower, a)) * yuan_per_resident * p`` yuan and a gain of
  ``10000 / (yuan_per_resident * p)`` points per 10,000 yuan (the model's docstring). Adjacent
  bands of the same cost are one band (the same slope);
- weight: the village's ``LocalWeight`` for the area, else its township's, else 1;
- within: the village's township, so a township's floor or cap counts its villages' spend.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minsheng.catalog.models import ServiceArea
from minsheng.insights import policy
from minsheng.insights.allocation import (
    OBJECTIVES,
    AllocationError,
    Band,
    Cell,
    Limit,
    Objective,
    compare,
    summary_json,
)
from minsheng.insights.models import AreaAttainment, LocalWeight, PlanningRun, SpendingBand
from minsheng.regions.models import Region

__all__ = ["Limit", "RunView", "allocation_run_save", "snapshot_cells"]


@dataclass(frozen=True)
class CellPlace:
    """Where a cell is, for the page and the downloads."""

    village: Region
    township: Region | None
    area: ServiceArea


def snapshot_months() -> list[datetime.date]:
    """The months with a village snapshot, newest first."""
    return list(
        AreaAttainment.objects.filter(region__level=Region.Level.VILLAGE)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")
    )


def bands_for(attainment: float, population: float, bands: list[SpendingBand]) -> tuple[Band, ...]:
    out: list[Band] = []
    for band in sorted(bands, key=lambda b: b.lower):
        if band.upper <= attainment:
            continue
        capacity = (band.upper - max(band.lower, attainment)) * band.yuan_per_resident * population
        gain = 10_000.0 / (band.yuan_per_resident * population)
        if out and abs(out[-1].gain - gain) <= 1e-12 * gain:
            out[-1] = Band(out[-1].capacity + capacity, gain)
        else:
            out.append(Band(capacity, gain))
    return tuple(out)


def snapshot_cells(month: datetime.date, scope: Region) -> tuple[list[Cell], list[CellPlace]]:
    """The cells of the villages under ``scope`` (the county or a township) in ``month``
    (villages without residents have no cells: the bands' costs are per resident)."""
    rows = list(
        AreaAttainment.objects.filter(
            month=month, region__level=Region.Level.VILLAGE, population__gt=0
        )
        .filter(_under(scope))
        .select_related("region", "region__parent", "area")
        .order_by("region__code", "area__position", "area__code")
    )
    bands: dict[tuple[int, bool | None], list[SpendingBand]] = {}
    for band in SpendingBand.objects.all():
        bands.setdefault((band.area_id, band.rural), []).append(band)
    weights = {(w.region_id, w.area_id): w.weight for w in LocalWeight.objects.all()}
    cells: list[Cell] = []
    places: list[CellPlace] = []
    for row in rows:
        village, area = row.region, row.area
        rural = village.kind == Region.Kind.RURAL
        own = bands.get((area.pk, rural), []) + bands.get((area.pk, None), [])
        township = village.parent
        weight = weights.get(
            (village.pk, area.pk),
            weights.get((township.pk, area.pk), 1.0) if township is not None else 1.0,
        )
        cells.append(
            Cell(
                region=village.code,
                area=area.code,
                population=float(row.population),
                attainment=float(row.attainment),
                bands=bands_for(row.attainment, float(row.population), own),
                rural=rural,
                weight=float(weight),
                within=(township.code,) if township is not None else (),
            )
        )
        places.append(CellPlace(village=village, township=township, area=area))
    return cells, places


def _under(scope: Region) -> Q:
    if scope.level == Region.Level.COUNTY:
        return Q(region__parent__parent=scope)
    if scope.level == Region.Level.TOWNSHIP:
        return Q(region__parent=scope)
    return Q(region=scope)


def month_of(text: str) -> datetime.date:
    """``YYYY-MM`` (a choice the form offered) as the month's first day."""
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def allocation_run_save(
    *,
    actor: Any,
    scope: Region,
    month: datetime.date,
    budget: float,
    objective: Objective,
    limits: Mapping[str, Limit],
    name: str = "",
) -> PlanningRun:
    """Run the three objectives on ``scope``'s cells of ``month`` and save the run (its
    inputs, and per cell the spend and attainment after under each objective). Nothing is
    saved when the model refuses the input (``AllocationError``)."""
    if not policy.can_run_plans(actor):
        raise PermissionDenied
    cells, places = snapshot_cells(month, scope)
    if not cells:
        raise AllocationError(f"no village has a snapshot for {month:%Y-%m}")
    comparison = compare(cells, budget, limits)
    result = {
        "objective": objective,
        "budget": budget,
        "before": summary_json(comparison.before),
        "summary": {
            o: {**summary_json(r.summary), "rounds": r.rounds}
            for o, r in comparison.results.items()
        },
        "price_of_fairness": comparison.price_of_fairness,
        "price_of_fairness_leximin": comparison.price_of_fairness_leximin,
        "cells": [
            {
                "region": c.region,
                "region_name": place.village.name,
                "township": place.township.code if place.township else "",
                "township_name": place.township.name if place.township else "",
                "area": c.area,
                "area_name": place.area.name,
                "population": c.population,
                "rural": c.rural,
                "weight": c.weight,
                "attainment": c.attainment,
                "spend": {o: float(r.spend[i]) for o, r in comparison.results.items()},
                "after": {o: float(r.after[i]) for o, r in comparison.results.items()},
            }
            for i, (c, place) in enumerate(zip(cells, places, strict=True))
        ],
    }
    inputs = {
        "budget": budget,
        "objective": objective,
        "month": f"{month:%Y-%m}",
        "limits": {
            code: {"floor": limit.floor, "cap": limit.cap} for code, limit in limits.items()
        },
    }
    with transaction.atomic():
        return PlanningRun.objects.create(
            kind=PlanningRun.Kind.ALLOCATION,
            scope=scope,
            month=month,
            name=name,
            inputs=inputs,
            result=result,
            created_by=actor,
            created_at=timezone.now(),
        )


class RunView:
    """A saved run's result as the run page shows it: the objectives side by side, spend per
    township and per area, bars for the chart, and the cells."""

    COLOURS = {"maximin": "#2b6cb0", "leximin": "#2f855a", "utilitarian": "#c05621"}
    MEASURES = ("min", "min_weighted", "mean", "gini", "total", "spent", "unspent", "rural_share")

    def __init__(self, result: dict[str, Any], names: dict[str, str]) -> None:
        self.result = result
        self.names = names
        self.objective: str = result["objective"]
        self.cells: list[dict[str, Any]] = result["cells"]
        self.columns = [("before", result["before"])] + [
            (o, result["summary"][o]) for o in OBJECTIVES if o in result["summary"]
        ]

    def legend(self) -> list[tuple[str, str]]:
        return [(self.COLOURS[o], self.names[o]) for o in OBJECTIVES]

    @property
    def price_of_fairness(self) -> float | None:
        return self.result.get("price_of_fairness")

    @property
    def price_of_fairness_leximin(self) -> float | None:
        return self.result.get("price_of_fairness_leximin")

    def measure_rows(self) -> list[tuple[str, list[Any]]]:
        return [(m, [s.get(m) for _o, s in self.columns]) for m in self.MEASURES]

    def _by(self, key: str, name_key: str) -> list[dict[str, Any]]:
        groups: dict[str, dict[str, Any]] = {}
        for c in self.cells:
            g = groups.setdefault(
                c[key],
                {
                    "code": c[key],
                    "name": c[name_key],
                    "spend": defaultdict(float),
                    "population": 0.0,
                },
            )
            for o in OBJECTIVES:
                g["spend"][o] += c["spend"].get(o, 0.0)
        out = list(groups.values())
        top = max((g["spend"][o] for g in out for o in OBJECTIVES), default=0.0)
        for r, g in enumerate(out):
            g["spend"] = dict(g["spend"])
            g["values"] = [g["spend"][o] for o in OBJECTIVES]
            # SVG geometry: 10 units per row, one 3-unit bar per objective, widths of 100.
            g["bars"] = [
                (
                    self.COLOURS[o],
                    0.0 if top <= 0 else round(100.0 * g["spend"][o] / top, 2),
                    r * 10 + k * 3,
                )
                for k, o in enumerate(OBJECTIVES)
            ]
        return out

    def by_township(self) -> list[dict[str, Any]]:
        return self._by("township", "township_name")

    def by_area(self) -> list[dict[str, Any]]:
        return self._by("area", "area_name")

    def top_cells(self, limit: int = 100) -> list[dict[str, Any]]:
        chosen = self.objective
        spent = [c for c in self.cells if c["spend"].get(chosen, 0.0) > 0.5]
        spent.sort(key=lambda c: -c["spend"][chosen])
        return [
            {**c, "chosen_spend": c["spend"][chosen], "chosen_after": c["after"][chosen]}
            for c in spent[:limit]
        ]
