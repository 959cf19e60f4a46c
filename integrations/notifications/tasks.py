"""Celery tasks of the integrations, registered on the engine's Celery app by the worker (`shenpi worker`)."""

from __future__ import annotations

from engine import scheduler

from .dispatcher import dispatch, senders_for


def dispatch_notices() -> dict:
    engine = scheduler.engine()
    return dispatch(engine, senders_for(engine, engine.sms_gateway))


def register(app, settings=None) -> None:
    settings = settings or scheduler.engine().settings
    app.task(name="shenpi.dispatch_notices")(dispatch_notices)
    app.conf.beat_schedule = {
        **app.conf.beat_schedule,
        "dispatch-notices": {"task": "shenpi.dispatch_notices", "schedule": settings.notify_interval_seconds},
    }
