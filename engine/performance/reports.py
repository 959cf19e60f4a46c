"""The monthly report as PDF (WeasyPrint, Noto CJK fonts) and as an Excel workbook (openpyxl)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import jinja2

from ..casefiles.documents import RenderingUnavailable
from .scoring import BY_KEY

INDICATORS = (
    ("online_service_rate", "网上办理率", "rate"),
    ("online_completion_rate", "网上办结率", "rate"),
    ("online_depth_1_rate", "网上深化率（一级）", "rate"),
    ("online_depth_2_rate", "网上深化率（二级）", "rate"),
    ("online_depth_3_rate", "网上深化率（三级）", "rate"),
    ("on_time_rate", "按时办结率（法定时限）", "rate"),
    ("within_promise_rate", "承诺时限内办结率", "rate"),
    ("average_handling_days", "平均办理时间（工作日）", "number"),
    ("overdue_count", "超期件数", "number"),
    ("satisfaction_rate", "服务满意率", "rate"),
    ("visits_per_case", "平均跑动次数", "number"),
)
OFFICIAL_COLUMNS = (("tasks_completed", "办结任务"), ("tasks_on_time", "按时办结"), ("on_time_rate", "按时率"))
_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)


def shown(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if kind == "rate" else f"{value:g}"


def _label(item: str) -> str:
    return BY_KEY[item].label if item in BY_KEY else "监察人员录入的加减分"


def _lines(row: dict[str, Any]) -> str:
    return "；".join(f"{_label(line['item'])} ×{line['count']} {line['points']:+g}" for line in row["lines"])


def pdf(evaluation: dict[str, Any]) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # WeasyPrint needs Pango from the system
        raise RenderingUnavailable("pdf_unavailable", detail=str(exc)) from None
    html = _templates.get_template("monthly_report.html").render(
        evaluation=evaluation, indicators=INDICATORS, official_columns=OFFICIAL_COLUMNS, shown=shown, lines=_lines
    )
    return HTML(string=html).write_pdf()


def xlsx(evaluation: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one (active) sheet
    sheet.title = "部门"
    sheet.append(["名次", "部门", "得分", *[label for _, label, _ in INDICATORS], "加减分"])
    for row in evaluation["departments"]:
        sheet.append(
            [
                row["rank"],
                row["name"],
                row["score"],
                *[row["indicators"].get(key) for key, _, _ in INDICATORS],
                _lines(row),
            ]
        )
    people = book.create_sheet("工作人员")
    people.append(["名次", "工作人员", "账号", "部门", "得分", *[label for _, label in OFFICIAL_COLUMNS], "加减分"])
    for row in evaluation["officials"]:
        people.append(
            [
                row["rank"],
                row["name"],
                row["id"],
                row["department"],
                row["score"],
                *[row.get(key) for key, _ in OFFICIAL_COLUMNS],
                _lines(row),
            ]
        )
    for worksheet in (sheet, people):
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
    info = book.create_sheet("说明")
    info.append(["月份", evaluation["month"]])
    info.append(["状态", "已归档" if evaluation.get("archived") else "实时计算（未归档）"])
    if evaluation.get("digest"):
        info.append(["摘要（SHA-256）", evaluation["digest"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
