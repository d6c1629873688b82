"""Count the SQL of one request of each measured kind (and of the ceilings) in-process.

Run as ``python -m bench.queries TOKEN REGION API_KEY`` against the seeded bench database; prints
JSON: for each path, the number of queries and their SQL (first 160 characters each).
Uses Django's test client and ``CaptureQueriesContext``: no server, no timing.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any
from urllib.parse import urlencode

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


def open311_body(api_key: str, n: int = 0) -> bytes:
    """A form-encoded GeoReport v2 request for the bench service, placed by its point."""
    return urlencode(
        {
            "api_key": api_key,
            "service_code": SERVICE_CODE,
            "lat": "30.01",
            "long": "110.01",
            "address_string": "压测村 1 组",
            "description": f"Open311 压测 {n}",
            "first_name": "压测",
            "phone": "13800000000",
            "attribute[people]": "2",
            "attribute[diet]": "soft" if n % 2 else "normal",
        }
    ).encode()


def capture(token: str, region: str, api_key: str) -> dict[str, Any]:
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
        result[name] = _counted(response, ctx)
    form = "application/x-www-form-urlencoded"
    post = "/open311/v2/requests.json"
    client.post(post, open311_body(api_key), content_type=form)  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(post, open311_body(api_key, 1), content_type=form)
    result["open311_post"] = _counted(response, ctx)
    for name, path in (("select", "/bench/select/"), ("open311_get", "/open311/v2/requests.json")):
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        result[name] = _counted(response, ctx)
    return result


def _counted(response: Any, ctx: Any) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "queries": len(ctx.captured_queries),
        "sql": [q["sql"][:160] for q in ctx.captured_queries],
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    json.dump(capture(args[0], args[1], args[2]), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
