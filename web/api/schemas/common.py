"""What every area shares: the error envelope, bases for bodies and query strings, instants, lights, files."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

Instant = dt.datetime
# normal → yellow → red, the order everywhere (engine/deadlines/lights.py); Art. 10's due date is ``due_today``
Light = Literal["none", "yellow", "red"]
Text = Annotated[str, Field(max_length=4000)]  # reasons, opinions, notes: as the engine bounds them
Upload = Annotated[bytes, WithJsonSchema({"type": "string", "format": "binary"})]
InstantText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
# a limit counted over days of a year without the State Council's holiday arrangement (engine/deadlines/provisional.py)
Provisional = Annotated[
    bool,
    Field(description="counted on the provisional calendar; counted again when the official arrangement is imported"),
]


class Body(BaseModel):
    """A JSON request body: fields it does not name are ignored, as the views ignore them. A number where text is
    expected passes the model: the engine answers it as it always did (an unknown matter 5 is not found)."""

    model_config = ConfigDict(coerce_numbers_to_str=True)


class Form(BaseModel):
    """A multipart form: documented here, read by the view."""


class Query(BaseModel):
    """A query string: an empty parameter counts as not given, as the views read it."""

    @model_validator(mode="before")
    @classmethod
    def _without_empty(cls, values):
        return {k: v for k, v in values.items() if v != ""} if isinstance(values, dict) else values

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        """A parameter is given or left out, never null: document each without the null the defaults bring."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        for _name, prop in schema.get("properties", {}).items():
            kinds = [kind for kind in prop.pop("anyOf", []) if kind != {"type": "null"}]
            if len(kinds) == 1:
                prop.update(kinds[0])
            elif kinds:
                prop["anyOf"] = kinds
            if prop.get("default", ...) is None:
                del prop["default"]
            prop.pop("title", None)
        return schema


class CatalogueFileError(BaseModel):
    """One problem of a catalogue file, with its place."""

    location: str = Field(description="readable place: 工作表“事项”第 3 行, or matters[2].fees[0]")
    sheet: str | None = None
    row: int | None = Field(None, description="Excel row (1 = header)")
    path: str | None = Field(None, description="JSON path")
    index: int | None = None
    matter: str | None = Field(None, description="the matter's code, when known")
    field: str | None = None
    label: str | None = None
    message: str = Field(description="what is wrong, in the language of Accept-Language")


class ErrorDetail(BaseModel):
    code: str = Field(description="stable code: invalid_input, unauthorized, forbidden, not_found, conflict, …")
    reason: str | None = Field(
        None,
        description="stable id of the exact refusal (case_not_found, "
        "task_already_claimed, …); absent on HTTP-level errors (no such "
        "route, method not allowed, too many requests)",
    )
    message: str = Field(
        description="what is wrong, in the language of Accept-Language (Chinese unless English is asked for)"
    )
    params: dict[str, Any] | None = Field(
        None, description="the values the message names besides the keys below, by name (numbers, text, lists, objects)"
    )
    field: str | None = Field(None, description="the field that is wrong")
    fields: dict[str, str] | None = Field(None, description="invalid_input: field id → what is wrong")
    element: str | None = Field(None, description="invalid_process: the BPMN element")
    line: int | None = Field(None, description="invalid_process: the line in the BPMN file")
    errors: list[CatalogueFileError] | None = Field(None, description="invalid_catalogue: every problem of the file")
    error_count: int | None = None


class Error(BaseModel):
    """Every error the API answers."""

    error: ErrorDetail
