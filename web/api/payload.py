"""Reading request bodies and query parameters with clear errors."""
from __future__ import annotations

from flask import request

from engine.errors import InvalidInput


def json_body() -> dict:
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput("the request body is not valid JSON (send Content-Type: application/json)")
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def int_arg(name: str, default=None, minimum: int | None = None):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"query parameter {name} must be an integer", field=name) from None
    if minimum is not None and value < minimum:
        raise InvalidInput(f"query parameter {name} must be at least {minimum}", field=name)
    if value > 2**63 - 1:
        raise InvalidInput(f"query parameter {name} is too large", field=name)
    return value
