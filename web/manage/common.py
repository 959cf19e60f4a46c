"""What the administration pages share: who may read or edit, and engine errors shown on forms."""

from __future__ import annotations

from flask import flash
from flask_login import current_user

from engine.errors import InvalidInput
from engine.identity import ADMIN, MONITOR

from ..messages import describe
from ..session import roles_required

readers = roles_required(ADMIN, MONITOR)  # 系统监管员 may read
editors = roles_required(ADMIN)


def can_edit() -> bool:
    return current_user.is_authenticated and current_user.has_role(ADMIN)


def show_errors(form, exc: InvalidInput, extra: dict | None = None) -> dict:
    """Put the engine's field errors on the form's fields; returns the errors no form field shows
    (``extra`` collects them for hand-made parts of a form), and flashes the summary."""
    errors = dict(exc.details.get("errors") or {})
    if not errors and exc.details.get("field"):
        errors[exc.details["field"]] = exc.message
    rest = {}
    for name, message in errors.items():
        field = getattr(form, name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, describe(message)]
        else:
            rest[name] = describe(message)
    if extra is not None:
        extra.update(rest)
    flash(describe(exc), "error")
    return rest


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def number(text: str | None):
    """An integer from a form field, or the text itself for the engine to refuse with a readable message."""
    text = (text or "").strip()
    try:
        return int(text)
    except ValueError:
        return text


def choices(pairs) -> list:
    """Select options from (value, label) pairs."""
    from wtforms.fields.choices import SelectChoice

    return [SelectChoice(str(value), label) for value, label in pairs]
