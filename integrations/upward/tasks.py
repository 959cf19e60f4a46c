"""The Celery task ``shenpi.report_upward`` and its beat entry, registered on the engine's Celery app.

The engine's scheduler knows nothing of integrations: whoever builds the worker's app (``shenpi worker``) calls
``register(app, settings)``. The outbox is the source of truth: a retry that is lost, or a worker that dies, only
delays a batch until the next beat run, since every due batch is found again in the table.
"""

from __future__ import annotations

from engine import scheduler

TASK = "shenpi.report_upward"


def report_upward(task) -> dict:
    from .reporter import report

    done = report(scheduler.engine())
    if done["retry_in"] is not None and task.request.retries < task.max_retries:
        # the platform failed: come back when the batch's backoff has passed (the beat would, later)
        raise task.retry(countdown=max(1.0, done["retry_in"]))
    return done


def register(app, settings) -> None:
    """Add the task and, when reporting is configured, its beat entry every SHENPI_UPWARD_INTERVAL seconds."""
    app.task(name=TASK, bind=True, max_retries=settings.upward_max_attempts)(report_upward)
    if settings.upward_url:
        app.conf.beat_schedule = {
            **app.conf.beat_schedule,
            "report-upward": {"task": TASK, "schedule": settings.upward_interval_seconds},
        }
