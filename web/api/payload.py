"""Reading request bodies and query parameters with clear errors."""

from __future__ import annotations

import json

from flask import request

from engine.errors import InvalidInput

from ..request_guard import MAX_ID, check_form


def json_body() -> dict:
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput("body_not_json")
    if not isinstance(body, dict):
        raise InvalidInput("body_not_an_object")
    return body


def int_arg(name: str, default=None, minimum: int | None = None):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput("query_not_an_integer", field=name) from None
    if minimum is not None and value < minimum:
        raise InvalidInput("query_below_minimum", field=name, minimum=minimum)
    if value > MAX_ID:
        raise InvalidInput("query_too_large", field=name)
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
        raise InvalidInput("form_field_not_json", field=name) from None


def uploaded_files(limit: int, per_file: int, required: bool = True) -> list[tuple] | None:
    """The repeated multipart field ``files`` as (filename, bytes, slot); ``slot`` is sent once for all files or
    once per file in the same order. ``limit`` bounds the whole request body (a 413 beyond it): call this before
    anything reads the form. Of each file at most ``per_file`` + 1 bytes are read: enough for the engine to refuse it."""
    request.max_content_length = limit
    if not multipart():
        raise InvalidInput("files_not_multipart", field="files")
    files = request.files.getlist("files")
    check_form()  # the form is read now, within the upload's limit: its text gets the bounds of every form
    if not files:
        if not required:
            return None
        raise InvalidInput("files_required", field="files")
    slots = [s.strip() or None for s in request.form.getlist("slot")]
    if len(slots) == 1:
        slots = slots * len(files)
    elif not slots:
        slots = [None] * len(files)
    elif len(slots) != len(files):
        raise InvalidInput("slots_mismatch", field="slot")
    return [(f.filename or "", f.read(per_file + 1), slot) for f, slot in zip(files, slots)]
