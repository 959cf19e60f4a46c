"""What happens when a request or a response breaks its model."""
from __future__ import annotations

from engine.errors import InvalidInput


class ResponseBreaksContract(RuntimeError):
    """A response that does not match its documented model (checked under test): a bug in the schema or the view."""


def _field(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"])


def refuse_invalid_request(req, resp, error, instance, model_adapter) -> None:
    """A body or query string that breaks its model: 400 ``invalid_input`` naming the field(s)."""
    if error is None:
        return
    problems = {}
    for item in model_adapter.validation_errors(error):
        problems.setdefault(_field(item) or "body", item["msg"])
    message = "; ".join(f"{field}: {text}" for field, text in problems.items())
    raise InvalidInput(message, field=next(iter(problems)), fields=problems if len(problems) > 1 else None)


def reject_broken_response(req, resp, error, instance, model_adapter) -> None:
    if error is not None:
        raise ResponseBreaksContract(f"{req.method} {req.path} answered outside its schema: "
                                     f"{model_adapter.validation_errors(error)}")
