"""Step forms: the Camunda ``formData`` of a user task, read at deploy time, and the check of submitted data.

A form lists fields (``camunda:formField``) with an id (the workflow data key the gateways read), a label and a
type: ``string``, ``long``, ``boolean``, ``date``, ``enum`` (``camunda:value`` children, id = stored value,
name = label) or Shenpi's ``users`` — a list of account ids (a JSON list, or one string separated by commas,
spaces or new lines). Constraints (``camunda:validation/camunda:constraint``): ``required``, ``readonly``,
``minlength``/``maxlength`` (characters of a string, accounts of a users field), ``min``/``max`` (a long's value,
a date's ISO day). Dates are stored as ISO strings (``2026-11-23``) so gateway expressions can compare them.
"""

from __future__ import annotations

import datetime as _dt
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..errors import InvalidInput, Message, ProcessValidationError

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TYPES = ("string", "long", "boolean", "date", "enum", "users")
FORM_TASKS = ("userTask", "manualTask")
LONG_RANGE = (-(2**63), 2**63 - 1)
MAX_STRING_CHARS = 10_000
ACCOUNT = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
TRUE_WORDS = {"true", "on", "1", "yes", "y", "是"}
FALSE_WORDS = {"false", "off", "0", "no", "n", "否", ""}
_CONSTRAINTS = {
    "required": TYPES,
    "readonly": TYPES,
    "minlength": ("string", "users"),
    "maxlength": ("string", "users"),
    "min": ("long", "date"),
    "max": ("long", "date"),
}


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    required: bool = False
    readonly: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label) pairs of an enum
    min: int | str | None = None  # a long's least value or a date's first day (ISO)
    max: int | str | None = None
    minlength: int | None = None
    maxlength: int | None = None
    default: object = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "readonly": self.readonly,
            "options": [{"value": v, "label": lb} for v, lb in self.options],
            "min": self.min,
            "max": self.max,
            "minlength": self.minlength,
            "maxlength": self.maxlength,
            "default": self.default,
        }


@dataclass(frozen=True)
class Form:
    fields: tuple[Field, ...] = ()
    by_id: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update({f.id: f for f in self.fields})

    def to_dict(self) -> dict[str, Any]:
        return {"fields": [f.to_dict() for f in self.fields]}


# --- reading the BPMN -----------------------------------------------------------------------------------------


def _camunda(name: str) -> str:
    return f"{{{CAMUNDA_NS}}}{name}"


def _refuse(reason: str, element: etree._Element, **params: Any) -> ProcessValidationError:
    """Names the BPMN element the form belongs to and the line of the offending form element."""
    node: etree._Element | None = element
    while node is not None and not (etree.QName(node).namespace == BPMN_NS and node.get("id")):
        node = node.getparent()
    return ProcessValidationError(
        reason, element=node.get("id") if node is not None else None, line=element.sourceline, **params
    )


def read_forms(process: etree._Element) -> dict[str, Form]:
    """Every form in a process (an lxml element from a safely parsed file), by the user task's element id.
    A malformed form raises ProcessValidationError naming the task, the field and the line."""
    forms: dict[str, Form] = {}
    for form_data in process.iter(_camunda("formData")):
        extension = form_data.getparent()
        owner = extension.getparent() if extension is not None else None
        if (
            extension is None
            or etree.QName(extension).localname != "extensionElements"
            or owner is None
            or etree.QName(owner).namespace != BPMN_NS
            or etree.QName(owner).localname not in FORM_TASKS
        ):
            raise _refuse("form_data_misplaced", form_data)
        if owner.get("id") in forms:
            raise _refuse("form_data_twice", form_data, task=owner.get("id"))
        task_id = owner.get("id") or ""  # a task without an id is refused by the validation before
        forms[task_id] = _read_form(form_data, task_id)
    return forms


def _read_form(form_data: etree._Element, task_id: str) -> Form:
    fields: list[Field] = []
    for child in form_data:
        if not isinstance(child.tag, str):
            continue
        if child.tag != _camunda("formField"):
            raise _refuse("form_unexpected_element", child, task=task_id, name=etree.QName(child).localname)
        parsed = _read_field(child, task_id)
        if any(f.id == parsed.id for f in fields):
            raise _refuse("form_duplicate_field", child, task=task_id, id=repr(parsed.id))
        fields.append(parsed)
    if not fields:
        raise _refuse("form_without_fields", form_data, task=task_id)
    return Form(tuple(fields))


def _read_field(element: etree._Element, task_id: str) -> Field:
    spec: dict[str, Any]
    options: list[tuple[str, str]]
    field_id = (element.get("id") or "").strip()
    where = Message("form_field_place", task=task_id, field=field_id or Message("no_id"))
    if not field_id.isidentifier() or field_id.startswith("_") or keyword.iskeyword(field_id):
        raise _refuse("form_field_id_invalid", element, where=where)
    kind = (element.get("type") or "").strip()
    if kind not in TYPES:
        raise _refuse("form_field_type_unknown", element, where=where, type=repr(kind), allowed=list(TYPES))
    spec = {"id": field_id, "label": (element.get("label") or "").strip() or field_id, "type": kind}
    options = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == _camunda("value"):
            options.append(_read_option(child, where, kind, options))
        elif child.tag == _camunda("validation"):
            spec.update(_read_constraints(child, where, kind))
        elif child.tag != _camunda("properties"):
            raise _refuse("form_field_unexpected_element", child, where=where, name=etree.QName(child).localname)
    if kind == "enum" and not options:
        raise _refuse("form_enum_without_values", element, where=where)
    spec["options"] = tuple(options)
    for low, high in (("min", "max"), ("minlength", "maxlength")):
        if spec.get(low) is not None and spec.get(high) is not None and spec[low] > spec[high]:
            raise _refuse(
                "form_limits_reversed",
                element,
                where=where,
                low=low,
                low_value=spec[low],
                high=high,
                high_value=spec[high],
            )
    candidate = Field(**spec)
    if element.get("defaultValue") is not None:
        try:
            default = _convert(candidate, element.get("defaultValue"))
            _check_limits(candidate, default)
        except _FieldError as exc:
            raise _refuse(
                "form_default_invalid",
                element,
                where=where,
                value=repr(element.get("defaultValue")),
                detail=exc.args[0],
            ) from None
        candidate = Field(**{**spec, "default": default})
    return candidate


def _read_option(element: etree._Element, where: str, kind: str, options: list[tuple[str, str]]) -> tuple[str, str]:
    if kind != "enum":
        raise _refuse("form_value_outside_enum", element, where=where)
    value = (element.get("id") or "").strip()
    if not value:
        raise _refuse("form_value_without_id", element, where=where)
    if any(v == value for v, _ in options):
        raise _refuse("form_duplicate_value", element, where=where, value=repr(value))
    return value, (element.get("name") or "").strip() or value


def _read_constraints(validation: etree._Element, where: str, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for constraint in validation:
        if not isinstance(constraint.tag, str):
            continue
        if constraint.tag != _camunda("constraint"):
            raise _refuse(
                "form_validation_unexpected_element", constraint, where=where, name=etree.QName(constraint).localname
            )
        name = (constraint.get("name") or "").strip()
        config = (constraint.get("config") or "").strip()
        if name not in _CONSTRAINTS:
            raise _refuse(
                "form_constraint_unknown", constraint, where=where, name=repr(name), allowed=list(_CONSTRAINTS)
            )
        if kind not in _CONSTRAINTS[name]:
            raise _refuse("form_constraint_not_for_type", constraint, where=where, name=name, type=kind)
        if name in found:
            raise _refuse("form_constraint_twice", constraint, where=where, name=name)
        if name in ("required", "readonly"):
            if config:
                raise _refuse("form_constraint_without_config", constraint, where=where, name=name)
            found[name] = True
        elif kind == "date":
            try:
                found[name] = _dt.date.fromisoformat(config).isoformat()
            except ValueError:
                raise _refuse("form_constraint_date", constraint, where=where, name=name, config=repr(config)) from None
        else:
            if not re.fullmatch(r"-?\d{1,19}", config):
                raise _refuse("form_constraint_number", constraint, where=where, name=name, config=repr(config))
            found[name] = int(config)
            if name in ("minlength", "maxlength") and found[name] < 0:
                raise _refuse("form_constraint_negative", constraint, where=where, name=name)
    return found


# --- checking submitted data ----------------------------------------------------------------------------------


class _FieldError(ValueError):
    """One field's problem, in the words shown to the official."""


def validate(form: Form, submitted: object, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The submitted values converted to their field types, with defaults for absent fields.

    Keys that are not fields are refused, so a step writes only the data its form declares; a read-only field is
    never written and may only be sent back unchanged (``current`` holds the case's values). Every problem is
    reported at once: InvalidInput with ``fields`` = {field id: message}.
    """
    if not isinstance(submitted, dict):
        raise InvalidInput("not_an_object", field="data")
    current = current or {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in submitted:
        if key not in form.by_id:
            errors[str(key)] = Message("form_no_such_field")
    for spec in form.fields:
        try:
            value = _convert(spec, submitted.get(spec.id))
            if spec.readonly:
                if value is not None and value != current.get(spec.id):
                    raise _FieldError(Message("field_read_only"))
                continue
            if value is None:
                value = spec.default
            if value is None:
                if spec.required:
                    raise _FieldError(Message("field_required"))
                continue
            _check_limits(spec, value)
            cleaned[spec.id] = value
        except _FieldError as exc:
            errors[spec.id] = exc.args[0]
    if errors:
        labels = [form.by_id[k].label if k in form.by_id else k for k in errors]
        raise InvalidInput("form_invalid", fields=errors, labels=labels)
    return cleaned


def _convert(spec: Field, raw: object) -> Any:
    """The raw value as the field's type; None when absent or empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    return _CONVERTERS[spec.type](spec, raw)


def _to_string(spec: Field, raw: object) -> str:
    if not isinstance(raw, str):
        raise _FieldError(Message("field_not_text"))
    if len(raw) > MAX_STRING_CHARS:
        raise _FieldError(Message("field_too_many_characters", max=MAX_STRING_CHARS))
    return raw.strip()


def _to_long(spec: Field, raw: object) -> int:
    if isinstance(raw, bool):
        raise _FieldError(Message("field_not_whole_number"))
    if (
        isinstance(raw, float)
        and raw.is_integer()
        or isinstance(raw, str)
        and re.fullmatch(r"\s*[+-]?\d{1,19}\s*", raw)
    ):
        raw = int(raw)
    if not isinstance(raw, int):
        raise _FieldError(Message("field_not_whole_number"))
    if not LONG_RANGE[0] <= raw <= LONG_RANGE[1]:
        raise _FieldError(Message("field_number_out_of_range"))
    return raw


def _to_boolean(spec: Field, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return raw.strip().lower() in TRUE_WORDS
    raise _FieldError(Message("field_not_boolean"))


def _to_date(spec: Field, raw: object) -> str:
    if isinstance(raw, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", raw):
        try:
            return _dt.date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise _FieldError(Message("field_not_a_date"))


def _to_enum(spec: Field, raw: object) -> str:
    if isinstance(raw, str) and raw.strip() in {v for v, _ in spec.options}:
        return raw.strip()
    raise _FieldError(
        Message(
            "field_choose", options=[Message("field_option", label=label, value=value) for value, label in spec.options]
        )
    )


def _to_users(spec: Field, raw: object) -> list[str] | None:
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,，、;；]+", raw) if part]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise _FieldError(Message("field_not_accounts"))
    accounts = [item.strip() for item in raw if item.strip()]
    bad = [item for item in accounts if not ACCOUNT.match(item)]
    if bad:
        raise _FieldError(Message("field_accounts_malformed", accounts=bad[:5]))
    repeated = sorted({item for item in accounts if accounts.count(item) > 1})
    if repeated:
        raise _FieldError(Message("field_accounts_repeated", accounts=repeated[:5]))
    return accounts or None


_CONVERTERS: dict[str, Callable[[Field, Any], Any]]
_CONVERTERS = {
    "string": _to_string,
    "long": _to_long,
    "boolean": _to_boolean,
    "date": _to_date,
    "enum": _to_enum,
    "users": _to_users,
}


def _check_limits(spec: Field, value: Any) -> None:
    if spec.min is not None and value < spec.min:
        raise _FieldError(Message("field_before" if spec.type == "date" else "field_below", limit=spec.min))
    if spec.max is not None and value > spec.max:
        raise _FieldError(Message("field_after" if spec.type == "date" else "field_above", limit=spec.max))
    people = spec.type == "users"
    if spec.minlength is not None and len(value) < spec.minlength:
        raise _FieldError(Message("field_too_few_people" if people else "field_too_few_characters", min=spec.minlength))
    if spec.maxlength is not None and len(value) > spec.maxlength:
        raise _FieldError(
            Message("field_too_many_people" if people else "field_too_many_characters", max=spec.maxlength)
        )
