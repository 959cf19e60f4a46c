"""The catalogue file's fields: the English key (the JSON key), the Chinese column header of the Excel sheets, and
the kind of value. One list for both formats, so that they always carry the same fields."""

from __future__ import annotations

from dataclasses import dataclass

FORMAT_NAME = "shenpi-catalogue"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | lines (one per line) | int | bool | readonly (exported, not imported)
    required: bool = True  # the Excel sheet must have this column


MATTER_SHEET = "事项"
MATERIAL_SHEET = "申请材料"
FEE_SHEET = "收费项目"
GUIDE_SHEET = "说明"

MATTER_COLUMNS = (
    Column("code", "事项编码"),
    Column("key", "流程标识"),
    Column("name", "事项名称"),
    Column("department", "实施单位"),
    Column("type", "事项类型"),
    Column("summary", "事项概述", required=False),
    Column("legal_basis", "设定依据（每行一条）", "lines"),
    Column("conditions", "受理条件（每行一条）", "lines"),
    Column("statutory_limit_days", "法定时限（工作日）", "int"),
    Column("promised_limit_days", "承诺时限（工作日）", "int"),
    Column("handling", "办件类型"),
    Column("star_level", "网上办理星级", "int"),
    Column("online_depth", "网上办理深度", "int", required=False),
    Column("free", "是否免费", "bool", required=False),
    Column("process_file", "流程文件（只读）", "readonly", required=False),
    # post-approval duties (last, so sheets made before them keep their column order): empty is none / the default
    Column("inspection_days", "批后监督检查期限（自然日）", "int", required=False),
    Column("pledge_check_days", "承诺核查期限（工作日）", "int", required=False),
)
MATERIAL_COLUMNS = (
    Column("code", "事项编码"),
    Column("name", "材料名称"),
    Column("form", "材料形式", required=False),
    Column("copies", "份数", "int"),
    Column("required", "是否必需", "bool"),
    Column("note", "备注", required=False),
    Column("pledge", "可告知承诺", "bool", required=False),  # 告知承诺制: a signed pledge may replace it
)
FEE_COLUMNS = (
    Column("code", "事项编码"),
    Column("item", "收费项目"),
    Column("standard", "收费标准"),
    Column("basis", "收费依据"),
)
SHEETS = {MATTER_SHEET: MATTER_COLUMNS, MATERIAL_SHEET: MATERIAL_COLUMNS, FEE_SHEET: FEE_COLUMNS}

MATTER_KEYS = {c.key for c in MATTER_COLUMNS} | {"materials", "fees"}
MATERIAL_KEYS = {c.key for c in MATERIAL_COLUMNS} - {"code"}
FEE_KEYS = {c.key for c in FEE_COLUMNS} - {"code"}

MEANINGS = {
    "code": "事项编码（唯一）",
    "key": "已部署流程的标识（BPMN process id）",
    "name": "事项名称",
    "department": "实施单位（须为在用单位的名称）",
    "type": "事项类型，如 行政许可",
    "summary": "事项概述（可空）",
    "legal_basis": "设定依据，每行一条",
    "conditions": "受理条件，每行一条",
    "statutory_limit_days": "法定时限，0–365 个工作日",
    "promised_limit_days": "承诺时限，不超过法定时限",
    "handling": "即办件 / 承诺件 / 上报件 / 联办件",
    "star_level": "网上办理星级 1–5",
    "online_depth": "网上办理深度 1–3（可空）",
    "inspection_days": "准予许可后须记录一次监督检查的期限，1–365 个自然日（可空：不设批后检查）",
    "pledge_check_days": "告知承诺的事后核查期限，1–365 个工作日（可空：20 个工作日）",
    "free": "是 / 否；与收费项目一致",
    "process_file": "导出时填写，导入时不读",
    "copies": "份数 1–99",
    "required": "是 / 否",
    "form": "原件、复印件等",
    "note": "备注（可空）",
    "item": "收费项目名称",
    "standard": "收费标准（金额）",
    "basis": "收费依据（必填，无依据不得收费）",
}
