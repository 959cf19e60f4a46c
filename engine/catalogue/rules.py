"""Rules an edited catalogue entry must meet, reported per field (as messages) so a form can show them all."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ..errors import Message

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{2,63}$")
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
MAX_LIMIT_DAYS = 365


def _text(value: object, limit: int) -> str | None:
    return value.strip() if isinstance(value, str) and 0 < len(value.strip()) <= limit else None


def _days(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LIMIT_DAYS else None


def _duty_days(value: object) -> bool:
    """Whether a post-approval period is empty or 1–MAX_LIMIT_DAYS days."""
    return value in (None, "") or bool(_days(value))


def check_entry(entry: dict[str, Any], types: Collection[str], handling: Collection[str]) -> dict[str, str]:
    """Field → message for every rule ``entry`` breaks; empty when it may be published."""
    errors: dict[str, str] = {}
    if not isinstance(entry.get("code"), str) or not CODE.match(entry["code"]):
        errors["code"] = Message("matter_code_format")
    if not isinstance(entry.get("key"), str) or not KEY.match(entry["key"]):
        errors["key"] = Message("process_key_format")
    if _text(entry.get("name"), 200) is None:
        errors["name"] = Message("matter_name_required")
    if _text(entry.get("department"), 200) is None:
        errors["department"] = Message("matter_department_required")
    if entry.get("type") not in types:
        errors["type"] = Message("matter_type_required")
    if entry.get("handling") not in handling:
        errors["handling"] = Message("matter_handling_required")
    star = entry.get("star_level")
    if not isinstance(star, int) or isinstance(star, bool) or not 1 <= star <= 5:
        errors["star_level"] = Message("star_level_range")
    statutory, promised = _days(entry.get("statutory_limit_days")), _days(entry.get("promised_limit_days"))
    if statutory is None:
        errors["statutory_limit_days"] = Message("statutory_limit_range", max=MAX_LIMIT_DAYS)
    if promised is None:
        errors["promised_limit_days"] = Message("promised_limit_range", max=MAX_LIMIT_DAYS)
    elif statutory is not None and promised > statutory:
        errors["promised_limit_days"] = Message("promised_over_statutory")
    if entry.get("handling") == "即办件" and promised not in (None, 0, 1):
        errors.setdefault("promised_limit_days", Message("immediate_limit"))
    for name, message in (("legal_basis", Message("legal_basis_lines")), ("conditions", Message("conditions_lines"))):
        lines = entry.get(name)
        if not isinstance(lines, list) or not lines or any(_text(line, 500) is None for line in lines):
            errors[name] = message
    # post-approval duties: empty is none (no inspection duty; the default pledge check period)
    if not _duty_days(entry.get("inspection_days")):
        errors["inspection_days"] = Message("inspection_days_range", max=MAX_LIMIT_DAYS)
    if not _duty_days(entry.get("pledge_check_days")):
        errors["pledge_check_days"] = Message("pledge_check_days_range", max=MAX_LIMIT_DAYS)
    errors.update(_materials_errors(entry.get("materials")))
    errors.update(_fees_errors(entry.get("fees", [])))
    return errors


def _materials_errors(materials: object) -> dict[str, str]:
    if not isinstance(materials, list) or not materials:
        return {"materials": Message("materials_required")}
    for index, material in enumerate(materials, start=1):
        problem = material_problem(index, material)
        if problem:
            return {"materials": problem}
    return {}


def material_problem(index: int, material: object) -> str | None:
    """What is wrong with the ``index``-th (from 1) material of an entry, or None."""
    if not isinstance(material, dict) or _text(material.get("name"), 200) is None:
        return Message("material_name_missing", index=index)
    copies = material.get("copies")
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 99:
        return Message("material_copies_range", index=index, name=material["name"])
    if not isinstance(material.get("required"), bool):
        return Message("material_required_flag", index=index)
    if not isinstance(material.get("pledge", False), bool):  # 告知承诺制: a pledge may stand in for it
        return Message("material_pledge_flag", index=index)
    return None


def _fees_errors(fees: object) -> dict[str, str]:
    if not isinstance(fees, list):
        return {"fees": Message("fees_format")}
    for index, fee in enumerate(fees, start=1):
        problem = fee_problem(index, fee)
        if problem:
            return {"fees": problem}
    return {}


def fee_problem(index: int, fee: object) -> str | None:
    """What is wrong with the ``index``-th (from 1) fee of an entry, or None: every fee needs its legal basis."""
    if not isinstance(fee, dict) or _text(fee.get("item"), 200) is None:
        return Message("fee_item_missing", index=index)
    if _text(fee.get("standard"), 200) is None:
        return Message("fee_standard_missing", item=fee["item"])
    if _text(fee.get("basis"), 500) is None:
        return Message("fee_basis_missing", item=fee["item"])
    return None
