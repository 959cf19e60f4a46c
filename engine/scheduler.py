"""Celery: the periodic sweep that fires due timers.

Production points SHENPI_BROKER_URL at Redis or RabbitMQ; the embedded default is a
``filesystem://`` broker under instance/, so `make run` needs no other service.
"""
from __future__ import annotations

from pathlib import Path

from celery import Celery

from .config import PROJECT_ROOT, Settings

_engine = None


def bind_engine(engine) -> None:
    """Share an existing engine object with the tasks (embedded mode, tests)."""
    global _engine
    _engine = engine


def engine():
    global _engine
    if _engine is None:
        from .services import Shenpi

        _engine = Shenpi()
    return _engine


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or Settings()
    app = Celery("shenpi", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True, result_backend=None,
        timezone="Asia/Shanghai", enable_utc=True, broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_schedule={"sweep-due-timers": {"task": "shenpi.sweep", "schedule": settings.sweep_interval_seconds}},
        beat_schedule_filename=str(PROJECT_ROOT / "instance" / "celerybeat-schedule"),
    )
    if settings.broker_url.startswith("filesystem://"):
        folder = Path(settings.broker_url[len("filesystem://"):])
        for sub in ("out", "processed"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "out"), "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"), "store_processed": False,
        }

    app.task(name="shenpi.sweep")(sweep)
    return app


def sweep(as_of: str | None = None) -> dict:
    """Fire every timer and light change due by ``as_of`` (ISO-8601) or by now."""
    from .clock import parse_instant

    return engine().sweep(parse_instant(as_of) if as_of else None)
