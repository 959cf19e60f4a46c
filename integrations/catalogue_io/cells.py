"""One Excel cell read as the column's kind of value; what cannot be read raises CellError with its reason."""

from __future__ import annotations

import datetime as dt

from engine.errors import Message

YES = {"是", "yes", "true", "y", "1"}
NO = {"否", "no", "false", "n", "0"}


class CellError(ValueError):
    pass


def read_cell(cell, kind: str):
    """The cell's value as text, lines, an integer or a yes/no; None when empty."""
    if cell is None or cell.value is None:
        return None
    if getattr(cell, "data_type", None) == "f":
        raise CellError(Message("cell_formula"))
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if kind == "int":
        return _integer(value)
    if kind == "bool":
        return _yes_no(value)
    text = _text(value)
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _integer(value) -> int:
    if isinstance(value, bool):
        raise CellError(Message("cell_not_whole_number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit() and value.isascii():
        return int(value)
    raise CellError(Message("cell_not_whole_number_value", value=_text(value)[:40]))


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(Message("cell_not_yes_no", value=text[:40]))
