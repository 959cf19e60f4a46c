"""Timers fire exactly once: after a worker was down, with several workers, and by ETA before the next sweep."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from engine import scheduler
from engine.identity.actors import ENGINE
from engine.kernel import clock as clock_module

from ..helpers import BROKER_URL, publish_timer_flow


def fired_count(engine, case_id):
    return len(
        [
            r
            for r in engine.history.case_trail(case_id, ENGINE)
            if r["element"] == "Timer_Warning" and r["to"] == "completed"
        ]
    )


def test_worker_down_for_an_hour_catches_up_once(bare_sqlite_engine, clock):
    publish_timer_flow(bare_sqlite_engine)
    cases = [bare_sqlite_engine.cases.start_case("TIMER-1", {"name": f"申请人{i}"}, {}, ENGINE)["id"] for i in range(5)]
    clock.advance(hours=2)  # nobody swept while the worker was down
    assert bare_sqlite_engine.sweep()["timers"] == 5
    assert bare_sqlite_engine.sweep()["timers"] == 0
    assert [fired_count(bare_sqlite_engine, c) for c in cases] == [1] * 5


def test_several_workers_fire_each_timer_once(bare_engine, clock):
    publish_timer_flow(bare_engine)
    cases = [bare_engine.cases.start_case("TIMER-1", {"name": f"申请人{i}"}, {}, ENGINE)["id"] for i in range(6)]
    clock.advance(hours=2)
    errors, results = [], []

    def worker():
        try:
            results.append(bare_engine.periodic.run("timers").changed)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert errors == [] and sum(results) == 6
    assert [fired_count(bare_engine, c) for c in cases] == [1] * 6
    assert bare_engine.history.verify().ok


class _RecordingTask:
    def __init__(self):
        self.calls = []

    def apply_async(self, args, countdown):
        self.calls.append((args, countdown))


class _App:
    def __init__(self, horizon):
        self.conf = type("Conf", (), {"shenpi_horizon_seconds": horizon})()
        self.tasks = {"shenpi.fire_case": _RecordingTask()}


def test_timers_due_before_the_next_sweep_are_queued_after_commit(bare_sqlite_engine, clock):
    publish_timer_flow(bare_sqlite_engine, '"PT10S"')
    app = _App(horizon=30)
    scheduler.attach(bare_sqlite_engine, app)
    try:
        case = bare_sqlite_engine.cases.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)
        calls = app.tasks["shenpi.fire_case"].calls
        assert calls == [([case["id"]], 10.0)]  # seconds on the engine's clock, whatever the system's says
        clock.advance(seconds=10, microseconds=1)
        assert scheduler.fire_case(case["id"]) == 1
        assert scheduler.fire_case(case["id"]) == 0  # a duplicate delivery does nothing
    finally:
        scheduler._app = None
        bare_sqlite_engine.wire()  # back to the table without the timer queue


@pytest.mark.broker
@pytest.mark.slow
@pytest.mark.skipif(not BROKER_URL, reason="SHENPI_TEST_BROKER_URL not set")
def test_eta_fires_within_a_second_through_a_real_worker(bare_sqlite_engine):
    from celery.contrib.testing.worker import start_worker

    from engine.config import Settings

    previous = clock_module.current()
    clock_module.install(clock_module.Clock())  # Celery's ETA runs on the wall clock
    bare_sqlite_engine.clock = bare_sqlite_engine.stepper.clock = bare_sqlite_engine.cases.clock = (
        clock_module.current()
    )
    try:
        publish_timer_flow(bare_sqlite_engine, '"PT2S"')
        app = scheduler.make_celery(Settings(broker_url=BROKER_URL, sweep_interval_seconds=60))
        scheduler.attach(bare_sqlite_engine, app)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            case = bare_sqlite_engine.cases.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)
            due = dt.datetime.fromisoformat(case["tasks"][0]["created_at"]) + dt.timedelta(seconds=2)
            deadline = time.monotonic() + 15
            while fired_count(bare_sqlite_engine, case["id"]) == 0 and time.monotonic() < deadline:
                time.sleep(0.1)
        fired = [
            r
            for r in bare_sqlite_engine.history.case_trail(case["id"], ENGINE)
            if r["element"] == "Timer_Warning" and r["to"] == "completed"
        ]
        assert len(fired) == 1
        latency = (dt.datetime.fromisoformat(fired[0]["at"].replace("Z", "+00:00")) - due).total_seconds()
        assert -0.05 <= latency <= 1.0, latency
    finally:
        clock_module.install(previous)
        scheduler._app = None
