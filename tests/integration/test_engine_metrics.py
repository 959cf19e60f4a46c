"""What the engine reports to its Metrics sink (engine/kernel/metrics.py) — completions, case starts and ends,
sweep duration, due-timer lag, Celery task failures — through the wiring table, after commit only."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import scheduler
from engine.config import Settings
from engine.errors import EngineError
from engine.identity.actors import ENGINE

from ..helpers import FIVE_STEP_ENTRY, FIXTURES, applied_case, complete, ended_case, open_task


class Recorder:
    def __init__(self) -> None:
        self.counts: list[tuple[str, float, dict]] = []
        self.observations: list[tuple[str, float, dict]] = []

    def count(self, name, amount=1.0, **labels):
        self.counts.append((name, amount, labels))

    def observe(self, name, value, **labels):
        self.observations.append((name, value, labels))

    def total(self, name, **labels) -> float:
        return sum(
            amount
            for counted, amount, given in self.counts
            if counted == name and all(given.get(k) == v for k, v in labels.items())
        )


def recording(engine) -> Recorder:
    recorder = Recorder()
    engine.metrics = engine.step_meter.metrics = engine.cases.metrics = recorder
    return recorder


def test_starts_completions_and_ends_are_counted(five_step_engine):
    recorder = recording(five_step_engine)
    ended_case(five_step_engine)
    applied_case(five_step_engine)
    assert recorder.total("case_starts") == 2
    assert recorder.total("task_completions") == 5
    assert recorder.total("case_ends", outcome="approved") == 1
    assert recorder.total("case_ends") == 1


def test_a_refused_step_counts_nothing(five_step_engine):
    engine = five_step_engine
    case = applied_case(engine)
    recorder = recording(engine)
    task = open_task(engine, case["id"])
    with pytest.raises(EngineError):
        engine.tasks.complete(task["id"], engine.identity.actor("outsider"), {"accept": "accept"}, "x")
    assert recorder.counts == []
    complete(engine, case["id"], {"accept": "accept"})
    assert recorder.total("task_completions") == 1


@pytest.fixture
def timer_engine(bare_engine):
    bare_engine.repository.deploy((FIXTURES / "timer_step.bpmn").read_bytes(), "timer_step.bpmn")
    bare_engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "TIMER-1", "key": "timer_step", "process_file": "timer_step.bpmn"}, "admin"
    )
    return bare_engine


def test_the_sweep_reports_its_duration_and_each_timer_how_late_it_fired(timer_engine, clock):
    engine = timer_engine
    engine.cases.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)  # its timer is due in one hour
    recorder = recording(engine)
    clock.advance(hours=1, minutes=5)
    assert engine.sweep()["timers"] == 1
    [lag] = [v for n, v, _ in recorder.observations if n == "timer_lag_seconds"]
    assert lag == pytest.approx(dt.timedelta(minutes=5).total_seconds())
    sweeps = [v for n, v, _ in recorder.observations if n == "sweep_seconds"]
    assert len(sweeps) == 1 and sweeps[0] >= 0
    engine.sweep()  # nothing due: no lag observed, one more sweep
    assert [n for n, _, _ in recorder.observations].count("timer_lag_seconds") == 1
    assert [n for n, _, _ in recorder.observations].count("sweep_seconds") == 2


def test_a_failed_celery_task_is_counted_by_name(bare_sqlite_engine):
    recorder = recording(bare_sqlite_engine)
    app = scheduler.make_celery(Settings(broker_url="memory://"))
    app.conf.task_always_eager = True

    @app.task(name="shenpi.test_failing")
    def failing():
        raise RuntimeError("down")

    scheduler.bind_engine(bare_sqlite_engine)
    try:
        failing.apply()
    finally:
        scheduler.bind_engine(None)
    assert recorder.total("celery_task_failures", task="shenpi.test_failing") == 1


class Failing(Recorder):
    def count(self, name, amount=1.0, **labels):
        raise RuntimeError("the metrics sink is broken")


def test_a_failing_sink_after_commit_never_fails_the_step_that_committed(five_step_engine, caplog):
    """What follows a committed step is best effort: the start and the completion are answered as done, the case is
    there and has moved on, and the failure is logged."""
    engine = five_step_engine
    engine.metrics = engine.step_meter.metrics = engine.cases.metrics = Failing()
    case = applied_case(engine)
    first = open_task(engine, case["id"])
    complete(engine, case["id"], {})
    assert open_task(engine, case["id"])["id"] != first["id"]
    assert "after the committed step of case" in caplog.text
