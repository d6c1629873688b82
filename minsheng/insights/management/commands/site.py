"""``minsheng site --demand FILE --candidates FILE [--cost-matrix FILE] [--existing FILE]
--model mclp|pmedian|lscp|pcenter [--p N] [--radius-km R] [--json]``: where to put new service
points (docs/balance.md, "Siting new service points"). Reads files only; writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from minsheng.insights import siting, siting_inputs
from minsheng.insights.siting import SitingError
from minsheng.insights.siting_inputs import Points


def _read(path: str, option: str) -> tuple[bytes, str]:
    p = Path(path)
    try:
        return p.read_bytes(), p.name
    except OSError as exc:
        raise CommandError(f"{option}: cannot read {path}: {exc.strerror}") from None


class Command(BaseCommand):
    help = (
        "Choose new service points among candidate sites, keeping the existing ones: maximal "
        "covering (mclp), p-median, set covering (lscp) or p-centre, on great-circle km or a "
        "cost matrix. Prints the sites, the objective, the covered population and share and "
        "the mean cost; --json prints them as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demand", required=True, help="CSV/XLSX: id,population,lat,lon")
        parser.add_argument("--candidates", required=True, help="CSV/XLSX: id,lat,lon")
        parser.add_argument("--existing", help="CSV/XLSX: id,lat,lon (always open)")
        parser.add_argument(
            "--cost-matrix",
            help="CSV/XLSX: demand_id then one column per candidate and existing site",
        )
        parser.add_argument("--model", required=True, choices=siting.MODELS)
        parser.add_argument("--p", type=int, help="the number of new sites (not for lscp)")
        parser.add_argument(
            "--radius-km",
            type=float,
            help="the covering radius (in the matrix's unit with --cost-matrix)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self._solve(options)
        except SitingError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "model": result.model,
                        "objective": result.objective,
                        "sites": result.sites,
                        "covered_population": result.covered_population,
                        "covered_share": result.covered_share,
                        "mean_cost": result.mean_cost,
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"model: {result.model}")
        self.stdout.write(f"objective: {result.objective:g}")
        self.stdout.write(f"sites: {', '.join(result.sites) or '-'}")
        if result.covered_population is not None and result.covered_share is not None:
            self.stdout.write(
                f"covered population: {result.covered_population:g} ({result.covered_share:.2%})"
            )
        self.stdout.write(f"mean cost: {result.mean_cost:.4g}")
        if not result.optimal:
            self.stdout.write("not proven optimal (time limit)")

    def _solve(self, options: dict[str, Any]) -> siting.SitingResult:
        matrix = options["cost_matrix"]
        coordinates = matrix is None
        demand = siting_inputs.read_points(
            *_read(options["demand"], "--demand"),
            "Demand",
            population=True,
            coordinates=coordinates,
        )
        candidates = siting_inputs.read_points(
            *_read(options["candidates"], "--candidates"),
            "Candidates",
            population=False,
            coordinates=coordinates,
        )
        existing = (
            siting_inputs.read_points(
                *_read(options["existing"], "--existing"),
                "Existing sites",
                population=False,
                coordinates=coordinates,
            )
            if options["existing"]
            else Points([], [], [])
        )
        if matrix is not None:
            cost, existing_cost = siting_inputs.read_cost_matrix(
                *_read(matrix, "--cost-matrix"), demand, [candidates, existing]
            )
        else:
            cost = siting_inputs.great_circle(demand, candidates)
            existing_cost = siting_inputs.great_circle(demand, existing)
        assert demand.population is not None
        return siting.solve(
            options["model"],
            demand_ids=demand.ids,
            population=np.asarray(demand.population),
            candidate_ids=candidates.ids,
            cost=cost,
            existing_ids=existing.ids,
            existing_cost=existing_cost,
            p=options["p"],
            radius=options["radius_km"],
        )
