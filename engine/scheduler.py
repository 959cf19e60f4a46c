"""Celery: the periodic sweep that fires due timers, the periodic checkpoint of the trail's heads, and the
periodic cleanup of unreferenced stored files.

Production points SHENPI_BROKER_URL at Redis or RabbitMQ; the embedded default is a
``filesystem://`` broker under instance/, so `make run` needs no other service.
"""

from __future__ import annotations

import datetime as _dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Celery

from .config import PROJECT_ROOT, Settings

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
        beat_schedule_filename=str(PROJECT_ROOT / "instance" / "celerybeat-schedule"),
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
    app.task(name="shenpi.trail_checkpoint")(trail_checkpoint)
    app.task(name="shenpi.files_cleanup")(files_cleanup)
    return app


def attach(engine_: Shenpi, app: Celery) -> None:
    """Queue timers that start waiting and fall due before the next sweep with an ETA (after commit)."""
    global _app
    _app = app
    bind_engine(engine_)
    engine_.wire(timer_queue=enqueue, horizon=_dt.timedelta(seconds=app.conf.shenpi_horizon_seconds))


def enqueue(case_id: int, due: _dt.datetime) -> None:
    if _app is None:
        return
    try:
        _app.tasks["shenpi.fire_case"].apply_async(args=[case_id], eta=due)  # type: ignore[arg-type]  # a list is fine
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
    return engine().runtime.fire_case_timers(case_id)


def trail_checkpoint() -> dict[str, Any]:
    """Sign the heads of the trail's chains that moved since the last checkpoint (beat, with SHENPI_TRAIL_KEY set).
    Runs in several workers at once wait for each other on the checkpoint file's lock."""
    run = engine().trail_checkpoints.checkpoint()
    return {"lines": len(run.lines), "heads": run.heads, "newest": run.newest, "recorded_again": run.recorded_again}


def files_cleanup() -> dict[str, int]:
    """Delete stored content no material references once the grace period has passed (the orphan rule of the file
    stores that cannot join a transaction, ``engine/casefiles/file_store.py``)."""
    return engine().files.cleanup()
