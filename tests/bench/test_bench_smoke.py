"""The bench harness works (no timing asserted): ceiling views, arguments, statistics, and a
tiny run of every target against a live server. The database parts need PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from bench import run
from bench.views import FIXED_BODY, ensure_bench_table
from minsheng.open311.models import ServiceRequest
from minsheng.orders.models import Order, OrderEvent
from tests.conftest import on_postgres


def bench_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_row")
        return int(cursor.fetchone()[0])


@pytest.fixture
def pg(db):
    if not on_postgres():
        pytest.skip("the bench runs on PostgreSQL only")


@pytest.mark.urls("bench.urls")
def test_fixed_ceiling_returns_the_fixed_body(client, db):
    response = client.get("/bench/fixed/")

    assert response.status_code == 200
    assert response.json() == FIXED_BODY


@pytest.mark.urls("bench.urls")
def test_insert_ceiling_inserts_exactly_one_row(client, pg):
    ensure_bench_table()
    before = bench_rows()

    response = client.post("/bench/insert/", {"n": 7}, content_type="application/json")

    assert response.status_code == 201
    assert bench_rows() == before + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM bench_row WHERE id = %s", [response.json()["id"]])
        assert json.loads(cursor.fetchone()[0]) == {"n": 7}


@pytest.mark.urls("bench.urls")
def test_bench_urlconf_still_serves_the_api(client, db):
    assert client.get("/api/v1/orders/").status_code == 401


def test_arguments_have_fair_defaults():
    args = run.parse_args([])

    assert (args.duration, args.warmup, args.concurrency) == (10.0, 2.0, 8)
    assert (args.worker_class, args.workers) == ("sync", 4)
    assert args.targets == ["fixed", "insert", "orders", "open311_post", "select", "open311_get"]
    assert args.rounds == 5
    assert args.db_name == "minsheng_bench"


def test_arguments_choose_targets_and_refuse_nonsense():
    assert run.parse_args(["--targets", "orders,fixed"]).targets == ["orders", "fixed"]
    with pytest.raises(SystemExit):
        run.parse_args(["--targets", "fixed,teapot"])
    with pytest.raises(SystemExit):
        run.parse_args(["--concurrency", "0"])
    with pytest.raises(SystemExit):
        run.parse_args(["--rounds", "0"])


def test_bench_database_sits_beside_the_configured_one():
    url = run.bench_db_url("postgres://postgres@127.0.0.1:5432/minsheng", "minsheng_bench")

    assert url == "postgres://postgres@127.0.0.1:5432/minsheng_bench"
    with pytest.raises(SystemExit):
        run.bench_db_url("sqlite:///var/minsheng.sqlite3", "minsheng_bench")


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]

    assert run.percentile(values, 50) == 50.0
    assert run.percentile(values, 99) == 99.0
    assert run.percentile(values, 100) == 100.0
    assert run.percentile([], 50) == 0.0
    assert run.percentile([0.5], 99) == 0.5


def test_summary_ratios_and_table():
    results = {
        "fixed": run.summarize("fixed", [0.001] * 1000, 0, 2.0, []),
        "insert": run.summarize("insert", [0.002] * 500, 0, 2.0, []),
        "orders": run.summarize("orders", [0.004, 0.008] * 125, 1, 2.0, ["500 b'boom'"]),
    }

    assert (results["fixed"].rps, results["fixed"].p50_ms) == (500.0, 1.0)
    assert (results["orders"].rps, results["orders"].p50_ms, results["orders"].p99_ms) == (
        125.0,
        4.0,
        8.0,
    )
    assert results["orders"].error_samples == ["500 b'boom'"]
    ratios = run.ratios(results)
    assert ratios == {"orders_per_insert": 0.5, "orders_per_fixed": 0.25}
    table = run.format_table(results, ratios).splitlines()
    assert table[0].split() == [
        "target",
        "requests",
        "req/s",
        "p50",
        "ms",
        "p99",
        "ms",
        "max",
        "ms",
        "errors",
    ]
    assert table[3].split()[:3] == ["orders", "250", "125.0"]
    assert table[-2:] == ["orders/s ÷ insert ceiling: 0.50", "orders/s ÷ fixed ceiling: 0.25"]


def test_a_ratio_is_reported_for_what_was_measured_and_unknown_without_its_ceiling():
    only_fixed = {"fixed": run.summarize("fixed", [0.001], 0, 1.0, [])}
    assert run.ratios(only_fixed) == {}

    reads = {
        "fixed": run.summarize("fixed", [0.001] * 1000, 0, 2.0, []),
        "open311_get": run.summarize("open311_get", [0.01] * 50, 0, 2.0, []),
    }
    assert run.ratios(reads) == {"open311_get_per_select": None, "open311_get_per_fixed": 0.05}


@pytest.mark.urls("bench.urls")
@pytest.mark.django_db(transaction=True)
def test_tiny_run_of_all_targets_writes_one_row_per_success(live_server, standard_catalog):
    if not on_postgres():
        pytest.skip("the bench runs on PostgreSQL only")
    from bench.seed import HISTORY, seed

    seeded = seed(2)
    port = int(live_server.url.rsplit(":", 1)[1])
    rows_before = bench_rows()
    orders_before, events_before = Order.objects.count(), OrderEvent.objects.count()
    assert orders_before == HISTORY

    results, succeeded = run.measure_all(
        run.TARGETS,
        port,
        seeded["residents"],
        api_key=seeded["api_key"],
        warmup=0.1,
        duration=0.4,
        concurrency=2,
        rounds=2,
    )

    for name in run.TARGETS:
        assert results[name].errors == 0, (name, results[name].error_samples)
        assert 0 < results[name].requests <= succeeded[name]
    assert bench_rows() - rows_before == succeeded["insert"]
    placed = succeeded["orders"] + succeeded["open311_post"]
    assert Order.objects.count() - orders_before == placed
    assert OrderEvent.objects.count() - events_before == placed
    assert ServiceRequest.objects.count() == succeeded["open311_post"]
    assert Order.objects.filter(channel="api").count() == succeeded["orders"]
    assert Order.objects.filter(channel="open311").count() == succeeded["open311_post"]
