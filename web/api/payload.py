"""Reading request bodies and query parameters with clear errors."""
from __future__ import annotations

import json

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


def multipart() -> bool:
    return request.mimetype == "multipart/form-data"


def form_json(name: str, default=None):
    """A JSON value sent as a multipart form field."""
    raw = request.form.get(name)
    if raw is None or raw == "":
        return default
    try:
        return json.loads(raw)
    except ValueError:
        raise InvalidInput(f"form field {name} must be JSON", field=name) from None


def uploaded_files(limit: int, per_file: int, required: bool = True) -> list[tuple] | None:
    """The repeated multipart field ``files`` as (filename, bytes, slot); ``slot`` is sent once for all files or
    once per file in the same order. ``limit`` bounds the whole request body (a 413 beyond it): call this before
    anything reads the form. Of each file at most ``per_file`` + 1 bytes are read: enough for the engine to refuse it."""
    request.max_content_length = limit
    if not multipart():
        raise InvalidInput("send the files as multipart/form-data, field 'files' (repeated)", field="files")
    files = request.files.getlist("files")
    if not files:
        if not required:
            return None
        raise InvalidInput("send at least one file in the multipart field 'files'", field="files")
    slots = [s.strip() or None for s in request.form.getlist("slot")]
    if len(slots) == 1:
        slots = slots * len(files)
    elif not slots:
        slots = [None] * len(files)
    elif len(slots) != len(files):
        raise InvalidInput("send slot once for all files or once per file", field="slot")
    return [(f.filename or "", f.read(per_file + 1), slot) for f, slot in zip(files, slots)]
