"""What happens when a request or a response breaks its model."""

from __future__ import annotations

import re

from engine.errors import InvalidInput, Message


class ResponseBreaksContract(RuntimeError):
    """A response that does not match its documented model (checked under test): a bug in the schema or the view."""


def _field(error: dict) -> str:
    return ".".join(str(part) for part in error["loc"])


# The context value a kind of problem is worded with (pydantic's ctx key).
_CONTEXT = {
    "literal_error": "expected",
    "enum": "expected",
    "string_too_long": "max_length",
    "string_too_short": "min_length",
    "too_long": "max_length",
    "too_short": "min_length",
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
}


def _problem(error: dict) -> Message:
    """One field's problem as a message with its reason (the form fields' words where they fit); a kind of
    problem without words of its own keeps pydantic's English text as a detail."""
    kind, ctx = error["type"], error.get("ctx") or {}
    value = ctx.get(_CONTEXT.get(kind, ""))
    if kind in _CONTEXT and value is None:
        return Message("field_invalid", detail=error["msg"])
    if kind == "missing":
        return Message("field_required")
    if kind in ("literal_error", "enum"):
        return Message("field_one_of", allowed=re.findall(r"'([^']*)'", str(value)) or str(value))
    if kind == "string_type":
        return Message("field_not_text")
    if kind == "string_too_long":
        return Message("field_too_many_characters", max=value)
    if kind == "string_too_short":
        return Message("field_too_few_characters", min=value)
    if kind == "too_long":
        return Message("field_too_many_items", max=value)
    if kind == "too_short":
        return Message("field_too_few_items", min=value)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return Message(
            "field_below"
            if kind == "greater_than_equal"
            else "field_must_exceed"
            if kind == "greater_than"
            else "field_above"
            if kind == "less_than_equal"
            else "field_must_be_under",
            limit=value,
        )
    if kind == "int_parsing_size":
        return Message("field_number_out_of_range")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return Message("field_not_whole_number")
    if kind in ("float_parsing", "float_type", "finite_number", "decimal_parsing", "decimal_type"):
        return Message("field_not_a_number")
    if kind.startswith("bool_"):
        return Message("field_not_boolean")
    if kind.startswith(("datetime_", "timezone_")):
        return Message("field_not_a_date_time")
    if kind.startswith("date_"):
        return Message("field_not_a_date")
    if kind in ("list_type", "tuple_type", "set_type"):
        return Message("field_not_a_list")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Message("field_not_an_object")
    return Message("field_invalid", detail=error["msg"])


def refuse_invalid_request(req, resp, error, instance, model_adapter) -> None:
    """A body or query string that breaks its model: 400 ``invalid_input`` naming the field(s)."""
    if error is None:
        return
    problems: dict[str, Message] = {}
    # pydantic's own list keeps each problem's context (the limit, the allowed values); spectree's drops it.
    items = (
        error.errors(include_url=False)
        if callable(getattr(error, "errors", None))
        else model_adapter.validation_errors(error)
    )
    for item in items:
        problems.setdefault(_field(item) or "body", _problem(item))
    raise InvalidInput(
        "request_invalid",
        field=next(iter(problems)),
        fields=problems if len(problems) > 1 else None,
        problems=[
            Message("request_field_problem", field=field, problem=problem) for field, problem in problems.items()
        ],
    )


def reject_broken_response(req, resp, error, instance, model_adapter) -> None:
    if error is not None:
        raise ResponseBreaksContract(
            f"{req.method} {req.path} answered outside its schema: {model_adapter.validation_errors(error)}"
        )
