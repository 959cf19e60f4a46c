"""Checks on data that callers hand to the engine (form data, applicant data, opinions)."""

from __future__ import annotations

import json
import keyword
from typing import Any, Literal, overload

from ..errors import InvalidInput

MAX_DATA_BYTES = 256 * 1024
MAX_OPINION_CHARS = 4000


@overload
def text_field(value: object, field: str, limit: int, required: Literal[True]) -> str: ...
@overload
def text_field(value: object, field: str, limit: int, required: bool) -> str | None: ...


def text_field(value: object, field: str, limit: int, required: bool) -> str | None:
    """A stripped text of at most ``limit`` characters; None when empty and not required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("not_text", field=field)
    value = value.strip()
    if required and not value:
        raise InvalidInput("required", field=field)
    if len(value) > limit:
        raise InvalidInput("too_long", field=field, max=limit)
    return value or None


def form_data(value: object, field: str = "data") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput("not_an_object", field=field)
    for key in value:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_") or keyword.iskeyword(key):
            raise InvalidInput("data_key_not_allowed", field=field, key=key)
    try:
        size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise InvalidInput("not_json_values", field=field) from None
    if size > MAX_DATA_BYTES:
        raise InvalidInput("data_too_large", field=field, max=MAX_DATA_BYTES)
    return value


def applicant(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput("applicant_name_missing", field="applicant")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("required", field="applicant.name")
    return form_data(value, "applicant")


def opinion(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("not_text", field="opinion")
    if len(value) > MAX_OPINION_CHARS:
        raise InvalidInput("too_long", field="opinion", max=MAX_OPINION_CHARS)
    return value.strip() or None
