"""`shenpi beat`, the one scheduler: its leader lock (PostgreSQL advisory lock, or a file lock beside the SQLite
database), two beats started by mistake sending the periodic work once, and a worker with beat started from a
folder without instance/ firing a due timer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from engine.identity.actors import ENGINE
from engine.kernel.leader import LeaderLock

from ..helpers import BACKENDS, FIVE_STEP_ENTRY, FIXTURES, PG_URL, operator_env, wait_for


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_holder_of_the_leader_lock_at_a_time(backend, tmp_path):
    url = PG_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'shenpi.db'}"
    first, second = (LeaderLock(url, "beat-test", tmp_path / "state") for _ in range(2))
    try:
        assert first.try_acquire()
        assert first.try_acquire()  # holding it: still true
        assert not second.try_acquire()
        assert first.alive()
        first.release()
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def sweeps_sent(broker) -> int:
    """Sweep tasks beat has put on the filesystem broker (no worker takes them in this test)."""
    return sum(1 for path in (broker / "out").glob("*.msg") if b"shenpi.sweep" in path.read_bytes())


def start(tmp_path, name: str, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "web.cli", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / f"{name}.log", "wb"),
    )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_two_beats_send_the_periodic_work_once_and_the_second_takes_over(tmp_path):
    env = {**operator_env(tmp_path), "SHENPI_SWEEP_INTERVAL": "1"}
    subprocess.run([sys.executable, "-m", "web.cli", "init-db"], cwd=tmp_path, env=env, check=True, timeout=120)
    lock = tmp_path / "shenpi.db.beat.lock"
    first = start(tmp_path, "beat1", "beat", env=env)
    second = None
    try:
        wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid), 60, "the first beat's lock")
        wait_for(lambda: sweeps_sent(tmp_path / "broker") >= 1, 60, "the first sweep")
        second = start(tmp_path, "beat2", "beat", env=env)
        wait_for(lambda: b"standing by" in (tmp_path / "beat2.log").read_bytes(), 60, "the second beat to stand by")
        before, started = sweeps_sent(tmp_path / "broker"), time.monotonic()
        time.sleep(8)
        sent, elapsed = sweeps_sent(tmp_path / "broker") - before, time.monotonic() - started
        assert 4 <= sent <= elapsed + 2, (sent, elapsed)  # one beat's worth (two would send about twice as many)

        stop(first)  # the leader goes: the one on standby takes the lock and carries on
        wait_for(lambda: lock.read_text().strip() == str(second.pid), 30, "the second beat to take the lock")
        taken_over = sweeps_sent(tmp_path / "broker")
        wait_for(lambda: sweeps_sent(tmp_path / "broker") >= taken_over + 2, 30, "sweeps from the second beat")
    finally:
        stop(*(p for p in (first, second) if p is not None))


@pytest.mark.slow
def test_worker_and_beat_from_a_folder_without_instance_fire_a_due_timer(bare_sqlite_engine, tmp_path):
    engine = bare_sqlite_engine
    engine.repository.deploy((FIXTURES / "timer_step.bpmn").read_bytes(), "timer_step.bpmn")
    engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "TIMER-1", "key": "timer_step", "process_file": "timer_step.bpmn"}, "admin"
    )
    case = engine.cases.start_case("TIMER-1", {"name": "张三"}, {}, ENGINE)  # on the test clock: long due by now
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    env = {
        **operator_env(folder),
        "SHENPI_DATABASE_URL": engine.settings.database_url,
        "SHENPI_STATE_DIR": str(folder / "state" / "not-yet"),  # missing: created by beat
        "SHENPI_SWEEP_INTERVAL": "1",
    }
    worker = start(folder, "worker", "worker", env=env)
    beat = start(folder, "beat", "beat", env=env)
    try:

        def escalated():
            elements = {t["element"] for t in engine.cases.get_case(case["id"], ENGINE)["tasks"]}
            return "Task_Escalated" in elements

        wait_for(escalated, 120, "the timer to fire")
        assert (folder / "state" / "not-yet" / "celerybeat-schedule.dat").exists() or any(
            (folder / "state" / "not-yet").glob("celerybeat-schedule*")
        )
        assert not (folder / "instance").exists()
    finally:
        stop(worker, beat)
    assert worker.returncode == 0 and beat.returncode == 0, (os.linesep).join(
        (folder / f"{n}.log").read_text(errors="replace")[-2000:] for n in ("worker", "beat")
    )
