"""The inputs of a siting (issue 11): from files (the ``site`` command) or from the register
(the planning page). Reads only; the models are solved by the pure ``insights.siting``.

Files (through ``core.tables.read_table``: CSV UTF-8/GB18030 or XLSX):

- demand: ``id,population,lat,lon`` (``lat``/``lon`` may be blank with a cost matrix);
- candidates and existing sites: ``id,lat,lon`` (likewise);
- cost matrix: header ``demand_id`` then one column per candidate *and* existing site id,
  each row a demand id then its costs, in the unit of the radius. Headers are read without
  regard to case, so site ids are matched ignoring case in the matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.core.geo import great_circle_matrix_km
from minsheng.core.tables import Table, TableError, read_table
from minsheng.facilities.models import Facility, Kind, Status
from minsheng.insights import policy, siting
from minsheng.insights.models import PlanningRun
from minsheng.insights.siting import FloatArray, SitingError
from minsheng.regions.models import Region

# Kinds a new service point can be sited for (infrastructure is not visited).
SITED_KINDS = (Kind.CLINIC, Kind.BOOKSHOP, Kind.ELDERLY, Kind.CULTURAL, Kind.SPORTS)


@dataclass(frozen=True)
class Points:
    ids: list[str]
    lat: list[float]
    lon: list[float]
    population: list[float] | None = None
    names: list[str] | None = None


@dataclass(frozen=True)
class Instance:
    demand: Points
    candidates: Points
    existing: Points
    cost: FloatArray
    existing_cost: FloatArray


def _table(data: bytes, filename: str, what: str) -> Table:
    try:
        return read_table(data, filename)
    except TableError as exc:
        raise SitingError(f"{what} file: {exc}") from None


def _number(what: str, row: int, column: str, text: str, *, required: bool = True) -> float:
    if text == "":
        if required:
            raise SitingError(f"{what} file, row {row}: {column} is missing.")
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise SitingError(f"{what} file, row {row}: {column} {text!r} is not a number.") from None
    if not math.isfinite(value):
        raise SitingError(f"{what} file, row {row}: {column} {text!r} is not a number.")
    return value


def read_points(
    data: bytes, filename: str, what: str, *, population: bool, coordinates: bool
) -> Points:
    """Demand points (``population``) or sites from a file; ``coordinates`` when no cost
    matrix is given (then lat/lon are required and checked)."""
    table = _table(data, filename, what)
    columns = ["id", "population", "lat", "lon"] if population else ["id", "lat", "lon"]
    needed = [c for c in columns if coordinates or c not in ("lat", "lon")]
    missing = table.missing(needed)
    if missing:
        raise SitingError(f"{what} file: the column {missing[0]} is missing.")
    unknown = table.unknown(columns)
    if unknown:
        raise SitingError(f"{what} file: unknown column {unknown[0]}.")
    ids: list[str] = []
    lat: list[float] = []
    lon: list[float] = []
    pops: list[float] = []
    seen: set[str] = set()
    for row in table.rows:
        v = row.values
        ident = v.get("id", "")
        if not ident:
            raise SitingError(f"{what} file, row {row.number}: id is missing.")
        if ident.lower() in seen:
            raise SitingError(f"{what} file, row {row.number}: the id {ident} appears twice.")
        seen.add(ident.lower())
        ids.append(ident)
        if population:
            pop = _number(what, row.number, "population", v.get("population", ""))
            if pop < 0:
                raise SitingError(f"{what} file, row {row.number}: population is negative.")
            pops.append(pop)
        la = _number(what, row.number, "lat", v.get("lat", ""), required=coordinates)
        lo = _number(what, row.number, "lon", v.get("lon", ""), required=coordinates)
        if coordinates and not -90 <= la <= 90:
            raise SitingError(f"{what} file, row {row.number}: lat {la} is outside -90 to 90.")
        if coordinates and not -180 <= lo <= 180:
            raise SitingError(f"{what} file, row {row.number}: lon {lo} is outside -180 to 180.")
        lat.append(la)
        lon.append(lo)
    return Points(ids, lat, lon, pops if population else None)


def read_cost_matrix(
    data: bytes, filename: str, demand: Points, sites: list[Points]
) -> list[FloatArray]:
    """The matrix's columns for each of ``sites`` (demand rows in ``demand``'s order)."""
    what = "Cost matrix"
    table = _table(data, filename, what)
    if not table.header or table.header[0] != "demand_id":
        raise SitingError(f"{what} file: the first column must be demand_id.")
    columns = table.header[1:]
    index: dict[str, int] = {}
    for j, c in enumerate(columns):
        if not c:
            raise SitingError(f"{what} file: column {j + 2} has no site id.")
        if c in index:
            raise SitingError(f"{what} file: the site id {c} appears twice in the header.")
        index[c] = j
    wanted = [x.lower() for pts in sites for x in pts.ids]
    for x, pts_id in zip(wanted, [x for pts in sites for x in pts.ids], strict=True):
        if x not in index:
            raise SitingError(f"{what} file: no column for site {pts_id}.")
    extra = sorted(set(index) - set(wanted))
    if extra:
        raise SitingError(
            f"{what} file: the column {extra[0]} is neither a candidate nor an existing site."
        )
    values = np.full((len(demand.ids), len(columns)), np.nan)
    rows: dict[str, int] = {x: i for i, x in enumerate(demand.ids)}
    done: set[str] = set()
    for row in table.rows:
        ident = row.values.get("demand_id", "")
        if ident not in rows:
            raise SitingError(f"{what} file, row {row.number}: unknown demand point {ident!r}.")
        if ident in done:
            raise SitingError(f"{what} file, row {row.number}: demand point {ident} appears twice.")
        done.add(ident)
        for c, j in index.items():
            value = _number(what, row.number, c, row.values.get(c, ""))
            if value < 0:
                raise SitingError(f"{what} file, row {row.number}: {c} is negative.")
            values[rows[ident], j] = value
    absent = [x for x in demand.ids if x not in done]
    if absent:
        raise SitingError(f"{what} file: no row for demand point {absent[0]}.")
    out = []
    for pts in sites:
        out.append(values[:, [index[x.lower()] for x in pts.ids]])
    return out


def great_circle(demand: Points, sites: Points) -> FloatArray:
    if not sites.ids:
        return np.zeros((len(demand.ids), 0))
    return great_circle_matrix_km(demand.lat, demand.lon, sites.lat, sites.lon)


# --- from the register -----------------------------------------------------------------------


def register_instance(kind: str) -> Instance:
    """The county's villages with a population and a centroid as demand; as candidates, those
    of them without an open facility of ``kind``; the open facilities of ``kind`` with
    coordinates as existing sites. Distances are great-circle kilometres."""
    open_here = Facility.objects.filter(region=OuterRef("pk"), kind=kind, status=Status.OPEN)
    villages = list(
        Region.objects.filter(
            level=Region.Level.VILLAGE,
            population__gt=0,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .annotate(served=Exists(open_here))
        .order_by("code")
    )
    facilities = list(
        Facility.objects.filter(
            kind=kind, status=Status.OPEN, latitude__isnull=False, longitude__isnull=False
        ).order_by("code")
    )
    demand = Points(
        ids=[v.code for v in villages],
        lat=[float(v.latitude or 0) for v in villages],
        lon=[float(v.longitude or 0) for v in villages],
        population=[float(v.population) for v in villages],
        names=[v.name for v in villages],
    )
    free = [v for v in villages if not v.served]
    candidates = Points(
        ids=[v.code for v in free],
        lat=[float(v.latitude or 0) for v in free],
        lon=[float(v.longitude or 0) for v in free],
        names=[v.name for v in free],
    )
    existing = Points(
        ids=[f.code for f in facilities],
        lat=[float(f.latitude or 0) for f in facilities],
        lon=[float(f.longitude or 0) for f in facilities],
        names=[f.name for f in facilities],
    )
    return Instance(
        demand,
        candidates,
        existing,
        great_circle(demand, candidates),
        great_circle(demand, existing),
    )


# --- saving a run (the planning page) ----------------------------------------------------------


class SitingFieldError(SitingError):
    """Bad input that belongs to one form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def siting_run_create(
    *,
    actor: User,
    scope: Region,
    kind: str,
    model: str,
    p: int | None,
    radius_km: float | None,
) -> PlanningRun:
    """Solve ``model`` on the register for facilities of ``kind`` and save the run (scope:
    the county). Raises ``SitingError`` (nothing saved) when the model cannot be solved, and
    ``PermissionDenied`` for anyone ``policy.can_run_plans`` refuses."""
    if not policy.can_run_plans(actor):
        raise PermissionDenied
    instance = register_instance(kind)
    if not instance.demand.ids:
        raise SitingError(_("No village has a population and a location to serve."))
    if not instance.candidates.ids:
        raise SitingFieldError(
            "kind", _("Every village already has an open facility of this kind.")
        )
    if p is not None and p > len(instance.candidates.ids):
        raise SitingFieldError(
            "p",
            _("p is larger than the %(count)d candidate villages.")
            % {"count": len(instance.candidates.ids)},
        )
    demand = instance.demand
    assert demand.population is not None
    result = siting.solve(
        model,
        demand_ids=demand.ids,
        population=np.asarray(demand.population),
        candidate_ids=instance.candidates.ids,
        cost=instance.cost,
        existing_ids=instance.existing.ids,
        existing_cost=instance.existing_cost,
        p=p,
        radius=radius_km,
        time_limit=20.0,
    )
    cand = {x: i for i, x in enumerate(instance.candidates.ids)}
    names = instance.candidates.names or []
    chosen = [
        {
            "id": x,
            "name": names[cand[x]],
            "lat": instance.candidates.lat[cand[x]],
            "lon": instance.candidates.lon[cand[x]],
            "newly_covered": result.newly_covered.get(x),
        }
        for x in result.sites
    ]
    payload: dict[str, Any] = {
        "objective": result.objective,
        "optimal": result.optimal,
        "covered_population": result.covered_population,
        "covered_share": result.covered_share,
        "covered_population_before": result.covered_population_before,
        "covered_share_before": result.covered_share_before,
        "mean_cost_km": result.mean_cost,
        "population": float(sum(demand.population)),
        "sites": chosen,
        "demand": [
            {"id": x, "name": n, "lat": la, "lon": lo, "population": pop}
            for x, n, la, lo, pop in zip(
                demand.ids,
                demand.names or [],
                demand.lat,
                demand.lon,
                demand.population,
                strict=True,
            )
        ],
        "existing": [
            {"id": x, "name": n, "lat": la, "lon": lo}
            for x, n, la, lo in zip(
                instance.existing.ids,
                instance.existing.names or [],
                instance.existing.lat,
                instance.existing.lon,
                strict=True,
            )
        ],
    }
    with transaction.atomic():
        return PlanningRun.objects.create(
            kind=PlanningRun.Kind.SITING,
            scope=scope,
            name=str(Kind(kind).label),
            inputs={"kind": kind, "model": model, "p": p, "radius_km": radius_km},
            result=payload,
            created_by=actor,
            created_at=timezone.now(),
        )
