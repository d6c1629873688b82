"""The bench harness works (no timing asserted): ceiling views, arguments, statistics, the
wrk script's requests and output, and a tiny run of every target against a live server
through Debian's wrk. The database parts need PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from django.db import connection

from bench import run
from bench.queries import open311_body, order_body
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

    assert (args.duration, args.warmup, args.concurrency, args.wrk_threads) == (10.0, 2.0, 8, 1)
    assert (args.worker_class, args.workers) == ("sync", 4)
    assert args.targets == ["fixed", "insert", "orders", "open311_post", "select", "open311_get"]
    assert args.rounds == 5
    assert args.db_name is None  # DATABASE_URL's name + _bench
    assert not args.no_balance


def test_arguments_choose_targets_and_refuse_nonsense():
    assert run.parse_args(["--targets", "orders,fixed"]).targets == ["orders", "fixed"]
    with pytest.raises(SystemExit):
        run.parse_args(["--targets", "fixed,teapot"])
    with pytest.raises(SystemExit):
        run.parse_args(["--concurrency", "0"])
    with pytest.raises(SystemExit):
        run.parse_args(["--rounds", "0"])
    with pytest.raises(SystemExit):  # wrk gives each thread concurrency / threads
        run.parse_args(["--concurrency", "3", "--wrk-threads", "2"])
    with pytest.raises(SystemExit):
        run.parse_args(["--wrk-threads", "3"])


def test_bench_database_sits_beside_the_configured_one():
    url = run.bench_db_url("postgres://postgres@127.0.0.1:5432/minsheng", "minsheng_bench")

    assert url == "postgres://postgres@127.0.0.1:5432/minsheng_bench"
    assert run.bench_db_name("postgres://postgres@127.0.0.1:5432/minsheng") == "minsheng_bench"
    assert run.bench_db_name("postgres://postgres@127.0.0.1:5432/mine") == "mine_bench"
    with pytest.raises(SystemExit):
        run.bench_db_url("sqlite:///var/minsheng.sqlite3", "minsheng_bench")


def test_percentiles_are_nearest_rank_of_weighted_values():
    values = [(float(v), 1.0) for v in range(100, 0, -1)]

    assert run.percentile(values, 50) == 50.0
    assert run.percentile(values, 99) == 99.0
    assert run.percentile(values, 100) == 100.0
    assert run.percentile([], 50) == 0.0
    assert run.percentile([(0.5, 3.0)], 99) == 0.5
    # a round of 300 replies weighs three times one of 100
    assert run.percentile([(10.0, 3.0), (20.0, 1.0)], 75) == 10.0
    assert run.percentile([(10.0, 3.0), (20.0, 1.0)], 76) == 20.0


# What target.lua's done() prints last (after wrk's own report), as wrk 4.1.0 printed it.
WRK_STDOUT = """Running 32s test @ http://127.0.0.1:41957
  1 threads and 8 connections
minsheng-bench drained
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.07ms    5.30ms  35.53ms   69.95%
  7 requests in 2.02s, 2.62KB read
Requests/sec:      3.47
Transfer/sec:      1.30KB
minsheng-bench result {"ok": 5, "bad": 2, "statuses": {"201": 5, "500": 1, "400": 1}, \
"socket_errors": {"read": 1, "write": 0, "connect": 0, "timeout": 0}, "seconds": 2.000000, \
"samples": ["500 boom \\u0022x\\u0022", "400 {}"], "latency_us": [1000, 2000, 3000, 4000]}
"""


def test_the_wrk_result_line_is_parsed():
    phase = run.parse_wrk_output(WRK_STDOUT)

    assert (phase.ok, phase.bad, phase.socket_errors, phase.errors) == (5, 2, 1, 3)
    assert phase.statuses == {"201": 5, "500": 1, "400": 1}
    assert phase.replies == 7
    assert phase.seconds == 2.0
    assert phase.samples == [
        '500 boom "x"',
        "400 {}",
        "socket errors: read 1, write 0, connect 0, timeout 0",
    ]
    # each of the 4 quantiles stands for a quarter of the 7 replies
    assert phase.latency_us == [(1000.0, 1.75), (2000.0, 1.75), (3000.0, 1.75), (4000.0, 1.75)]
    with pytest.raises(RuntimeError):
        run.parse_wrk_output("Running 2s test @ http://127.0.0.1:1\n")


def phase(ok: int, latency_ms: list[float], seconds: float, bad: int = 0) -> run.Phase:
    replies = ok + bad
    return run.Phase(
        ok=ok,
        bad=bad,
        statuses={"201": ok, **({"500": bad} if bad else {})},
        seconds=seconds,
        latency_us=[(ms * 1000, replies / len(latency_ms)) for ms in latency_ms],
        samples=["500 boom"] if bad else [],
    )


def test_summary_pools_rounds_ratios_and_table():
    orders = phase(100, [4.0, 8.0], 1.0, bad=1)
    orders.add(phase(149, [4.0] * 99 + [9.0], 1.0))
    results = {
        "fixed": run.summarize("fixed", phase(1000, [1.0], 2.0)),
        "insert": run.summarize("insert", phase(500, [2.0], 2.0)),
        "orders": run.summarize("orders", orders),
    }

    assert (results["fixed"].rps, results["fixed"].p50_ms) == (500.0, 1.0)
    got = results["orders"]
    assert (got.requests, got.errors, got.rps) == (250, 1, 125.0)
    assert (got.p50_ms, got.p99_ms, got.max_ms) == (4.0, 8.0, 9.0)
    assert got.statuses == {"201": 249, "500": 1}
    assert got.error_samples == ["500 boom"]
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
    only_fixed = {"fixed": run.summarize("fixed", phase(1, [1.0], 1.0))}
    assert run.ratios(only_fixed) == {}

    reads = {
        "fixed": run.summarize("fixed", phase(1000, [1.0], 2.0)),
        "open311_get": run.summarize("open311_get", phase(50, [10.0], 2.0)),
    }
    assert run.ratios(reads) == {"open311_get_per_select": None, "open311_get_per_fixed": 0.05}


def fill(template: str, n: int, thread: int = 0) -> str:
    """What target.lua does to a body template."""
    return template.replace("{n}", str(n)).replace("{thread}", str(thread))


def test_wrk_bodies_are_the_benchs_own():
    residents = [{"token": "t1", "region": "r1"}, {"token": "t2", "region": "r2"}]

    open311 = run.wrk_config("open311_post", residents, "key")["variants"][0]
    for n in (0, 1, 2, 3, 200000017):
        assert fill(open311["bodies"][n % 2], n) == open311_body("key", n).decode()
    orders = run.wrk_config("orders", residents, "key")
    assert orders["expect"] == 201
    assert [v["headers"]["Authorization"] for v in orders["variants"]] == ["Token t1", "Token t2"]
    second = orders["variants"][1]
    assert [json.loads(b) for b in second["bodies"]] == [order_body("r2", 0), order_body("r2", 1)]
    insert = run.wrk_config("insert", residents)["variants"][0]
    assert json.loads(fill(insert["bodies"][0], 7, thread=1)) == {"thread": 1, "n": 7}
    fixed = run.wrk_config("fixed", residents)
    assert json.loads(fixed["body"]) == FIXED_BODY
    listing = run.wrk_config("open311_get", residents)
    assert (listing["expect"], listing["items"], listing["variants"][0]["method"]) == (
        200,
        1000,
        "GET",
    )


def test_lua_literals_escape_every_byte_that_needs_it():
    assert run.lua_literal({"a": [1, 'say "压"\\']}) == (
        '{["a"] = {1, "say \\034\\229\\142\\139\\034\\092"}}'
    )


def require_wrk() -> None:
    """`make bench` installs Debian's wrk; in CI a missing wrk is a failure."""
    if shutil.which("wrk") is None:
        message = "wrk is not installed (make wrk, or apt-get install wrk)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


WRITES = ("insert", "orders", "open311_post")


@pytest.mark.urls("bench.urls")
@pytest.mark.django_db(transaction=True)
def test_tiny_run_of_all_targets_writes_one_row_per_success(live_server, standard_catalog):
    if not on_postgres():
        pytest.skip("the bench runs on PostgreSQL only")
    require_wrk()
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
        warmup=0.2,
        duration=0.6,
        concurrency=2,
        wrk_threads=2,
        rounds=2,
    )

    for name in run.TARGETS:
        assert results[name].errors == 0, (name, results[name].error_samples)
        assert 0 < results[name].requests <= succeeded[name]
        assert set(results[name].statuses) == {"201" if name in WRITES else "200"}
    assert bench_rows() - rows_before == succeeded["insert"]
    placed = succeeded["orders"] + succeeded["open311_post"]
    assert Order.objects.count() - orders_before == placed
    assert OrderEvent.objects.count() - events_before == placed
    assert ServiceRequest.objects.count() == succeeded["open311_post"]
    assert Order.objects.filter(channel="api").count() == succeeded["orders"]
    assert Order.objects.filter(channel="open311").count() == succeeded["open311_post"]


def test_the_server_queues_tasks_in_redis_as_deployed(monkeypatch):
    # With a Redis URL the server's tasks (an order's notifications) are queued, as in a
    # deployment; with '' they run inline, inside the request; an outer REDIS_URL never leaks.
    monkeypatch.setenv("REDIS_URL", "redis://elsewhere:6379/0")
    monkeypatch.delenv("BENCH_REDIS_URL", raising=False)
    env = run.server_env("postgres://x/y", "redis://127.0.0.1:6379/12")
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/12"
    assert "REDIS_URL" not in run.server_env("postgres://x/y", "")
    assert run.parse_args([]).redis_url == "redis://127.0.0.1:6379/12"
    assert run.parse_args(["--redis-url", ""]).redis_url == ""
