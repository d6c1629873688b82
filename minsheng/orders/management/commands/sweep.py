from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minsheng.orders.services import sweep


class Command(BaseCommand):
    help = (
        "Escalate overdue steps, re-dispatch orders not taken in time and close delivered "
        "orders left unrated. Idempotent; safe to run every minute."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="orders per run (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep(batch=options["batch"])
        self.stdout.write(
            f"escalated={result.escalated} redispatched={result.redispatched} "
            f"requeued={result.requeued} auto_closed={result.auto_closed}"
        )
