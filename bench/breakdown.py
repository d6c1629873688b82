"""Where the time of one ``POST /api/v1/orders/`` goes, in-process (no server, no threads).

Run as ``python -m bench.breakdown [N]`` with ``DATABASE_URL`` naming the seeded bench
database and ``MINSHENG_URLCONF=bench.urls`` (``bench/run.py --breakdown`` does it). Sends
N requests of each kind through Django's test client and reports mean milliseconds per
request: the whole request (wall clock, and this process's CPU time: on a busy machine
the CPU figure is the steadier one), the serializer, ``order_submit``, and every SQL statement
(driver + round trip, timed with ``connection.execute_wrapper``) plus COMMIT. The rest is
Django, DRF and Python around them. Absolute figures depend on the machine's load; the
proportions are what to read.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _label(sql: str) -> str:
    """A short name for a statement: verb and main table (``SELECT regions_region``)."""
    verb = sql.split(None, 1)[0].upper()
    if re.match(r'SELECT (1|%s) AS "a"', sql):
        verb = "EXISTS"  # .exists(): its own statement, not the row lookup on the table
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?', sql)
    joins = len(re.findall(r"\bJOIN\b", sql))
    name = f"{verb} {table.group(1) if table else ''}".strip()
    return f"{name} (+{joins} joins)" if joins else name


class Timer:
    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def add(self, key: str, seconds: float) -> None:
        self.total[key] += seconds
        self.count[key] += 1

    def wrap(self, key: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.add(key, time.perf_counter() - t0)

        return timed


@contextmanager
def instrumented(timer: Timer) -> Iterator[None]:
    """Time SQL statements, COMMIT, the serializer and order_submit while inside."""
    from django.db import connection

    from minsheng.orders import api, serializers

    def sql_wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timer.add(f"sql: {_label(sql)}", time.perf_counter() - t0)

    saved = (
        api.services.order_submit,
        serializers.OrderInputSerializer.is_valid,
    )
    connection.ensure_connection()
    connection.commit = timer.wrap("sql: COMMIT", connection.commit)  # type: ignore[method-assign]
    api.services.order_submit = timer.wrap("order_submit (all)", saved[0])  # type: ignore[assignment]
    serializers.OrderInputSerializer.is_valid = timer.wrap(  # type: ignore[method-assign]
        "serializer.is_valid", saved[1]
    )
    try:
        with connection.execute_wrapper(sql_wrapper):
            yield
    finally:
        del connection.commit
        api.services.order_submit = saved[0]  # type: ignore[assignment]
        serializers.OrderInputSerializer.is_valid = saved[1]  # type: ignore[method-assign]


def breakdown(token: str, region: str, n: int) -> dict[str, Any]:
    from django.test import Client

    from bench.queries import order_body

    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    kinds: dict[str, Callable[[int], Any]] = {
        "fixed": lambda i: client.get("/bench/fixed/"),
        "insert": lambda i: client.post(
            "/bench/insert/", {"n": i}, content_type="application/json"
        ),
        "orders": lambda i: client.post(
            "/api/v1/orders/", order_body(region, i), content_type="application/json", **auth
        ),
    }
    out: dict[str, Any] = {}
    for name, send in kinds.items():
        for i in range(20):  # warm up: imports, caches, the connection
            send(i)
        timer = Timer()
        with instrumented(timer):
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(n):
                send(i)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows = {k: round(v / n * 1000, 3) for k, v in timer.total.items()}
        sql_ms = sum(v for k, v in rows.items() if k.startswith("sql: "))
        out[name] = {
            "request_ms": round(elapsed / n * 1000, 3),
            "python_cpu_ms": round(cpu / n * 1000, 3),
            "sql_ms": round(sql_ms, 3),
            "statements": sum(c for k, c in timer.count.items() if k.startswith("sql: ")) / n,
            "parts_ms": dict(sorted(rows.items(), key=lambda kv: -kv[1])),
        }
    return out


def format_breakdown(data: dict[str, Any]) -> str:
    lines = []
    for name, d in data.items():
        lines.append(
            f"{name}: {d['request_ms']:.2f} ms per request in-process "
            f"({d['python_cpu_ms']:.2f} ms of it on this process's CPU), of which SQL "
            f"{d['sql_ms']:.2f} ms in {d['statements']:.0f} statements"
        )
        for part, ms in d["parts_ms"].items():
            lines.append(f"    {ms:8.3f} ms  {part}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    from bench.seed import existing

    resident = existing()["residents"][0]
    numbers = [a for a in args if a.isdigit()]
    n = int(numbers[0]) if numbers else 200
    data = breakdown(resident["token"], resident["region"], n)
    if "--json" in args:
        json.dump(data, sys.stdout, ensure_ascii=False)
    else:
        print(format_breakdown(data))


if __name__ == "__main__":
    main()
