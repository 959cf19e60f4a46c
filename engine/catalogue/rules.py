"""Rules an edited catalogue entry must meet, reported per field in Chinese so a form can show them all."""
from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{2,63}$")
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
MAX_LIMIT_DAYS = 365


def _text(value: object, limit: int) -> str | None:
    return value.strip() if isinstance(value, str) and 0 < len(value.strip()) <= limit else None


def _days(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LIMIT_DAYS else None


def check_entry(entry: dict[str, Any], types: Collection[str], handling: Collection[str]) -> dict[str, str]:
    """Field → message for every rule ``entry`` breaks; empty when it may be published."""
    errors: dict[str, str] = {}
    if not isinstance(entry.get("code"), str) or not CODE.match(entry["code"]):
        errors["code"] = "事项编码须为 3–64 位字母、数字、- 或 _"
    if not isinstance(entry.get("key"), str) or not KEY.match(entry["key"]):
        errors["key"] = "流程标识须为字母、数字或下划线"
    if _text(entry.get("name"), 200) is None:
        errors["name"] = "请填写事项名称（200 字以内）"
    if _text(entry.get("department"), 200) is None:
        errors["department"] = "请选择实施单位"
    if entry.get("type") not in types:
        errors["type"] = "请选择事项类型"
    if entry.get("handling") not in handling:
        errors["handling"] = "请选择办件类型"
    star = entry.get("star_level")
    if not isinstance(star, int) or isinstance(star, bool) or not 1 <= star <= 5:
        errors["star_level"] = "网上办理星级须为 1–5"
    statutory, promised = _days(entry.get("statutory_limit_days")), _days(entry.get("promised_limit_days"))
    if statutory is None:
        errors["statutory_limit_days"] = f"法定时限须为 0–{MAX_LIMIT_DAYS} 个工作日"
    if promised is None:
        errors["promised_limit_days"] = f"承诺时限须为 0–{MAX_LIMIT_DAYS} 个工作日"
    elif statutory is not None and promised > statutory:
        errors["promised_limit_days"] = "承诺时限不得超过法定时限"
    if entry.get("handling") == "即办件" and promised not in (None, 0, 1):
        errors.setdefault("promised_limit_days", "即办件的承诺时限不超过 1 个工作日")
    for name, label in (("legal_basis", "设定依据"), ("conditions", "受理条件")):
        lines = entry.get(name)
        if not isinstance(lines, list) or not lines or any(_text(line, 500) is None for line in lines):
            errors[name] = f"请逐行填写{label}（至少一行，每行 500 字以内）"
    errors.update(_materials_errors(entry.get("materials")))
    errors.update(_fees_errors(entry.get("fees", [])))
    return errors


def _materials_errors(materials: object) -> dict[str, str]:
    if not isinstance(materials, list) or not materials:
        return {"materials": "请至少列出一项申请材料"}
    for index, material in enumerate(materials, start=1):
        problem = material_problem(index, material)
        if problem:
            return {"materials": problem}
    return {}


def material_problem(index: int, material: object) -> str | None:
    """What is wrong with the ``index``-th (from 1) material of an entry, or None."""
    if not isinstance(material, dict) or _text(material.get("name"), 200) is None:
        return f"第 {index} 项材料缺少名称"
    copies = material.get("copies")
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 99:
        return f"第 {index} 项材料（{material['name']}）的份数须为 1–99"
    if not isinstance(material.get("required"), bool):
        return f"第 {index} 项材料须注明是否必需"
    return None


def _fees_errors(fees: object) -> dict[str, str]:
    if not isinstance(fees, list):
        return {"fees": "收费项目格式有误"}
    for index, fee in enumerate(fees, start=1):
        problem = fee_problem(index, fee)
        if problem:
            return {"fees": problem}
    return {}


def fee_problem(index: int, fee: object) -> str | None:
    """What is wrong with the ``index``-th (from 1) fee of an entry, or None: every fee needs its legal basis."""
    if not isinstance(fee, dict) or _text(fee.get("item"), 200) is None:
        return f"第 {index} 项收费缺少项目名称"
    if _text(fee.get("standard"), 200) is None:
        return f"收费项目“{fee['item']}”缺少收费标准（金额）"
    if _text(fee.get("basis"), 500) is None:
        return f"收费项目“{fee['item']}”没有收费依据，不得收费"
    return None
