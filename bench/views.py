"""The two ceilings the order endpoint is measured against, served by the same stack.

* ``fixed``: a bare Django view returning fixed JSON (no database): the cost of the
  WSGI server, Django's middleware and the load generator.
* ``insert``: a bare Django view that parses a JSON body and inserts one row in a
  transaction: the above plus the cheapest possible write.
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

FIXED_BODY = {"ok": True, "service": "minsheng", "ceiling": "fixed-json"}

BENCH_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS bench_row (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    payload text NOT NULL
)
"""


def ensure_bench_table() -> None:
    """Create the insert ceiling's table (PostgreSQL) if it is not there yet."""
    with connection.cursor() as cursor:
        cursor.execute(BENCH_TABLE_SQL)


@require_GET
def fixed_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(FIXED_BODY)


@csrf_exempt
@require_POST
def insert_row(request: HttpRequest) -> HttpResponse:
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "bad json"}, status=400)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_row (payload) VALUES (%s) RETURNING id",
            [json.dumps(payload, ensure_ascii=False)],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
