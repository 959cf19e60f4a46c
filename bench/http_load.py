"""Completions per second through HTTP: a real deployment under 16 concurrent API clients, against the engine.

    .venv/bin/python bench/http_load.py [--workers 1,2,4] [--seconds 30] [--clients 16] [--threads 4]
                                        [--pg URL] [--broker URL] [--engine-cases 200]

For each number of web workers W: an emptied PostgreSQL database (default ``test_bench``, created if missing;
``--pg`` or SHENPI_BENCH_PG_URL) with the migrations, the five-step matter and one official (every post) with an
API token per client seeded through the engine; then ``shenpi serve --workers W`` (gunicorn, ``--threads`` each),
one ``shenpi worker`` and one ``shenpi beat`` on Redis (``--broker`` or SHENPI_BENCH_BROKER_URL) as subprocesses,
all on one engine clock starting Monday 2026-11-23 09:00 Shanghai (SHENPI_CLOCK), so no figure depends on today's
date. After a 3-second warm-up, the clients (threads, each with its official's token and a keep-alive connection)
start cases (``POST /api/v1/cases``) and complete their steps with the steps' data (``POST
/api/v1/tasks/{id}/complete``) for ``--seconds``. It prints, per W:

    http: workers=W completions/s=X p50_ms=.. p95_ms=.. p99_ms=.. errors=N engine_ratio=R

latencies over every request (starts and completions), errors = requests without a 2xx answer, R = X / the
in-process engine rate measured first in the same run on the same database (bench/engine_throughput.py's
``engine_rate``: one engine, one thread, every completion its own transaction). Then a ``load:`` line: the load
average and the CPU seconds the web workers, the database's server processes, the Celery worker and beat, the
clients (this process) and everything else on the machine used during the run; and a ``bound:`` line: the CPU the
deployment spent per request, the most requests a second the machine's cores allow at that cost, and the least mean
latency that leaves to --clients clients that never pause (Little's law: clients / rate). Goals (issue 14 §5): R ≥ 0.5, p95 ≤ 100 ms, no errors.

Every process it starts is in a process group of its own and is stopped at the end, on Ctrl-C and on errors.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.deployment import Deployment, reset_database, run_clients, scratch_folder, seed, seed_engine  # noqa: E402
from bench.engine_throughput import ServerClock, engine_rate, fresh_engine  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/1"
WARM_UP_SECONDS = 3.0


def _terminate(_signum, _frame):
    raise KeyboardInterrupt  # the with-blocks stop every process


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            continue
    return total


def server_failures(log: Path, most: int = 60) -> list[str]:
    """The web workers' log from its first traceback on (at most ``most`` lines): why a request got a 5xx."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = next((i for i, line in enumerate(lines) if "Traceback" in line or " ERROR " in line), None)
    return [] if first is None else lines[first : first + most]


def busy_seconds() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def measure_engine(url: str, cases: int) -> float:
    engine = fresh_engine(url)
    try:
        measured, _shape = engine_rate(engine, cases)
    finally:
        engine.db.bind.dispose()
    return measured.rate


def run_workers(args, workers: int, engine_per_second: float) -> None:
    with scratch_folder("shenpi-http-") as tmp, Deployment(args.pg, args.broker, Path(tmp)) as deployment:
        reset_database(args.pg, deployment.env)
        seeding = seed_engine(args.pg, Path(tmp))
        tokens = list(seed(seeding, args.clients).values())
        seeding.db.bind.dispose()
        deployment.start("worker", "worker")
        deployment.start("beat", "beat")
        deployment.start_web(workers, args.threads)
        run_clients(deployment.url(""), tokens, WARM_UP_SECONDS)  # every worker's caches and connections

        web = [deployment.processes["web"].pid]
        celery = [deployment.processes["worker"].pid, deployment.processes["beat"].pid]
        me = psutil.Process()
        server = ServerClock(args.pg)
        load_before = os.getloadavg()[0]
        server_before = server.read()
        before = cpu_seconds(web), cpu_seconds(celery), sum(me.cpu_times()[:2]), busy_seconds()
        answers, elapsed = run_clients(deployment.url(""), tokens, args.seconds)
        after = cpu_seconds(web), cpu_seconds(celery), sum(me.cpu_times()[:2]), busy_seconds()
        database_cpu = server.spent(server_before, server.read()) or 0.0
        server.bind.dispose()
        failures = server_failures(Path(tmp) / "web.log") if any(a.status >= 500 for a in answers) else []

    completions = sum(1 for a in answers if a.kind == "complete" and 200 <= a.status < 300)
    errors = sum(1 for a in answers if not 200 <= a.status < 300)
    latencies = sorted(a.seconds * 1000 for a in answers)
    rate = completions / elapsed
    print(
        f"http: workers={workers} completions/s={rate:.0f} p50_ms={percentile(latencies, 50):.1f} "
        f"p95_ms={percentile(latencies, 95):.1f} p99_ms={percentile(latencies, 99):.1f} errors={errors} "
        f"engine_ratio={rate / engine_per_second:.2f}",
        flush=True,
    )
    if errors:
        kinds = Counter(f"{a.kind} {a.status} {a.error}" for a in answers if not 200 <= a.status < 300)
        print("errors: " + ", ".join(f"{kind} ×{n}" for kind, n in kinds.most_common()), flush=True)
        for line in failures:
            print(f"web log: {line}", flush=True)
    web_cpu, celery_cpu, clients_cpu, busy = (b - a for a, b in zip(before, after, strict=True))
    others = max(0.0, busy - web_cpu - celery_cpu - clients_cpu - database_cpu)
    print(
        f"load: {elapsed:.0f} s, {len(answers)} requests, load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; "
        f"CPU seconds: web {web_cpu:.1f}, database {database_cpu:.1f}, celery worker+beat {celery_cpu:.1f}, "
        f"clients {clients_cpu:.1f}, other processes {others:.1f} (of {elapsed * (os.cpu_count() or 1):.0f} available)",
        flush=True,
    )
    print(bound(len(answers), args.clients, web_cpu + database_cpu + celery_cpu + clients_cpu), flush=True)


def bound(requests: int, clients: int, cpu_seconds_spent: float) -> str:
    """What the CPU the deployment spent per request allows on this machine: with every core busy, at most
    cores / (CPU per request) requests a second, so ``clients`` clients that never pause wait on average at least
    clients / that rate (Little's law). Where that mean is above the p95 goal, the goal is out of reach here."""
    if not requests or cpu_seconds_spent <= 0:
        return "bound: nothing measured"
    per_request_ms = cpu_seconds_spent * 1000 / requests
    cores = os.cpu_count() or 1
    ceiling = cores * 1000 / per_request_ms
    return (
        f"bound: {per_request_ms:.1f} CPU ms per request (web, database, Celery, clients) → at most {ceiling:.0f} "
        f"requests/s on {cores} cores, so {clients} clients wait at least {clients * 1000 / ceiling:.0f} ms on average"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2,4", help="web worker counts to run, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=4, help="threads per web worker")
    parser.add_argument("--pg", default=os.environ.get("SHENPI_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--broker", default=os.environ.get("SHENPI_BENCH_BROKER_URL", DEFAULT_BROKER))
    parser.add_argument("--engine-cases", type=int, default=200, help="cases of the in-process engine measurement")
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    signal.signal(signal.SIGTERM, _terminate)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    try:
        with scratch_folder("shenpi-http-") as tmp:
            reset_database(args.pg, Deployment(args.pg, args.broker, Path(tmp)).env)  # creates it when missing
        engine_per_second = measure_engine(args.pg, args.engine_cases)
        print(f"engine: {engine_per_second:.0f} completions/s in-process on PostgreSQL (one thread)", flush=True)
        for workers in counts:
            run_workers(args, workers, engine_per_second)
    except KeyboardInterrupt:
        print("interrupted: every process stopped", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
