from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from minsheng.core.errors import DomainError
from minsheng.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from minsheng.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Build the demo county 青溪县 (Qingxi County): regions, menu, providers, demo logins "
        "and a year of orders ending now. Deterministic for a given --seed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the ~10,000 historical orders to generate (default 1.0)",
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete previously seeded demo data first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: float = options["scale"]
        if not 0 < scale <= 5:
            raise CommandError("--scale must be above 0 and at most 5")
        try:
            s = seed_demo(seed=options["seed"], scale=scale, reset=options["reset"])
        except DomainError as exc:
            raise CommandError("; ".join(str(e.message) for e in exc.errors)) from None
        except ProtectedError as exc:
            raise CommandError(
                f"cannot reset: other data refers to the demo ({len(exc.protected_objects)} "
                "rows, e.g. orders outside the demo county by demo users)"
            ) from None
        rural = s.rural_population / s.population if s.population else 0.0
        w = self.stdout.write
        w(f"Demo county seeded (seed {s.seed}, scale {s.scale:g}) in {s.seconds:.1f} s:")
        w(
            f"  regions:   1 county, {s.townships} townships, {s.villages} villages/communities; "
            f"population {s.population:,} ({rural:.0%} rural)"
        )
        w(f"  catalog:   {s.services} services, {s.providers} providers; {s.users} user accounts")
        w(f"  orders:    {s.orders:,} with {s.events:,} events and {s.ratings:,} ratings")
        w(f"  suggestions: {s.suggestions}")
        w("  by status: " + ", ".join(f"{k} {v:,}" for k, v in s.by_status.items()))
        w(f"  open and overdue (escalated): {s.escalated_open}")
        w(f"  monthly topics: {s.topics}")
        w(f"  facilities: {s.facilities} ({s.idle_on_purpose} idle, each for a reason)")
        w(
            f"  walk-through: resident in {s.demo_village}, dispatcher for {s.demo_township}, "
            f"provider {s.demo_provider}"
        )
        w(
            f"Demo logins (password {DEMO_PASSWORD!r}): "
            + ", ".join(d.username for d in DEMO_LOGINS)
        )
        w("Run `minsheng demo_logins` for what to try with each.")
