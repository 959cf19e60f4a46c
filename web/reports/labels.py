"""Names of the evaluation's indicators and scoring items on the pages, and how values are shown."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

# (key, label, kind): kind "rate" shows a percentage.
INDICATORS = (
    ("online_service_rate", _l("网上办理率"), "rate"),
    ("online_completion_rate", _l("网上办结率"), "rate"),
    ("online_depth_1_rate", _l("网上深化率（一级）"), "rate"),
    ("online_depth_2_rate", _l("网上深化率（二级）"), "rate"),
    ("online_depth_3_rate", _l("网上深化率（三级）"), "rate"),
    ("on_time_rate", _l("按时办结率（法定时限）"), "rate"),
    ("within_promise_rate", _l("承诺时限内办结率"), "rate"),
    ("average_handling_days", _l("平均办理时间（工作日）"), "number"),
    ("overdue_count", _l("超期件数"), "number"),
    ("satisfaction_rate", _l("服务满意率"), "rate"),
    ("visits_per_case", _l("平均跑动次数"), "number"),
)
ITEMS = {
    "overdue_case": _l("超过法定时限的办件（每件）"),
    "yellow_signal": _l("黄牌纠错信号（每个）"),
    "red_signal": _l("红牌纠错信号（每个）"),
    "unpublished_result": _l("办结后未公开结果的办件（每件）"),
    "fee_signal": _l("收费纠错信号（每个，另扣）"),
    "uninspected_approval": _l("到期未做批后监督检查的许可（每件）"),
    "inspection": _l("完成的批后监督检查（每次）"),
    "late_data_report": _l("数据未按时报送的办件（每件）"),
    "overdue_supervision": _l("逾期未办结的督办事项（每项）"),
    "upheld_complaint": _l("查实的投诉（每件）"),
    "dissatisfied_rating": _l("不满意评价（1–2 星，每个）"),
    "satisfied_rating": _l("满意评价（4–5 星，每个）"),
    "late_task": _l("超过环节时限办结的任务（每件）"),
    "official_yellow_signal": _l("本人的黄牌纠错信号（每个）"),
    "official_red_signal": _l("本人的红牌纠错信号（每个）"),
    "completed_task": _l("按时办结的任务（每件）"),
    "manual_points": _l("监察人员录入的加减分"),
}
GENERAL = {"base": _l("基础分"), "max_addition": _l("加分上限"), "report_limit_hours": _l("数据报送时限（小时）")}
PROBLEMS = {
    "content_changed": _l("归档内容被改动"),
    "chain_broken": _l("摘要链断开"),
    "missing_or_replaced": _l("监察轨迹记录的归档已缺失或被替换"),
    "not_in_trail": _l("归档未记入监察轨迹"),
}
ACTIONS = {"read": _l("查看"), "export_pdf": _l("导出 PDF"), "export_xlsx": _l("导出 Excel")}


def shown(value, kind: str = "number") -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if kind == "rate" else f"{value:g}"


def chart_data(departments: list[dict]) -> str:
    """The ranking for the chart script, as a data attribute (no inline scripts)."""
    return json.dumps(
        {"names": [d["name"] for d in departments], "scores": [d["score"] for d in departments]}, ensure_ascii=False
    )


def template_globals() -> dict:
    return {"indicator_columns": INDICATORS, "item_labels": ITEMS, "shown": shown, "chart_data": chart_data}
