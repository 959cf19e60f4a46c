"""The Celery sweep: eagerly in-process, and through a real broker when SHENPI_TEST_BROKER_URL is set."""

from __future__ import annotations

import pytest

from engine import scheduler
from engine.config import Settings
from engine.identity.actors import ENGINE

from ..helpers import BROKER_URL, FIVE_STEP_ENTRY, FIXTURES


@pytest.fixture
def timer_case(bare_sqlite_engine):
    bare_sqlite_engine.repository.deploy((FIXTURES / "timer_step.bpmn").read_bytes(), "timer_step.bpmn")
    bare_sqlite_engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "TIMER-1", "key": "timer_step", "process_file": "timer_step.bpmn"}, "admin"
    )
    case = bare_sqlite_engine.cases.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)
    scheduler.bind_engine(bare_sqlite_engine)
    yield bare_sqlite_engine, case
    scheduler.bind_engine(None)


def open_elements(engine, case):
    return sorted(t["element"] for t in engine.cases.get_case(case["id"], ENGINE)["tasks"])


def test_beat_schedules_the_sweep():
    app = scheduler.make_celery(Settings(broker_url="memory://", sweep_interval_seconds=5))
    assert app.conf.beat_schedule["sweep-due-timers"]["task"] == "shenpi.sweep"
    assert "shenpi.sweep" in app.tasks


def test_sweep_task_fires_due_timer_once(timer_case, clock):
    engine, case = timer_case
    app = scheduler.make_celery(Settings(broker_url="memory://"))
    app.conf.task_always_eager = True
    assert app.tasks["shenpi.sweep"].delay().get()["timers"] == 0
    clock.advance(hours=1, seconds=1)
    assert app.tasks["shenpi.sweep"].delay().get()["timers"] == 1
    assert app.tasks["shenpi.sweep"].delay().get()["timers"] == 0  # fired exactly once
    assert open_elements(engine, case) == ["Task_Escalated", "Task_Review"]


@pytest.mark.broker
@pytest.mark.slow
@pytest.mark.skipif(not BROKER_URL, reason="SHENPI_TEST_BROKER_URL not set")
def test_sweep_through_a_real_broker_and_worker(timer_case, clock):
    from celery.contrib.testing.worker import start_worker

    engine, case = timer_case
    app = scheduler.make_celery(Settings(broker_url=BROKER_URL))
    app.conf.result_backend = BROKER_URL
    app.conf.task_ignore_result = False
    clock.advance(hours=2)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = app.tasks["shenpi.sweep"].apply_async(ignore_result=False)
        assert result.get(timeout=30)["timers"] == 1
    assert open_elements(engine, case) == ["Task_Escalated", "Task_Review"]
