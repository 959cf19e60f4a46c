"""Timer firing on PostgreSQL with a real Celery worker and broker.

    .venv/bin/python bench/timers.py [--pg URL] [--broker URL] [--pending 100000] [--open 1000000] [--due 10000]

latency   cases whose timers fall due while 100,000 other timers are pending are fired by a separate
          `shenpi worker` process (ETA tasks queued after commit, beat sweep as the safety net); prints
          p50/p99 from each timer's due time to its trail row, and the firing rate.
selection the sweep's query for 10,000 due timers among 1,000,000 open cases (target <= 100 ms), and the
          time to fire those 10,000 against firing 10,000 among 10,000 open cases (target <= 1.2x).

No figure depends on today's date: the selection runs on a fixed clock at Monday 2026-11-23 09:00 (Shanghai), the
latency run on a clock that starts there and runs (this process and the worker on the same ``SHENPI_CLOCK``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.matter import bench_matter  # noqa: E402
from engine import scheduler  # noqa: E402
from engine.bootstrap import Shenpi  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.identity.actors import ENGINE  # noqa: E402
from engine.kernel import clock as clock_module  # noqa: E402
from engine.kernel.db import Base, Database  # noqa: E402
from engine.models import Case, PendingTimer, TrailEntry  # noqa: E402
from engine.runtime import timers  # noqa: E402

FLOW = ROOT / "tests" / "fixtures" / "timer_step.bpmn"
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock_module.SHANGHAI)  # a Monday
ENTRY = bench_matter("BENCH-TIMER", "timer_step", "计时基准", "基准局", "timer_step.bpmn")


def fresh(url: str, broker: str, duration: str, clock: clock_module.Clock) -> Shenpi:
    database = Database(url)
    Base.metadata.drop_all(database.bind)
    settings = Settings(database_url=url, broker_url=broker, workflow_cache_size=50_000)
    engine = Shenpi(settings, database=database, clock=clock)
    engine.init_db()
    engine.repository.deploy(FLOW.read_bytes().replace(b'"PT1H"', duration.encode()), "timer_step.bpmn")
    engine.catalogue.publish(ENTRY, "bench")
    return engine


def synthetic(engine: Shenpi, count: int, due_in: dt.timedelta) -> None:
    """``count`` open cases, each with one pending timer due ``due_in`` from now, written by SQL."""
    if count <= 0:
        return
    with engine.db.reading() as session:
        definition = engine.repository.latest(session, "timer_step").id
        start = (session.scalar(sa.select(sa.func.max(Case.id))) or 0) + 1_000_000
    due = clock_module.now() + due_in
    with engine.db.bind.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO case_record (id, number, matter_code, definition_id, department, applicant, status, "
                "lock_version, created_at, trail_seq, trail_hash, paused_seconds, light) "
                "SELECT g, 'SYN' || g, 'BENCH-TIMER', :d, '基准局', '{}', 'running', 1, :now, 0, '', 0, 'none' "
                "FROM generate_series(:a, :b) g"
            ),
            {"d": definition, "now": clock_module.now(), "a": start, "b": start + count - 1},
        )
        conn.execute(
            sa.text(
                "INSERT INTO pending_timer (task_id, case_id, element_id, due_at, suspended) "
                "SELECT 'syn-' || g, g, 'Timer_Warning', :due, false FROM generate_series(:a, :b) g"
            ),
            {"due": due, "a": start, "b": start + count - 1},
        )
        conn.execute(sa.text("ANALYZE pending_timer; ANALYZE case_record"))


def latency(args) -> None:
    setting = clock_module.clock_setting(START, time.time())  # runs from START, the same in the worker
    clock = clock_module.install(clock_module.clock_from_setting(setting))
    engine = fresh(args.pg, args.broker, '"PT20S"', clock)
    synthetic(engine, args.pending - args.fired, dt.timedelta(days=30))
    app = scheduler.make_celery(Settings(broker_url=args.broker, sweep_interval_seconds=30))
    scheduler.attach(engine, app)
    env = {
        **os.environ,
        "SHENPI_DATABASE_URL": args.pg,
        "SHENPI_BROKER_URL": args.broker,
        "SHENPI_SWEEP_INTERVAL": "30",
        "SHENPI_CLOCK": setting,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "worker", "--beat"],  # beat inside: the sweep as the safety net
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        cases = []
        started = time.perf_counter()
        for i in range(args.fired):  # paced: due times spread over the run
            cases.append(engine.cases.start_case("BENCH-TIMER", {"name": f"申请人{i}"}, {}, ENGINE)["id"])
            time.sleep(max(0.0, started + (i + 1) / args.rate - time.perf_counter()))
        with engine.db.reading() as session:
            due = dict(
                session.execute(
                    sa.select(PendingTimer.case_id, PendingTimer.due_at).where(PendingTimer.case_id.in_(cases))
                ).all()
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with engine.db.reading() as session:
                left = session.scalar(
                    sa.select(sa.func.count()).select_from(PendingTimer).where(PendingTimer.case_id.in_(cases))
                )
            if not left:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(20)
    with engine.db.reading() as session:
        fired = dict(
            session.execute(
                sa.select(TrailEntry.case_id, sa.func.min(TrailEntry.at))
                .where(
                    TrailEntry.case_id.in_(cases),
                    TrailEntry.element_id == "Timer_Warning",
                    TrailEntry.to_state == "completed",
                )
                .group_by(TrailEntry.case_id)
            ).all()
        )
    delays = sorted((fired[c] - due[c]).total_seconds() for c in cases if c in fired and c in due)
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))] if delays else float("nan")
    print(
        f"latency: {len(delays)}/{len(cases)} timers fired among {args.pending:,} pending; "
        f"firing rate {args.rate:.0f}/s; due→trail p50 {statistics.median(delays):.3f} s, p99 {p99:.3f} s, "
        f"max {delays[-1]:.3f} s"
        if delays
        else "latency: nothing fired"
    )
    engine.db.bind.dispose()
    clock_module.install(clock_module.Clock())


def fire_among(args, extra_open: int) -> tuple[float, float]:
    clock = clock_module.install(clock_module.FixedClock(START))
    engine = fresh(args.pg, "memory://", '"PT1H"', clock)
    for i in range(args.due):
        engine.cases.start_case("BENCH-TIMER", {"name": f"申请人{i}"}, {}, ENGINE)
    synthetic(engine, extra_open, dt.timedelta(days=30))
    clock.advance(hours=2)
    with engine.db.reading() as session:
        t = time.perf_counter()
        selected = timers.due_cases(session, clock.now(), limit=args.due)
        selection = time.perf_counter() - t
    assert len(selected) == args.due, len(selected)
    t = time.perf_counter()
    fired = engine.periodic.run("timers", limit=args.due).changed
    firing = time.perf_counter() - t
    assert fired == args.due, fired
    engine.db.bind.dispose()
    clock_module.install(clock_module.Clock())
    return selection, firing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--pg", default=os.environ.get("SHENPI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--broker", default=os.environ.get("SHENPI_BENCH_BROKER_URL", "redis://127.0.0.1:6379/2"))
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--fired", type=int, default=1_000, help="timers actually fired in the latency run")
    parser.add_argument("--rate", type=float, default=50.0, help="cases started (and timers due) per second")
    parser.add_argument("--open", dest="open_cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    if not args.skip_latency:
        latency(args)
    small_select, small_fire = fire_among(args, 0)
    big_select, big_fire = fire_among(args, args.open_cases - args.due)
    print(
        f"selection: {args.due:,} due among {args.due:,} open cases {small_select * 1000:.1f} ms; "
        f"among {args.open_cases:,} open cases {big_select * 1000:.1f} ms"
    )
    print(
        f"firing: {args.due:,} among {args.due:,} in {small_fire:.1f} s ({args.due / small_fire:,.0f}/s); "
        f"among {args.open_cases:,} in {big_fire:.1f} s ({args.due / big_fire:,.0f}/s); ratio {big_fire / small_fire:.2f}"
    )


if __name__ == "__main__":
    main()
