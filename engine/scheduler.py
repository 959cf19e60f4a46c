"""Celery: the periodic sweep that fires due timers, the periodic checkpoint of the trail's heads, and the
periodic cleanup of unreferenced stored files.

Production points SHENPI_BROKER_URL at Redis or RabbitMQ; the embedded default is a
``filesystem://`` broker under instance/, so `make run` needs no other service.

Beat (``shenpi beat``, or the embedded worker's) runs ``LeaderScheduler``: it sends nothing until it holds the
``beat`` leader lock (``kernel/leader.py``: a PostgreSQL advisory lock, or a file lock beside a SQLite database), so
a second beat started by mistake stands by instead of doubling the periodic work, and takes over when the first
dies. Its schedule file is ``Settings.beat_schedule_path`` (under ``SHENPI_STATE_DIR``), created when missing.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import task_failure

from .config import Settings
from .kernel.leader import LeaderLock

if TYPE_CHECKING:
    from .bootstrap import Shenpi

log = logging.getLogger(__name__)
_engine: Shenpi | None = None
_app: Celery | None = None


def bind_engine(engine: Shenpi) -> None:
    """Share an existing engine object with the tasks (embedded mode, tests)."""
    global _engine
    _engine = engine


def engine() -> Shenpi:
    global _engine
    if _engine is None:
        from .bootstrap import Shenpi

        _engine = Shenpi()
    return _engine


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or Settings()
    app = Celery("shenpi", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        timezone="Asia/Shanghai",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "sweep-due-timers": {"task": "shenpi.sweep", "schedule": settings.sweep_interval_seconds},
            "files-cleanup": {"task": "shenpi.files_cleanup", "schedule": settings.files_cleanup_interval_seconds},
        },
        beat_schedule_filename=str(settings.beat_schedule_path),
        beat_scheduler="engine.scheduler:LeaderScheduler",
        shenpi_database_url=settings.database_url,
        shenpi_state_dir=str(settings.state_dir),
    )
    if settings.broker_url.startswith("filesystem://"):
        folder = Path(settings.broker_url[len("filesystem://") :])
        for sub in ("out", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),  # else kombu writes it into the working directory
        }

    if settings.trail_key.get_secret_value():
        app.conf.beat_schedule = {
            **app.conf.beat_schedule,
            "trail-checkpoint": {
                "task": "shenpi.trail_checkpoint",
                "schedule": settings.trail_checkpoint_interval_seconds,
            },
        }

    app.conf.shenpi_horizon_seconds = settings.sweep_interval_seconds
    app.task(name="shenpi.sweep")(sweep)
    app.task(name="shenpi.fire_case")(fire_case)
    app.task(name="shenpi.connector_call")(connector_call)
    app.task(name="shenpi.trail_checkpoint")(trail_checkpoint)
    app.task(name="shenpi.files_cleanup")(files_cleanup)
    return app


class LeaderScheduler(PersistentScheduler):
    """Celery beat's persistent scheduler, run only by the holder of the ``beat`` leader lock: a copy that cannot
    take it waits (retrying every ``standby_seconds``) before it opens the schedule file or sends anything; the
    leader checks every ``check_seconds`` that it still holds the lock and stops if it lost it."""

    standby_seconds = 2.0
    check_seconds = 10.0

    def __init__(self, app: Celery, *args: Any, **kwargs: Any) -> None:
        self.leader = LeaderLock(app.conf.shenpi_database_url, "beat", Path(app.conf.shenpi_state_dir))
        waited = False
        while not self.leader.try_acquire():
            if not waited:
                log.warning("another beat holds the beat lock: standing by until it stops")
                waited = True
            time.sleep(self.standby_seconds)
        log.info("beat lock taken: this beat schedules the periodic work")
        self._checked = time.monotonic()
        schedule = Path(kwargs.get("schedule_filename") or app.conf.beat_schedule_filename)
        schedule.parent.mkdir(parents=True, exist_ok=True)  # a fresh state folder
        super().__init__(app, *args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if time.monotonic() - self._checked > self.check_seconds:
            self._checked = time.monotonic()
            if not self.leader.alive():
                log.error("the beat lock was lost (database connection dropped): stopping this beat")
                raise SystemExit(1)
        return float(super().tick(*args, **kwargs))

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leader.release()


@task_failure.connect
def _count_failure(sender: Any = None, **_: Any) -> None:
    """Every failed Celery task, by name (``shenpi_celery_task_failures_total``)."""
    if _engine is not None:
        _engine.metrics.count("celery_task_failures", task=str(getattr(sender, "name", "unknown")))


def check_broker(settings: Settings, timeout: float) -> None:
    """Raise unless the broker answers within ``timeout`` seconds (the embedded one: its folder is writable)."""
    url = settings.broker_url
    if url.startswith("memory://"):
        return
    if url.startswith("filesystem://"):
        folder = Path(url[len("filesystem://") :]) / "out"
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise OSError(f"the broker folder {folder} is missing or not writable")
        return
    from kombu import Connection

    with Connection(url, connect_timeout=timeout, transport_options={"socket_timeout": timeout}) as connection:
        connection.ensure_connection(max_retries=1, timeout=max(1, round(timeout)))


def attach(engine_: Shenpi, app: Celery) -> None:
    """Queue timers that start waiting and fall due before the next sweep with an ETA, and connector calls (after
    commit)."""
    global _app
    _app = app
    bind_engine(engine_)
    engine_.wire(timer_queue=enqueue, horizon=_dt.timedelta(seconds=app.conf.shenpi_horizon_seconds))
    engine_.connector_calls.queue = enqueue_call


def enqueue_call(task_id: str) -> None:
    """Hand a connector call the step just recorded to a worker (after commit); a lost one waits for the sweep."""
    if _app is None:
        return
    try:
        _app.tasks["shenpi.connector_call"].apply_async(args=(task_id,))
    except Exception as exc:
        log.warning("could not queue the connector call %s: %s", task_id, exc)


def connector_call(task_id: str) -> dict[str, int]:
    """Make one connector call (a failure is an incident on its case, as in the sweep)."""
    run = engine().periodic.run_subject("connector_calls", task_id)
    return {"changed": run.changed, "failed": run.failed}


def enqueue(case_id: int, due: _dt.datetime) -> None:
    if _app is None:
        return
    try:
        # A countdown on the engine's clock, not an ETA on the system's: both agree in production, and a shifted
        # clock (SHENPI_CLOCK) still fires the timer when it falls due on the engine's.
        countdown = max(0.0, (due - engine().clock.now()).total_seconds())
        _app.tasks["shenpi.fire_case"].apply_async(args=[case_id], countdown=countdown)  # type: ignore[arg-type]
    except Exception as exc:
        log.warning("could not queue the timer of case %s for %s: %s", case_id, due.isoformat(), exc)


def sweep(as_of: str | None = None) -> dict[str, Any]:
    """Fire every timer and light change due by ``as_of`` (ISO-8601) or by now; queue the ones due
    before the next sweep with an ETA. The sweep is the source of truth: a queued timer that is lost
    or early is fired by a later sweep."""
    from .kernel.clock import parse_instant
    from .runtime import timers

    instant = parse_instant(as_of) if as_of else engine().clock.now()
    result = engine().sweep(instant)
    if _app is not None:
        horizon = _dt.timedelta(seconds=_app.conf.shenpi_horizon_seconds)
        with engine().db.reading() as session:
            upcoming = timers.due_between(session, instant, instant + horizon)
        for case_id, due in upcoming:
            enqueue(case_id, due)
        result["queued"] = len(upcoming)
    return result


def fire_case(case_id: int) -> int:
    """Fire one case's due timers (an ETA task); repeating it is harmless."""
    return engine().cases.fire_case_timers(case_id)


def trail_checkpoint() -> dict[str, Any]:
    """Sign the heads of the trail's chains that moved since the last checkpoint (beat, with SHENPI_TRAIL_KEY set).
    Runs in several workers at once wait for each other on the checkpoint file's lock."""
    run = engine().trail_checkpoints.checkpoint()
    return {"lines": len(run.lines), "heads": run.heads, "newest": run.newest, "recorded_again": run.recorded_again}


def files_cleanup() -> dict[str, int]:
    """Delete stored content no material references once the grace period has passed (the orphan rule of the file
    stores that cannot join a transaction, ``engine/casefiles/file_store.py``)."""
    return engine().files.cleanup()
