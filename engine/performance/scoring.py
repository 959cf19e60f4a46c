"""The scoring standard (测评标准, seed 002 Art. 18): a base score with deductions and additions per item of
Art. 17, configurable by supervisors.

Every item counts occurrences in the month and multiplies them by its points (negative: a deduction, positive: an
addition). Additions together are capped by ``max_addition``; a score never falls below 0. Department items and
official items are listed separately; an official's score uses the same base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    article: str  # the Art. 17 item it measures
    default: float
    scope: str  # department or official


ITEMS = (
    Item("overdue_case", "超过法定时限的办件（每件）", "17(1)", -1.0, "department"),
    Item("yellow_signal", "黄牌纠错信号（每个）", "17(1)", -1.0, "department"),
    Item("red_signal", "红牌纠错信号（每个）", "17(7)", -2.0, "department"),
    Item("unpublished_result", "办结后未公开结果的办件（每件）", "17(2)", 0.0, "department"),
    Item("fee_signal", "收费纠错信号（每个，另扣）", "17(3)", -1.0, "department"),
    Item("uninspected_approval", "到期未做批后监督检查的许可（每件）", "17(4)", -1.0, "department"),
    Item("inspection", "完成的批后监督检查（每次）", "17(4)", 0.1, "department"),
    Item("late_data_report", "数据未按时报送的办件（每件）", "17(5)", -0.5, "department"),
    Item("overdue_supervision", "逾期未办结的督办事项（每项）", "17(7)", -1.0, "department"),
    Item("upheld_complaint", "查实的投诉（每件）", "17(6)", -3.0, "department"),
    Item("dissatisfied_rating", "不满意评价（1–2 星，每个）", "17(8)", -0.5, "department"),
    Item("satisfied_rating", "满意评价（4–5 星，每个）", "17(8)", 0.1, "department"),
    Item("late_task", "超过环节时限办结的任务（每件）", "17(1)", -1.0, "official"),
    Item("official_yellow_signal", "本人的黄牌纠错信号（每个）", "17(1)", -1.0, "official"),
    Item("official_red_signal", "本人的红牌纠错信号（每个）", "17(7)", -2.0, "official"),
    Item("completed_task", "按时办结的任务（每件）", "17(1)", 0.0, "official"),
)
BY_KEY = {item.key: item for item in ITEMS}
GENERAL = {
    "base": ("基础分", 100.0, 0.0, 1000.0),
    "max_addition": ("加分上限", 10.0, 0.0, 100.0),
    "report_limit_hours": ("数据报送时限（小时）", 24.0, 1.0, 720.0),  # Art. 17(5): later than this is late
}
MANUAL = "manual_points"  # the line of a supervisor's manual daily points (not an item: points as given)
LIMIT = 100.0


def defaults() -> dict[str, float]:
    return {**{key: spec[1] for key, spec in GENERAL.items()}, **{item.key: item.default for item in ITEMS}}


def validate(changes: object) -> dict[str, float]:
    """Check proposed settings: known keys, numbers in range, deductions ≤ 0 and additions ≥ 0."""
    clean: dict[str, float]
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput("settings_not_an_object", field="settings")
    clean = {}
    for key, value in changes.items():
        if key not in GENERAL and key not in BY_KEY:
            raise InvalidInput("setting_unknown", field=str(key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise InvalidInput("not_a_number", field=key)
        value = float(value)
        if key in GENERAL:
            low, high = GENERAL[key][2], GENERAL[key][3]
        elif BY_KEY[key].default < 0:
            low, high = -LIMIT, 0.0
        elif BY_KEY[key].default > 0:
            low, high = 0.0, LIMIT
        else:
            low, high = -LIMIT, LIMIT
        if not low <= value <= high:
            raise InvalidInput("number_out_of_range", field=key, low=f"{low:g}", high=f"{high:g}")
        clean[key] = round(value, 4)
    return clean


def score(
    counts: dict[str, int], settings: dict[str, float], scope: str, manual: dict[str, float] | None = None
) -> tuple[float, list[dict[str, Any]]]:
    """The score and the itemised additions and deductions (only items that changed it); an official's manual
    points (``{"plus", "minus"}``) count as given, additions within the same cap."""
    lines: list[dict[str, Any]] = []
    additions, deductions = 0.0, 0.0
    for sign in ("plus", "minus"):
        points = (manual or {}).get(sign) or 0.0
        if points:
            lines.append({"item": MANUAL, "count": 1, "points": round(points, 4)})
            additions, deductions = (additions + points, deductions) if points > 0 else (additions, deductions + points)
    for item in ITEMS:
        if item.scope != scope:
            continue
        count = counts.get(item.key, 0) or 0
        points = settings[item.key] * count
        if not count or not points:
            continue
        lines.append({"item": item.key, "count": count, "points": round(points, 4)})
        if points > 0:
            additions += points
        else:
            deductions += points
    total = settings["base"] + min(additions, settings["max_addition"]) + deductions
    return round(max(total, 0.0), 2), lines


def rank(rows: list[dict[str, Any]], tiebreak: str | None = None) -> list[dict[str, Any]]:
    """Sort by score (then ``tiebreak`` descending, then name) and number the places; equal scores share a place."""
    rows = sorted(rows, key=lambda r: (-r["score"], -(r.get(tiebreak) or 0) if tiebreak else 0, r["name"]))
    place = 0
    for position, row in enumerate(rows, 1):
        if position == 1 or row["score"] != rows[position - 2]["score"]:
            place = position
        row["rank"] = place
    return rows
