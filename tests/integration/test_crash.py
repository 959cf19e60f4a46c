"""Crash tests (issue 14 §5): ``kill -9`` of a gunicorn web worker and of the Celery worker in the middle of a load of
concurrent HTTP clients, on PostgreSQL and Redis, with the real processes (bench/deployment.py).

"Crash tests in the suite (PostgreSQL, bounded): `kill -9` of a web worker and of the Celery worker in the middle of
a load: every completion that got a 2xx is there, no case is half-advanced (its task projection matches its
workflow and it can be completed to the end), due timers fire exactly once, the trail verifies."
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from bench.deployment import (
    ENTRY,
    FIXTURES,
    ROOT,
    START,
    STEP_DATA,
    Answer,
    Deployment,
    reset_database,
    run_clients,
    seed,
    seed_engine,
)
from engine.identity.actors import ENGINE
from engine.models import Case, PendingTimer, TaskRecord, TrailEntry

from ..helpers import BROKER_URL, PG_URL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.broker,
    pytest.mark.skipif(not PG_URL, reason="SHENPI_TEST_DATABASE_URL not set"),
    pytest.mark.skipif(
        not BROKER_URL or not BROKER_URL.startswith("redis"), reason="needs Redis (SHENPI_TEST_BROKER_URL)"
    ),
]


def acknowledged(answers: list[Answer]) -> dict[str, int]:
    """The completions that got a 2xx: task id → case id."""
    return {a.task: a.case for a in answers if a.kind == "complete" and 200 <= a.status < 300}


def assert_no_case_half_advanced(engine) -> int:
    """Every running case's open task rows and pending timers are exactly the workflow's ready user tasks and
    waiting timers; then each is completed to the end through the engine. Returns the cases checked."""
    with engine.db.reading() as session:
        cases = session.execute(
            sa.select(Case.id, Case.definition_id, Case.lock_version).where(Case.status == "running")
        ).all()
        for case_id, definition_id, lock_version in cases:
            with engine.store.reading(session, case_id, definition_id, lock_version) as wf:
                ready = {str(t.id) for t in wf.get_tasks(state=TaskState.READY, manual=True)}
                waiting = {
                    str(t.id)
                    for t in wf.get_tasks(state=TaskState.WAITING)
                    if t.task_spec.__class__.__name__ == "BoundaryEvent" or "Timer" in t.task_spec.name
                }
            rows = set(
                session.scalars(
                    sa.select(TaskRecord.id).where(TaskRecord.case_id == case_id, TaskRecord.state == "open")
                )
            )
            timers = set(session.scalars(sa.select(PendingTimer.task_id).where(PendingTimer.case_id == case_id)))
            assert rows == ready, (case_id, rows, ready)
            assert timers <= waiting, (case_id, timers, waiting)
    for case_id, _definition, _version in cases:
        tasks = [t["id"] for t in engine.tasks.list_tasks(ENGINE, case=case_id)]
        steps = 0
        while tasks and steps < 20:
            record = engine.tasks.get_task(tasks[0], ENGINE)
            done = engine.tasks.complete(tasks[0], ENGINE, STEP_DATA.get(record["element"], {}), "同意")
            tasks = [t["id"] for t in done["next_tasks"]] or [
                t["id"] for t in engine.tasks.list_tasks(ENGINE, case=case_id)
            ]
            steps += 1
        with engine.db.reading() as session:
            assert session.scalar(sa.select(Case.status).where(Case.id == case_id)) == "ended", case_id
    return len(cases)


def assert_acknowledged_are_there(engine, answers: list[Answer]) -> None:
    done = acknowledged(answers)
    assert done, "no completion got a 2xx: the load did not run"
    with engine.db.reading() as session:
        states = dict(
            session.execute(sa.select(TaskRecord.id, TaskRecord.state).where(TaskRecord.id.in_(list(done)))).all()
        )
    assert {task: states.get(task) for task in done} == dict.fromkeys(done, "completed")


def assert_trail_verifies(deployment: Deployment) -> None:
    verify = subprocess.run(
        [sys.executable, "-m", "web.cli", "trail", "verify"],
        cwd=ROOT,
        env=deployment.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "trail intact" in verify.stdout


def web_workers(deployment: Deployment) -> set[int]:
    master = psutil.Process(deployment.processes["web"].pid)
    return {p.pid for p in master.children() if p.status() != psutil.STATUS_ZOMBIE}


def test_kill_9_of_a_web_worker_under_load_loses_no_acknowledged_completion(tmp_path):
    with Deployment(PG_URL, BROKER_URL, tmp_path) as deployment:
        reset_database(PG_URL, deployment.env)
        engine = seed_engine(PG_URL, tmp_path)
        tokens = list(seed(engine, 8).values())
        deployment.start("worker", "worker")
        deployment.start("beat", "beat")
        deployment.start_web(2, threads=2)
        killed: list[int] = []

        def kill_a_web_worker():
            time.sleep(3)
            victim = sorted(web_workers(deployment))[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            killed_at.append(time.perf_counter())
            # the gunicorn master replaces it; the server goes on answering
            deployment.wait(lambda: len(web_workers(deployment) - {victim}) == 2, 30, "a new web worker")

        killed_at: list[float] = []
        answers, _ = run_clients(deployment.url(""), tokens, 3, during=kill_a_web_worker)
        assert killed
        later = [a for a in answers if a.done_at > killed_at[0] + 0.5 and 200 <= a.status < 300]
        assert later, "no request succeeded after the worker was killed"

        assert_acknowledged_are_there(engine, answers)
        assert assert_no_case_half_advanced(engine) >= 1
        assert_trail_verifies(deployment)
        engine.db.bind.dispose()


def fired(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(
            sa.select(sa.func.count())
            .select_from(TrailEntry)
            .where(TrailEntry.element_id == "Timer_Warning", TrailEntry.to_state == "completed")
        )


def test_kill_9_of_the_celery_worker_while_it_fires_timers_fires_each_once(tmp_path):
    due_cases = 40
    # the processes' clock stands two hours after START: every case's one-hour timer started at START is due
    with Deployment(PG_URL, BROKER_URL, tmp_path, clock_at=START.replace(hour=11)) as deployment:
        reset_database(PG_URL, deployment.env)
        engine = seed_engine(PG_URL, tmp_path)
        tokens = list(seed(engine, 4).values())
        engine.repository.deploy((FIXTURES / "timer_step.bpmn").read_bytes(), "timer_step.bpmn", actor="bench")
        engine.catalogue.publish(
            {**ENTRY, "code": "TIMER-1", "key": "timer_step", "process_file": "timer_step.bpmn"}, "bench"
        )
        timer_cases = [
            engine.cases.start_case("TIMER-1", {"name": f"申请人{i}"}, {}, ENGINE)["id"] for i in range(due_cases)
        ]
        deployment.env["SHENPI_SWEEP_INTERVAL"] = "1"
        deployment.start("beat", "beat")  # boots while the web server does; nothing fires before a worker runs
        deployment.start_web(1, threads=4)
        at_kill: list[int] = []

        def kill_the_worker_while_it_fires():
            deployment.start("worker", "worker")
            deployment.wait(lambda: fired(engine) > 0, 45, "the first timer to fire")
            deployment.kill("worker", signal.SIGKILL)
            time.sleep(0.5)  # a commit the database had already received when the worker died
            at_kill.append(fired(engine))
            time.sleep(1)
            assert fired(engine) == at_kill[0]  # nobody fires while the worker is down
            deployment.start("worker-restarted", "worker")
            deployment.wait(lambda: fired(engine) >= due_cases, 45, "every due timer to fire")

        answers, _ = run_clients(deployment.url(""), tokens, 1, during=kill_the_worker_while_it_fires)
        assert 0 < at_kill[0] < due_cases, at_kill  # the kill came in the middle of the firing

        time.sleep(2)  # two more sweeps: nothing fires again
        with engine.db.reading() as session:
            per_case = dict(
                session.execute(
                    sa.select(TrailEntry.case_id, sa.func.count())
                    .where(TrailEntry.element_id == "Timer_Warning", TrailEntry.to_state == "completed")
                    .group_by(TrailEntry.case_id)
                ).all()
            )
            escalated = dict(
                session.execute(
                    sa.select(TaskRecord.case_id, sa.func.count())
                    .where(TaskRecord.element_id == "Task_Escalated")
                    .group_by(TaskRecord.case_id)
                ).all()
            )
            left = session.scalar(
                sa.select(sa.func.count()).select_from(PendingTimer).where(PendingTimer.case_id.in_(timer_cases))
            )
        assert per_case == dict.fromkeys(timer_cases, 1)  # each due timer fired exactly once
        assert escalated == dict.fromkeys(timer_cases, 1)  # and opened its one 督办提醒 step
        assert left == 0

        assert_acknowledged_are_there(engine, answers)
        assert assert_no_case_half_advanced(engine) >= due_cases
        verified = engine.history.verify()  # what `shenpi trail verify` runs (the command: the other test)
        assert verified.ok and verified.checked > 0, verified.breaks
        engine.db.bind.dispose()
