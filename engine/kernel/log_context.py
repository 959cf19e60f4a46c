"""What a log line is about — the request, the user, the case, the element — kept in context variables that the
web layer and the stepper set and a logging filter copies onto every record (``SHENPI_LOG_FORMAT=json``)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager

FIELDS = ("request_id", "user", "case_id", "element")
_context: contextvars.ContextVar[dict[str, str | int | None]] = contextvars.ContextVar("shenpi_log_context")


def current() -> dict[str, str | int | None]:
    return _context.get({})


def bind(**values: str | int | None) -> contextvars.Token[dict[str, str | int | None]]:
    """Add ``values`` to the context until ``reset(token)``."""
    return _context.set({**current(), **{k: v for k, v in values.items() if v is not None}})


def reset(token: contextvars.Token[dict[str, str | int | None]]) -> None:
    _context.reset(token)


@contextmanager
def bound(**values: str | int | None) -> Iterator[None]:
    token = bind(**values)
    try:
        yield
    finally:
        reset(token)


class ContextFilter(logging.Filter):
    """Puts the context's fields on every record (None where unknown), for the JSON formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = current()
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, values.get(name))
        return True
