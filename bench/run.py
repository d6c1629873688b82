"""``make bench``: orders/s through the REST API and Open311 against ceilings measured in
the same run, on PostgreSQL + gunicorn.

1. (Re)creates a dedicated database (``minsheng_bench`` next to ``DATABASE_URL``'s),
   migrates it and seeds a minimal county (``bench.seed``): regions, a service with two
   questions, residents with API tokens, and the insert ceiling's ``bench_row`` table.
2. Starts gunicorn once (``bench.urls`` as ROOT_URLCONF via ``MINSHENG_URLCONF``; DEBUG
   off; the same workers for every target) on 127.0.0.1.
3. For each target, a warm-up then a fixed duration at a fixed concurrency from this
   process (threads, ``http.client``; keep-alive whenever the server allows it):
   ``fixed`` (GET, fixed JSON, no database), ``insert`` (POST, one row in a transaction),
   ``orders`` (POST /api/v1/orders/ with token auth: real orders, every reply must be 201),
   ``open311_post`` (POST /open311/v2/requests.json, form-encoded with an API key: real
   orders, every reply 201), ``select`` (GET, the 1,000 newest orders' columns in one query:
   the read ceiling) and ``open311_get`` (GET /open311/v2/requests.json: every reply must
   hold exactly 1,000 requests, the specification's cap).
4. Checks the database holds exactly the rows the 201s claim, counts the SQL of one order
   request (``bench.queries``), prints a table and writes ``bench/results/latest.json``.

Figures and how to read them: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], not the repo
    sys.path.insert(0, str(ROOT))

from bench.balance_equity import format_report as equity_report  # noqa: E402
from bench.balance_equity import run as balance_equity  # noqa: E402
from bench.queries import open311_body, order_body  # noqa: E402
from bench.views import FIXED_BODY  # noqa: E402

DEFAULT_DB_URL = "postgres://postgres@127.0.0.1:5432/minsheng"
HOST = "127.0.0.1"
TARGETS = ("fixed", "insert", "orders", "open311_post", "select", "open311_get")
# (measured, ceiling) pairs reported as ratios of requests per second.
RATIOS = (
    ("orders", "insert"),
    ("orders", "fixed"),
    ("open311_post", "insert"),
    ("open311_get", "select"),
    ("open311_get", "fixed"),
)


# --- arguments --------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/run.py", description="Order API throughput against two ceilings."
    )
    p.add_argument("--duration", type=float, default=10.0, help="measured seconds per target")
    p.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per target")
    p.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleave the targets in this many slices of duration/rounds seconds each",
    )
    p.add_argument("--concurrency", type=int, default=8, help="client threads")
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn workers"
    )
    p.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    p.add_argument("--users", type=int, default=8, help="residents with tokens")
    p.add_argument("--db-name", default="minsheng_bench", help="dedicated database (dropped!)")
    p.add_argument("--port", type=int, default=0, help="0: a free port")
    p.add_argument(
        "--targets", default=",".join(TARGETS), help=f"comma-separated subset of {TARGETS}"
    )
    p.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    p.add_argument(
        "--breakdown",
        type=int,
        default=0,
        metavar="N",
        help="also time N in-process requests of each kind, part by part (bench.breakdown)",
    )
    p.add_argument("--skip-setup", action="store_true", help="reuse the bench database as it is")
    args = p.parse_args(argv)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown or not targets:
        p.error(f"unknown targets: {unknown or args.targets!r}")
    args.targets = targets
    if (
        args.duration <= 0
        or args.warmup < 0
        or min(args.concurrency, args.workers, args.rounds) < 1
    ):
        p.error("duration > 0, warmup >= 0, and concurrency, workers, rounds >= 1")
    return args


# --- statistics -------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of already sorted values; 0.0 if none."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(q / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


@dataclass
class TargetResult:
    name: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    error_samples: list[str] = field(default_factory=list)


def summarize(
    name: str, latencies: Sequence[float], errors: int, seconds: float, samples: list[str]
) -> TargetResult:
    """Requests/s and latency percentiles (ms) of one measured phase."""
    ordered = sorted(latencies)
    return TargetResult(
        name=name,
        requests=len(ordered),
        errors=errors,
        seconds=round(seconds, 3),
        rps=round(len(ordered) / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(percentile(ordered, 50) * 1000, 2),
        p99_ms=round(percentile(ordered, 99) * 1000, 2),
        max_ms=round((ordered[-1] if ordered else 0.0) * 1000, 2),
        error_samples=samples[:5],
    )


def ratios(results: dict[str, TargetResult]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for measured, ceiling in RATIOS:
        top, base = results.get(measured), results.get(ceiling)
        if top is None:
            continue  # not measured in this run
        out[f"{measured}_per_{ceiling}"] = (
            round(top.rps / base.rps, 3) if top and base and base.rps > 0 else None
        )
    return out


def format_table(results: dict[str, TargetResult], r: dict[str, float | None]) -> str:
    lines = [
        f"{'target':<12} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'errors':>6}"
    ]
    for res in results.values():
        lines.append(
            f"{res.name:<12} {res.requests:>9} {res.rps:>9.1f} {res.p50_ms:>8.2f} "
            f"{res.p99_ms:>8.2f} {res.max_ms:>8.2f} {res.errors:>6}"
        )
    for key, value in r.items():
        label = key.replace("_per_", "/s ÷ ") + " ceiling"
        lines.append(f"{label}: {'n/a' if value is None else f'{value:.2f}'}")
    return "\n".join(lines)


# --- load -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    expect: int
    check: Callable[[bytes], bool] | None = None


def _array_of(length: int) -> Callable[[bytes], bool]:
    def check(body: bytes) -> bool:
        try:
            data = json.loads(body)
        except ValueError:
            return False
        return isinstance(data, list) and len(data) == length

    return check


def calls_for(
    target: str, tokens: Sequence[dict[str, str]], api_key: str = ""
) -> Callable[[int, int], Call]:
    """A function (thread index, request number) -> the request to send for ``target``."""
    json_headers = {"Content-Type": "application/json"}
    if target == "select":
        select = Call("GET", "/bench/select/", None, {}, 200, _array_of(1000))
        return lambda _t, _n: select
    if target == "open311_get":
        listing = Call("GET", "/open311/v2/requests.json", None, {}, 200, _array_of(1000))
        return lambda _t, _n: listing
    if target == "open311_post":
        if not api_key:
            raise ValueError("the open311_post target needs an API key")
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return lambda _t, n: Call(
            "POST", "/open311/v2/requests.json", open311_body(api_key, n), form, 201
        )
    if target == "fixed":
        fixed = json.dumps(FIXED_BODY).encode()
        call = Call("GET", "/bench/fixed/", None, {}, 200, lambda b: b == fixed)
        return lambda _t, _n: call
    if target == "insert":
        return lambda t, n: Call(
            "POST",
            "/bench/insert/",
            json.dumps({"thread": t, "n": n}).encode(),
            json_headers,
            201,
        )
    if not tokens:
        raise ValueError("the orders target needs residents' tokens")

    def order_call(t: int, n: int) -> Call:
        resident = tokens[t % len(tokens)]
        return Call(
            "POST",
            "/api/v1/orders/",
            json.dumps(order_body(resident["region"], n)).encode(),
            {**json_headers, "Authorization": f"Token {resident['token']}"},
            201,
        )

    return order_call


class Client:
    """One keep-alive connection, reopened whenever the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, call: Call) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            self.conn.request(call.method, call.path, body=call.body, headers=call.headers)
            response = self.conn.getresponse()
            body = response.read()
            if response.will_close:
                self.close()
            return response.status, body
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    ok: int = 0
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_phase(
    port: int, make_call: Callable[[int, int], Call], *, seconds: float, concurrency: int
) -> tuple[Phase, float]:
    """Hammer the server for ``seconds`` from ``concurrency`` threads; (results, elapsed)."""
    phase = Phase()
    start = time.perf_counter()
    deadline = start + seconds

    def worker(t: int) -> None:
        client = Client(port)
        mine: list[float] = []
        ok = errors = 0
        n = 0
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            call = make_call(t, n)
            n += 1
            try:
                status, body = client.send(call)
                good = status == call.expect and (call.check is None or call.check(body))
                problem = "" if good else f"{status} {body[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                good, problem = False, f"{type(exc).__name__}: {exc}"
            mine.append(time.perf_counter() - t0)
            if good:
                ok += 1
            else:
                errors += 1
                with phase.lock:
                    if len(phase.samples) < 5:
                        phase.samples.append(problem)
        client.close()
        with phase.lock:
            phase.latencies.extend(mine)
            phase.ok += ok
            phase.errors += errors

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return phase, time.perf_counter() - start


def measure_all(
    names: Sequence[str],
    port: int,
    tokens: Sequence[dict[str, str]],
    *,
    api_key: str = "",
    warmup: float,
    duration: float,
    concurrency: int,
    rounds: int = 1,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, TargetResult], dict[str, int]]:
    """Warm every target up, then measure them in ``rounds`` interleaved slices.

    Each target gets ``duration / rounds`` seconds per round, in rotation (fixed, insert,
    orders, fixed, …), so a change in the machine's load during the run touches all targets
    alike and the ratios stay comparable. Also returns, per target, how many requests
    succeeded in all (warm-up included): the rows the database must now hold.
    """
    calls = {name: calls_for(name, tokens, api_key) for name in names}
    totals = {name: Phase() for name in names}
    elapsed = dict.fromkeys(names, 0.0)
    succeeded = dict.fromkeys(names, 0)
    for name in names:
        if warmup > 0:
            warm, _ = run_phase(port, calls[name], seconds=warmup, concurrency=concurrency)
            succeeded[name] += warm.ok
    for round_no in range(rounds):
        if progress:
            progress(f"round {round_no + 1}/{rounds}")
        for name in names:
            phase, seconds = run_phase(
                port, calls[name], seconds=duration / rounds, concurrency=concurrency
            )
            total = totals[name]
            total.latencies.extend(phase.latencies)
            total.errors += phase.errors
            total.samples.extend(phase.samples[: max(0, 5 - len(total.samples))])
            elapsed[name] += seconds
            succeeded[name] += phase.ok
    results = {
        name: summarize(name, t.latencies, t.errors, elapsed[name], t.samples)
        for name, t in totals.items()
    }
    return results, succeeded


# --- database and server ----------------------------------------------------------------------


def bench_db_url(base_url: str, db_name: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"make bench needs PostgreSQL; DATABASE_URL is {base_url!r}")
    return urlunsplit(parts._replace(path=f"/{db_name}"))


def psycopg_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def recreate_database(base_url: str, db_name: str) -> None:
    """Drop and create ``db_name``, talking to the server's maintenance database."""
    import psycopg
    from psycopg import sql

    maintenance = psycopg_dsn(bench_db_url(base_url, "postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        name = sql.Identifier(db_name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def count_rows(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(psycopg_dsn(url)) as conn:
        orders = conn.execute("SELECT count(*) FROM orders_order").fetchone()
        events = conn.execute("SELECT count(*) FROM orders_orderevent").fetchone()
        linked = conn.execute("SELECT count(*) FROM open311_servicerequest").fetchone()
        rows = conn.execute("SELECT count(*) FROM bench_row").fetchone()
        version = conn.execute("SHOW server_version").fetchone()
    return {
        "orders": int(orders[0]) if orders else -1,
        "events": int(events[0]) if events else -1,
        "open311_requests": int(linked[0]) if linked else -1,
        "bench_rows": int(rows[0]) if rows else -1,
        "server_version": version[0] if version else "?",
    }


def server_env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="minsheng.settings",
        MINSHENG_URLCONF="bench.urls",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        DEBUG="0",
        # DEBUG off needs a key: `make bench` passes this checkout's; run by hand, a throwaway
        # one for this run's own server and database.
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        LOG_LEVEL="ERROR",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # The load generator is one client address with one key: no rate limit in the way.
        MINSHENG_OPEN311_KEY_RATE="1000000000",
        MINSHENG_OPEN311_ANON_RATE="1000000000",
        CONN_MAX_AGE=env.get("CONN_MAX_AGE", "60"),
        PYTHONWARNINGS="ignore:No directory at",  # whitenoise: no collectstatic here
    )
    return env


def django_run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(args: argparse.Namespace, env: dict[str, str], port: int, log: Path) -> Any:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "minsheng.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={args.workers}",
        f"--worker-class={args.worker_class}",
        f"--threads={args.threads}",
        "--backlog=256",
        "--timeout=60",
        "--graceful-timeout=5",
        f"--error-logfile={log}",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench/fixed/")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
            conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(proc: Any) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        print(f"note: load average {load_before[0]:.2f} before the run: figures will be noisy")
    base_url = os.environ.get("DATABASE_URL", DEFAULT_DB_URL)
    db_url = bench_db_url(base_url, args.db_name)
    env = server_env(db_url)
    args.output.parent.mkdir(parents=True, exist_ok=True)

    if args.skip_setup:
        tokens_json = django_run(["-m", "bench.seed", "--tokens-only"], env)
    else:
        print(f"Recreating database {args.db_name} and migrating…", flush=True)
        recreate_database(base_url, args.db_name)
        django_run(["-m", "django", "migrate", "--noinput"], env)
        tokens_json = django_run(["-m", "bench.seed", f"--users={args.users}"], env)
    seeded = json.loads(tokens_json)
    residents: list[dict[str, str]] = seeded["residents"]
    api_key: str = seeded["api_key"]

    queries = json.loads(
        django_run(
            ["-m", "bench.queries", residents[0]["token"], residents[0]["region"], api_key], env
        )
    )
    before = count_rows(db_url)

    port = args.port or free_port()
    log = args.output.parent / "gunicorn.log"
    server = f"gunicorn {args.worker_class} ×{args.workers}" + (
        f" ({args.threads} threads)" if args.worker_class == "gthread" else ""
    )
    print(f"Serving bench.urls with {server} on {HOST}:{port}", flush=True)
    proc = start_server(args, env, port, log)
    print(
        f"  {', '.join(args.targets)}: {args.warmup:g} s warm-up each, then "
        f"{args.duration:g} s each in {args.rounds} interleaved rounds "
        f"at concurrency {args.concurrency}…",
        flush=True,
    )
    try:
        results, succeeded = measure_all(
            args.targets,
            port,
            residents,
            api_key=api_key,
            warmup=args.warmup,
            duration=args.duration,
            concurrency=args.concurrency,
            rounds=args.rounds,
            progress=lambda msg: print(f"    {msg}", flush=True),
        )
    finally:
        stop_server(proc)

    after = count_rows(db_url)
    written = {
        "orders": after["orders"] - before["orders"],
        "events": after["events"] - before["events"],
        "open311_requests": after["open311_requests"] - before["open311_requests"],
        "bench_rows": after["bench_rows"] - before["bench_rows"],
    }
    placed = succeeded.get("orders", 0) + succeeded.get("open311_post", 0)
    consistent = (
        written["orders"] == placed == written["events"]
        and written["open311_requests"] == succeeded.get("open311_post", 0)
        and written["bench_rows"] == succeeded.get("insert", 0)
    )
    r = ratios(results)
    parts = (
        json.loads(django_run(["-m", "bench.breakdown", str(args.breakdown), "--json"], env))
        if args.breakdown
        else None
    )
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgresql": after["server_version"],
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "config": {
            "server": server,
            "concurrency": args.concurrency,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "conn_max_age": env["CONN_MAX_AGE"],
            "database": args.db_name,
        },
        "targets": {name: asdict(res) for name, res in results.items()},
        "ratios": r,
        "rows_written": written,
        "rows_match_successes": consistent,
        "queries_per_request": {k: v["queries"] for k, v in queries.items()},
        "order_request_sql": queries["orders"]["sql"],
        "open311_get_sql": queries["open311_get"]["sql"],
        "breakdown": parts,
        "balance_equity": balance_equity(),  # issue 11: inequality on 3,000 regions vs PySAL
        # issue 11, budget allocation (pure, no server): bench/balance_allocation.py
        "balance_allocation": json.loads(
            django_run(["-m", "bench.balance_allocation", "--json"], env)
        ),
    }
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    print()
    print(format_table(results, r))
    print(
        "SQL statements per request (incl. BEGIN/COMMIT): "
        + ", ".join(f"{name} {q['queries']}" for name, q in queries.items())
    )
    print(
        f"rows written: {written['orders']} orders, {written['events']} events, "
        f"{written['open311_requests']} Open311 requests, {written['bench_rows']} bench rows; "
        f"match the 201s: {consistent}"
    )
    from bench.balance_allocation import format_report

    print(format_report(report["balance_allocation"]))
    if parts:
        from bench.breakdown import format_breakdown

        print(format_breakdown(parts))
    print(equity_report(report["balance_equity"]))
    for res in results.values():
        for sample in res.error_samples:
            print(f"  {res.name} error: {sample}")
    print(
        f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )
    errors = sum(res.errors for res in results.values())
    # -- balance (issue 11): each part's bench runs after the API figures --
    siting = subprocess.run([sys.executable, str(ROOT / "bench" / "balance_siting.py")], cwd=ROOT)
    return 0 if errors == 0 and consistent and siting.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
