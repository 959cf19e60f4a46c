"""The request-validation layer every page and API request passes before its view (issue 15 §2): ids in the path
and the query string within the range their columns hold, no NUL or control character in any text (path, query,
form fields, JSON keys and values; tab, line feed and carriage return are text), JSON bodies within their size and
nesting depth, numbers finite. A refusal is ``invalid_input`` naming the field (400; 413 for a body too large): the API's JSON
envelope, a readable page elsewhere (``web/errors.py``). The pydantic models of ``web/api/schemas/`` check each
body's shape after this."""

from __future__ import annotations

import math
import re
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import InvalidInput

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column (ids, a year): beyond it no row exists
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
# Query parameters that name a row or count rows: digits beyond MAX_ID exist nowhere (and overflow PostgreSQL).
NUMBER_PARAMETERS = frozenset({"case", "case_id", "version", "year", "page", "per_page", "limit", "days"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def init_app(app) -> None:
    app.before_request(guard_request)


def guard_request() -> None:
    for name, value in (request.view_args or {}).items():
        check_value(name, value)
    for name, values in request.args.lists():
        check_text(name, name)
        for value in values:
            check_text(name, value)
            if name in NUMBER_PARAMETERS:
                check_number(name, value.strip())
    if request.mimetype in FORM_TYPES and not (request.mimetype == FORM_TYPES[1] and request.path.startswith("/api/")):
        check_form()  # API uploads set their own size limit before the form is read: they call check_form then
    elif request.is_json:
        check_json()


def check_form() -> None:
    """The form's fields and the names of its files (stored with the materials and batches)."""
    for name, values in request.form.lists():
        name = name or ""  # a part without a name (werkzeug keys it None)
        check_text(name, name)
        for value in values:
            check_text(name, value or "")
    for name, upload in request.files.items(multi=True):
        check_text(name, upload.filename or "")


def check_value(field: str, value: Any) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
        raise InvalidInput("value_out_of_range", field=field, max=MAX_ID)
    if isinstance(value, str):
        check_text(field, value)


def check_number(field: str, value: str) -> None:
    """A query number: digits other than ASCII are no number (``int`` would refuse what ``isdigit`` let through),
    and none beyond MAX_ID."""
    if value.isdigit() and not value.isascii():
        raise InvalidInput("query_not_an_integer", field=field)
    if value.isdigit() and int(value) > MAX_ID:
        raise InvalidInput("value_out_of_range", field=field, max=MAX_ID)


def check_text(field: str, value: str) -> None:
    if CONTROL.search(value):
        raise InvalidInput("text_control_characters", field=field)


def check_json() -> None:
    settings = current_app.extensions["shenpi"].settings
    if (request.content_length or 0) > settings.max_json_bytes:
        raise RequestEntityTooLarge()
    raw = request.get_data(cache=True)
    if len(raw) > settings.max_json_bytes:
        raise RequestEntityTooLarge()
    if _depth(raw) > settings.max_json_depth:
        raise InvalidInput("json_body_too_deep", field="body", max=settings.max_json_depth)
    body = request.get_json(silent=True)
    if body is not None:
        _walk("", body)


def _depth(raw: bytes) -> int:
    """How deep arrays and objects nest, counted on the bytes outside strings (before parsing, which recurses)."""
    deepest = depth = 0
    for bracket in _BRACKETS.finditer(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket.group() in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _walk(path: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            field = f"{path}.{key}" if path else str(key)
            check_text(field, key)
            _walk(field, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(f"{path}.{index}" if path else str(index), item)
    elif isinstance(value, str):
        check_text(path or "body", value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput("number_not_finite", field=path or "body")
