"""The two ceilings the order endpoint is measured against, served by the same stack.

* ``fixed``: a bare Django view returning fixed JSON (no database): the cost of the
  WSGI server, Django's middleware and the load generator.
* ``insert``: a bare Django view that parses a JSON body and inserts one row in a
  transaction: the above plus the cheapest possible write.
* ``select``: a bare Django view that reads the 1,000 newest orders' columns in one query
  and returns them as a JSON array: the cheapest possible read of what
  ``GET /open311/v2/requests.json`` returns.
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


SELECT_SQL = """
SELECT id, status, description, address, latitude, longitude, created_at, updated_at
FROM orders_order ORDER BY created_at DESC, id DESC LIMIT 1000
"""


@require_GET
def select_rows(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(SELECT_SQL)
        rows = [
            {
                "id": str(row[0]),
                "status": row[1],
                "description": row[2],
                "address": row[3],
                "lat": row[4],
                "long": row[5],
                "requested_datetime": row[6].isoformat(),
                "updated_datetime": row[7].isoformat(),
            }
            for row in cursor.fetchall()
        ]
    return JsonResponse(rows, safe=False)
