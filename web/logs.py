"""Logging for every process: plain text by default, one JSON object a line with ``SHENPI_LOG_FORMAT=json``.

Each JSON line carries the time, level, logger and message, and — when known — the request id (the request's
``X-Request-ID``, or a new one, sent back in the response's ``X-Request-ID``), the signed-in user or token's user,
and the case and element a step works on (``engine/kernel/log_context.py``: the stepper binds them)."""

from __future__ import annotations

import logging
import re
import uuid

from engine.config import Settings
from engine.kernel import LogContextFilter, bind_log_context, reset_log_context

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # a proxy's id is kept only if it is short and plain
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s %(case_id)s %(element)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(settings: Settings) -> None:
    """Set the root logger's handler and format (idempotent: the process's one handler is replaced)."""
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.addFilter(LogContextFilter())
    if settings.log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    for old in [h for h in root.handlers if getattr(h, "shenpi", False)]:
        root.removeHandler(old)
    handler.shenpi = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())


def init_app(app) -> None:
    """A request id for every request, bound with the user into the log context while it runs."""
    from flask import g, request

    @app.before_request
    def _bind():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.log_token = bind_log_context(request_id=g.request_id)

    @app.after_request
    def _send_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def _unbind(_exc):
        token = g.pop("log_token", None)
        if token is not None:
            reset_log_context(token)


def bind_user(user_id: str | None) -> None:
    """Called where the request's user is known (the session's user, a token's user)."""
    if user_id:
        bind_log_context(user=user_id)
