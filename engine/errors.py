"""Engine errors and the messages they carry.

Every error has a stable ``code`` — its kind, the API's ``error.code`` (``invalid_input``, ``not_found``, …) — and a
``reason``: a stable identifier of the exact refusal (``case_not_found``, ``task_already_claimed``, …) with the
``params`` its wording interpolates. ``MESSAGES`` (``error_messages/``) gives every reason its English wording, a
template with named ``%(param)s`` placeholders: ``str(exc)`` and ``exc.message`` are that English text, for logs and
the command line. The pages and the API word the reason in the reader's language (zh-CN or English) from the web
layer's catalogues (``web/messages.py``, ``web/translations/*/LC_MESSAGES/engine.po``, where the English template is
the message id and the reason its context); the engine knows nothing of Flask or Babel.

A message inside an error — one form field's problem, one line of an import file — is a :class:`Message`: a ``str``
(its English text) that also carries its reason and params, so the web layer can word it too.

Adding a refusal: raise ``InvalidInput("new_reason", field=..., name=...)``, add ``"new_reason": "English
%(name)s ..."`` to ``MESSAGES`` in ``engine/error_messages/`` (one module per area), run ``make translations`` and translate the new
entry in ``web/translations/zh/LC_MESSAGES/engine.po`` (``tests/unit/test_error_messages.py`` checks every reason).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from .error_messages import MESSAGES

# Params that are also top-level keys of the API's error body (as they were before reasons existed); the other
# params go under ``params``.
DETAIL_KEYS = ("field", "fields", "errors", "error_count", "element", "line", "limit", "day", "year")


def english(reason: str, params: dict[str, Any]) -> str:
    """The reason's English wording with its params; an unknown reason is taken as the text itself."""
    template = MESSAGES.get(reason)
    if template is None:
        return reason
    return fill(template, params, ", ")


def fill(template: str, params: dict[str, Any], separator: str, shown: Callable[[Any], str] = str) -> str:
    """``template % params`` with lists joined by ``separator`` and every value passed through ``shown``."""

    def value(v: Any) -> str:
        if isinstance(v, (list, tuple, set, frozenset)):
            return separator.join(value(item) for item in v)
        return shown(v)

    try:
        return template % {key: value(v) for key, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return template


class Message(str):
    """A message for a person: ``str`` is its English text; ``reason`` and ``params`` let the web layer word it."""

    reason: str
    params: dict[str, Any]

    def __new__(cls, reason: str, /, **params: Any) -> Message:
        params = {k: v for k, v in params.items() if v is not None}
        self = super().__new__(cls, english(reason, params))
        self.reason = reason
        self.params = params
        return self

    def __reduce__(self) -> tuple[Callable[[str, dict[str, Any]], Message], tuple[str, dict[str, Any]]]:
        return _message, (self.reason, self.params)

    def __repr__(self) -> str:
        return f"Message({self.reason!r}, {self.params!r})"


def _message(reason: str, params: dict[str, Any]) -> Message:
    return Message(reason, **params)


def plain(value: Any) -> Any:
    """A param as JSON: numbers, text, lists and objects stay; anything else (dates, …) becomes text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


class EngineError(Exception):
    code = "engine_error"
    status = 400

    def __init__(self, reason: str, /, **params: Any) -> None:
        self.message = Message(reason, **params)
        super().__init__(self.message)
        self.reason = reason
        self.params = self.message.params
        self.details = {k: v for k, v in self.params.items() if k in DETAIL_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """The API's error body with the English message (the web layer words it for the reader)."""
        body = {
            "code": self.code,
            "reason": self.reason,
            "message": str(self.message),
            **{k: plain(v) for k, v in self.details.items()},
        }
        params = {k: plain(v) for k, v in self.params.items() if k not in DETAIL_KEYS}
        if params:
            body["params"] = params
        return body


class InvalidInput(EngineError):
    code = "invalid_input"
    status = 400


class TooLarge(InvalidInput):
    """An upload beyond a size limit (one file, or everything a case may hold)."""

    code = "payload_too_large"
    status = 413


class InvalidCatalogue(InvalidInput):
    """A catalogue file that cannot be imported: ``errors`` lists every problem with its place in the file."""

    code = "invalid_catalogue"
    status = 422


class NotFound(EngineError):
    code = "not_found"
    status = 404


class PermissionDenied(EngineError):
    code = "forbidden"
    status = 403


class Conflict(EngineError):
    """Another transaction changed the case first (optimistic lock) or the task moved on."""

    code = "conflict"
    status = 409


class InvalidState(EngineError):
    code = "invalid_state"
    status = 409


class ProcessValidationError(EngineError):
    """A BPMN file that cannot be deployed; names the element and line when known."""

    code = "invalid_process"
    status = 422

    def __init__(self, reason: str, /, element: str | None = None, line: int | None = None, **params: Any) -> None:
        super().__init__(reason, element=element, line=line, **params)
        self.element = element
        self.line = line

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "element": self.element, "line": self.line}
