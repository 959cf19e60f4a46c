"""Engine errors. Each carries a stable ``code`` the API returns to clients."""
from __future__ import annotations

from typing import Any


class EngineError(Exception):
    code = "engine_error"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.details}


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

    def __init__(self, message: str, element: str | None = None, line: int | None = None):
        super().__init__(message, element=element, line=line)
        self.element = element
        self.line = line

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "element": self.element, "line": self.line}
