"""Count the SQL of one ``POST /api/v1/orders/`` (and of the insert ceiling) in-process.

Run as ``python -m bench.queries TOKEN REGION`` against the seeded bench database; prints
JSON: for each path, the number of queries and their SQL (first 160 characters each).
Uses Django's test client and ``CaptureQueriesContext``: no server, no timing.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from bench.seed import SERVICE_CODE


def order_body(region: str, n: int = 0) -> dict[str, Any]:
    """The body every bench order is placed with (one of the two diets, alternating)."""
    return {
        "service": SERVICE_CODE,
        "region": region,
        "latitude": 30.01,
        "longitude": 110.01,
        "address": "压测村 1 组",
        "answers": {"people": 2, "diet": "soft" if n % 2 else "normal"},
    }


def capture(token: str, region: str) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    targets: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {
        "insert": ("/bench/insert/", {"n": 1}, {}),
        "orders": ("/api/v1/orders/", order_body(region), {"HTTP_AUTHORIZATION": f"Token {token}"}),
    }
    result: dict[str, Any] = {}
    for name, (path, body, headers) in targets.items():
        client.post(path, body, content_type="application/json", **headers)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(path, body, content_type="application/json", **headers)
        result[name] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "sql": [q["sql"][:160] for q in ctx.captured_queries],
        }
    return result


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    json.dump(capture(args[0], args[1]), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
