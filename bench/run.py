"""``make bench``: orders/s through the REST API and Open311 against ceilings measured in
the same run, on PostgreSQL + gunicorn.

1. (Re)creates a dedicated database (``DATABASE_URL``'s name + ``_bench``, next to it),
   migrates it and seeds a minimal county (``bench.seed``): regions, a service with two
   questions, residents with API tokens, and the insert ceiling's ``bench_row`` table.
2. Starts gunicorn once (``bench.urls`` as ROOT_URLCONF via ``MINSHENG_URLCONF``; DEBUG
   off; the same workers for every target) on 127.0.0.1.
3. For each target, a warm-up then a fixed duration at a fixed concurrency from Debian's
   ``wrk`` (a separate C process, one thread by default: a Python client in this process
   would take half of the two cores and hide the server's speed), scripted by
   ``bench/wrk/target.lua``, which counts the replies per status and checks each one:
   ``fixed`` (GET, fixed JSON, no database: the body must be exactly it), ``insert`` (POST,
   one row in a transaction, 201),
   ``orders`` (POST /api/v1/orders/ with token auth: real orders, every reply must be 201),
   ``open311_post`` (POST /open311/v2/requests.json, form-encoded with an API key: real
   orders, every reply 201), ``select`` (GET, the 1,000 newest orders' columns in one query:
   the read ceiling) and ``open311_get`` (GET /open311/v2/requests.json: every reply must
   hold exactly 1,000 requests, the specification's cap; for both GETs the Lua checks a
   JSON array holding one item key per item). A phase ends when its seconds are up and
   its last replies are in (no request is cut off: each row written was counted).
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
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
    p.add_argument("--concurrency", type=int, default=8, help="wrk's connections")
    p.add_argument(
        "--wrk-threads",
        type=int,
        default=1,
        choices=[1, 2],
        help="wrk's threads (they share the connections; 2 cores: one is plenty)",
    )
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn workers"
    )
    p.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    p.add_argument("--users", type=int, default=8, help="residents with tokens")
    p.add_argument(
        "--db-name",
        default=None,
        help="dedicated database, dropped! (default: DATABASE_URL's name + _bench)",
    )
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
    p.add_argument(
        "--no-balance", action="store_true", help="skip the balance benches (minutes of CPU)"
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="the server's REDIS_URL, as deployed: tasks (an order's notifications) are queued "
        "there, not run in the request; emptied before and after the run. '' runs them inline",
    )
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
    if args.concurrency % args.wrk_threads:
        p.error("wrk shares the connections evenly: concurrency must divide by --wrk-threads")
    return args


# --- statistics -------------------------------------------------------------------------------


def percentile(quantiles: Sequence[tuple[float, float]], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of weighted values; 0.0 if none.

    ``quantiles`` are (value, weight) pairs: each wrk run's latency quantiles, weighted by
    its replies, so that the rounds of a target pool into one distribution.
    """
    ordered = sorted(quantiles)
    total = sum(weight for _, weight in ordered)
    if total <= 0:
        return 0.0
    rank, running = q / 100 * total, 0.0
    for value, weight in ordered:
        running += weight
        if running >= rank - 1e-9 * total:
            return value
    return ordered[-1][0]


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
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)


@dataclass
class Phase:
    """What wrk's Lua script counted in one run (or in several, added up)."""

    ok: int = 0
    bad: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0
    seconds: float = 0.0
    # (latency in µs, weight): wrk's quantiles of each run, each weighing its share of replies
    latency_us: list[tuple[float, float]] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)

    @property
    def replies(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.bad + self.socket_errors

    def add(self, other: Phase) -> None:
        self.ok += other.ok
        self.bad += other.bad
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.socket_errors += other.socket_errors
        self.seconds += other.seconds
        self.latency_us.extend(other.latency_us)
        self.samples.extend(other.samples[: max(0, 5 - len(self.samples))])


RESULT_PREFIX = "minsheng-bench result "
DRAINED_LINE = "minsheng-bench drained"


def parse_wrk_output(stdout: str) -> Phase:
    """The Phase in the RESULT line target.lua's done() prints after wrk's own report."""
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"wrk printed no result line:\n{stdout[-2000:]}")
    data = json.loads(lines[-1][len(RESULT_PREFIX) :])
    quantiles = data["latency_us"]
    weight = sum(data["statuses"].values()) / len(quantiles) if quantiles else 0.0
    socket = data["socket_errors"]
    samples = list(data["samples"])
    if any(socket.values()):
        samples.append("socket errors: " + ", ".join(f"{k} {v}" for k, v in socket.items()))
    return Phase(
        ok=data["ok"],
        bad=data["bad"],
        statuses=dict(data["statuses"]),
        socket_errors=sum(socket.values()),
        seconds=data["seconds"],
        latency_us=[(float(us), weight) for us in quantiles],
        samples=samples,
    )


def summarize(name: str, phase: Phase) -> TargetResult:
    """Requests/s and latency percentiles (ms) of one target's measured rounds."""
    requests, seconds = phase.replies, phase.seconds
    return TargetResult(
        name=name,
        requests=requests,
        errors=phase.errors,
        seconds=round(seconds, 3),
        rps=round(requests / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(percentile(phase.latency_us, 50) / 1000, 2),
        p99_ms=round(percentile(phase.latency_us, 99) / 1000, 2),
        max_ms=round(percentile(phase.latency_us, 100) / 1000, 2),
        statuses=dict(sorted(phase.statuses.items())),
        error_samples=phase.samples[:5],
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


# --- load (Debian's wrk, one process; bench/wrk/target.lua) --------------------------------------

WRK_SCRIPT = ROOT / "bench" / "wrk" / "target.lua"
# A number marking where a body's request number goes ("{n}" in target.lua's templates); even,
# as the bodies alternate on the number's parity.
N_MARK = 987_654_320
# Request numbers a wrk run has for itself (target.lua's threads share them out), so that
# numbers are unique across a target's phases.
RUN_STRIDE = 100_000_000
# Each item of the GET targets' JSON arrays holds this key once (the bench's own descriptions
# never hold it unescaped).
ITEM_KEY = '"requested_datetime":'


def _templates(build: Callable[[int], bytes]) -> list[str]:
    """The bodies ``build(n)`` gives for an even and an odd n, with n as "{n}"."""
    templates = []
    for parity in (0, 1):
        body = build(N_MARK + parity).decode()
        templates.append(body.replace(str(N_MARK + parity), "{n}"))
    return templates


def wrk_config(target: str, tokens: Sequence[dict[str, str]], api_key: str = "") -> dict[str, Any]:
    """What target.lua sends for ``target`` and what every reply must be."""
    json_headers = {"Content-Type": "application/json"}
    if target in ("select", "open311_get"):
        path = "/bench/select/" if target == "select" else "/open311/v2/requests.json"
        get = {"method": "GET", "path": path, "headers": {}}
        return {"expect": 200, "items": 1000, "item_key": ITEM_KEY, "variants": [get]}
    if target == "fixed":
        get = {"method": "GET", "path": "/bench/fixed/", "headers": {}}
        return {"expect": 200, "body": json.dumps(FIXED_BODY), "variants": [get]}
    if target == "open311_post":
        if not api_key:
            raise ValueError("the open311_post target needs an API key")
        post = {
            "method": "POST",
            "path": "/open311/v2/requests.json",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "bodies": _templates(lambda n: open311_body(api_key, n)),
        }
        return {"expect": 201, "variants": [post]}
    if target == "insert":
        post = {
            "method": "POST",
            "path": "/bench/insert/",
            "headers": json_headers,
            "bodies": ['{"thread": {thread}, "n": {n}}'],
        }
        return {"expect": 201, "variants": [post]}
    if not tokens:
        raise ValueError("the orders target needs residents' tokens")
    # One variant per resident, in rotation; each places both diets in turn.
    orders = [
        {
            "method": "POST",
            "path": "/api/v1/orders/",
            "headers": {**json_headers, "Authorization": f"Token {resident['token']}"},
            "bodies": [json.dumps(order_body(resident["region"], n)) for n in (0, 1)],
        }
        for resident in tokens
    ]
    return {"expect": 201, "variants": orders}


def lua_literal(value: Any) -> str:
    """``value`` (str, int, list, dict of them) as a Lua constructor; strings byte-escaped."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = "".join(
            c if c.isascii() and c.isprintable() and c not in '"\\' else _lua_bytes(c)
            for c in value
        )
        return f'"{escaped}"'
    if isinstance(value, list):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"[{lua_literal(k)}] = {lua_literal(v)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(f"no Lua literal for {type(value).__name__}")


def _lua_bytes(char: str) -> str:
    return "".join(f"\\{b:03d}" for b in char.encode())


def wrk_version() -> str:
    """``wrk -v``'s first line (wrk prints its usage after it and exits 1); "" if missing."""
    if shutil.which("wrk") is None:
        return ""
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first = done.stdout.splitlines()[0] if done.stdout else ""
    return first.split(" Copyright")[0].strip()


def run_phase(
    port: int,
    config: Path,
    *,
    seconds: float,
    concurrency: int,
    threads: int,
    first_n: int,
) -> Phase:
    """One wrk run of ``seconds``; stopped (SIGINT) once every thread's replies are in."""
    cap = math.ceil(seconds) + 30  # wrk's own end, should a thread never drain
    cmd = [
        "wrk",
        f"--threads={threads}",
        f"--connections={concurrency}",
        f"--duration={cap}s",
        "--timeout=30s",
        f"--script={WRK_SCRIPT}",
        f"http://{HOST}:{port}",
        "--",
        str(config),
        repr(seconds),
        str(first_n),
    ]
    # errors="replace": a wrong reply's sample is cut at 200 bytes, maybe inside a character
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, errors="replace")
    assert proc.stdout is not None
    lines: list[str] = []
    drained = 0
    for line in proc.stdout:
        lines.append(line)
        if line.strip() == DRAINED_LINE:
            drained += 1
            if drained == threads:
                proc.send_signal(signal.SIGINT)
    if proc.wait() != 0:
        raise RuntimeError(f"wrk exited with {proc.returncode}: {' '.join(cmd)}")
    return parse_wrk_output("".join(lines))


def measure_all(
    names: Sequence[str],
    port: int,
    tokens: Sequence[dict[str, str]],
    *,
    api_key: str = "",
    warmup: float,
    duration: float,
    concurrency: int,
    wrk_threads: int = 1,
    rounds: int = 1,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, TargetResult], dict[str, int]]:
    """Warm every target up, then measure them in ``rounds`` interleaved slices.

    Each target gets ``duration / rounds`` seconds per round, in rotation (fixed, insert,
    orders, fixed, …), so a change in the machine's load during the run touches all targets
    alike and the ratios stay comparable. Also returns, per target, how many requests
    succeeded in all (warm-up included): the rows the database must now hold.
    """
    totals = {name: Phase() for name in names}
    succeeded = dict.fromkeys(names, 0)
    runs = dict.fromkeys(names, 0)
    with tempfile.TemporaryDirectory(prefix="minsheng-wrk-") as tmp:
        configs = {name: Path(tmp) / f"{name}.lua" for name in names}
        for name, path in configs.items():
            path.write_text("return " + lua_literal(wrk_config(name, tokens, api_key)) + "\n")

        def run(name: str, seconds: float) -> Phase:
            phase = run_phase(
                port,
                configs[name],
                seconds=seconds,
                concurrency=concurrency,
                threads=wrk_threads,
                first_n=runs[name] * RUN_STRIDE,
            )
            runs[name] += 1
            succeeded[name] += phase.ok
            return phase

        for name in names:
            if warmup > 0:
                run(name, warmup)
        for round_no in range(rounds):
            if progress:
                progress(f"round {round_no + 1}/{rounds}")
            for name in names:
                totals[name].add(run(name, duration / rounds))
    results = {name: summarize(name, phase) for name, phase in totals.items()}
    return results, succeeded


# --- database and server ----------------------------------------------------------------------


def bench_db_name(base_url: str) -> str:
    """``DATABASE_URL``'s database name + ``_bench``: checkouts benching side by side with
    their own URLs don't drop each other's database."""
    return (urlsplit(base_url).path.strip("/") or "minsheng") + "_bench"


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


def server_env(db_url: str, redis_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if redis_url:
        # As deployed (docs/deployment.md): Celery's broker and the shared cache. Without it
        # every task, an order's notifications included, runs inside the request.
        env["REDIS_URL"] = redis_url
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


def empty_redis(url: str) -> int:
    """Empty the bench's own Redis database; how many messages Celery's queue held."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        queued = int(client.llen("celery"))
        client.flushdb()
    except redis.RedisError as exc:
        raise SystemExit(
            f"Redis at {url} is needed (--redis-url '' runs tasks inline): {exc}"
        ) from exc
    return queued


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
    load_generator = wrk_version()
    if not load_generator:
        raise SystemExit(
            "bench/run.py drives the load with Debian's wrk: make wrk (or apt-get install wrk)"
        )
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        print(f"note: load average {load_before[0]:.2f} before the run: figures will be noisy")
    base_url = os.environ.get("DATABASE_URL", DEFAULT_DB_URL)
    args.db_name = args.db_name or bench_db_name(base_url)
    db_url = bench_db_url(base_url, args.db_name)
    env = server_env(db_url, args.redis_url)
    if args.redis_url:
        empty_redis(args.redis_url)
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
        f"at concurrency {args.concurrency} ({load_generator}, {args.wrk_threads} thread(s))…",
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
            wrk_threads=args.wrk_threads,
            rounds=args.rounds,
            progress=lambda msg: print(f"    {msg}", flush=True),
        )
    finally:
        stop_server(proc)
        if args.redis_url:
            # Nothing consumes the queued notifications: the bench measures the request.
            queued = empty_redis(args.redis_url)
            print(f"  {queued} queued task(s) dropped from {args.redis_url}", flush=True)

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
            "load_generator": f"{load_generator}, {args.wrk_threads} thread(s)",
            "concurrency": args.concurrency,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "conn_max_age": env["CONN_MAX_AGE"],
            "database": args.db_name,
            "tasks": f"queued to {args.redis_url}" if args.redis_url else "inline (no Redis)",
        },
        "targets": {name: asdict(res) for name, res in results.items()},
        "ratios": r,
        "rows_written": written,
        "rows_match_successes": consistent,
        "queries_per_request": {k: v["queries"] for k, v in queries.items()},
        "order_request_sql": queries["orders"]["sql"],
        "open311_get_sql": queries["open311_get"]["sql"],
        "breakdown": parts,
        # issue 11: inequality on 3,000 regions vs PySAL
        "balance_equity": None if args.no_balance else balance_equity(),
        # issue 11, budget allocation (pure, no server): bench/balance_allocation.py
        "balance_allocation": None
        if args.no_balance
        else json.loads(django_run(["-m", "bench.balance_allocation", "--json"], env)),
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
    if not args.no_balance:
        from bench.balance_allocation import format_report

        print(format_report(report["balance_allocation"]))
    if parts:
        from bench.breakdown import format_breakdown

        print(format_breakdown(parts))
    if not args.no_balance:
        print(equity_report(report["balance_equity"]))
    for res in results.values():
        for sample in res.error_samples:
            print(f"  {res.name} error: {sample}")
    print(
        f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )
    errors = sum(res.errors for res in results.values())
    if args.no_balance:
        return 0 if errors == 0 and consistent else 1
    # -- balance (issue 11): each part's bench runs after the API figures --
    siting = subprocess.run([sys.executable, str(ROOT / "bench" / "balance_siting.py")], cwd=ROOT)
    return 0 if errors == 0 and consistent and siting.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
