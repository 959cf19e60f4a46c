"""The violation rules the engine knows (深府〔2007〕32号 Art. 11 yellow, Art. 12 red correction signals).

A rule is code (what it checks) plus configuration per level (engine/violations/rule_config.py: enabled, params). The
checks themselves run where the facts appear: engine/violations/hooks.py (transitions), engine/violations/sweep.py
(time-based), engine/runtime/case_clock.py (supplement notices) and engine/violations/fees.py (fees)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

YELLOW, RED = "yellow", "red"


@dataclass(frozen=True)
class Rule:
    name: str
    article: str  # "11" (yellow, corrected within 1 working day) or "12" (red at once)
    label: str
    description: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def color(self) -> str:
        return RED if self.article == "12" else YELLOW


RULES = {
    rule.name: rule
    for rule in (
        Rule(
            "decision_late", "11", "超期作出决定", "办件以准予或不予许可办结时已超过法定时限（暂停计时的时间已顺延）。"
        ),
        Rule(
            "refusal_without_reasons",
            "11",
            "不予受理或不予许可未说明理由",
            "办件以不予受理或不予许可办结后 days 个工作日内未出具载明理由的决定书（不予受理决定书或不予许可决定书）。",
            {"days": 1},
        ),
        Rule(
            "repeated_supplement_notice",
            "11",
            "未一次性告知补正材料",
            "同一办件第二次及以后的补正告知。guide_materials_only 为真时，只有再次要求办事指南所列材料才算"
            "（现场核查新发现的问题不算）。",
            {"guide_materials_only": True},
        ),
        Rule(
            "fee_mismatch",
            "12",
            "违规收费",
            "收费事项标注为免费、收费项目不在事项目录的收费清单内，或金额与收费标准不符（标准无法解析出金额时不比较金额）。",
        ),
        Rule(
            "unpublished_procedure",
            "12",
            "运行已停办事项或未公布的办理流程",
            "在事项停办之后启动的办件，或办件所用流程版本部署于事项最近一次发布之后（流程改变未经发布）。",
        ),
        Rule(
            "licence_not_issued",
            "11",
            "准予许可后未发放证照",
            "matter_types 所列类型的事项准予办结后 days 个工作日内没有发放电子证照。",
            {"days": 1, "matter_types": ["行政许可"]},
        ),
        Rule("result_not_published", "11", "办理结果未公开", "办件办结后 days 个工作日内未公开办理结果。", {"days": 1}),
        Rule(
            "forwarding_late",
            "11",
            "初审转报上级超时",
            "多级办理的流程中，一个单位的环节超过环节时限才完成，而下一环节属于另一单位（即逾期转报上一级）。",
        ),
        Rule(
            "reported_late", "11", "事实未及时报送", "报送的事实发生时间与报送时间相隔超过 days 个工作日。", {"days": 2}
        ),
        Rule(
            "intake_not_handled",
            "11",
            "逾期未作受理处理",
            "申请人提交申请后，窗口在受理时限（默认 5 个工作日，可按事项设置）内既未受理、不予受理，也未一次性告知补正，"
            "依《行政许可法》第三十二条自收到申请之日起即为受理。",
        ),
        Rule(
            "revocation_without_decision",
            "12",
            "擅自改变已生效的行政许可",
            "电子证照被撤销，而办件此前没有出具撤销或注销行政许可决定书。",
        ),
        Rule(
            "special_procedure_overrun",
            "11",
            "特殊程序超过时限",
            "kinds 所列特殊程序（现场勘查、专家评审即技术论证）的暂停计时超过 days 个工作日（郑州管城区：有关科室在2个工作日"
            "—20个工作日内完成）。",
            {"days": 20, "kinds": ["site_survey", "expert_review"]},
        ),
        Rule(
            "immediate_not_same_day",
            "11",
            "即办件未当日办结",
            "办理方式为即办件的事项，受理当日（北京时间）未办结（郑州管城区：即办件在受理窗口完成）。",
        ),
        Rule(
            "guide_incomplete",
            "11",
            "未按规定公示应当公示的材料",
            "办件启动时，事项的办事指南缺少 required 所列的公示内容（legal_basis 依据、conditions 条件、"
            "statutory_limit_days 办理时限；materials 材料目录可按层级加入——确无需提交材料的事项目录为空）。",
            {"required": ["legal_basis", "conditions", "statutory_limit_days"]},
        ),
        Rule(
            "refused_lawful_application",
            "11",
            "对符合法定条件的申请不予受理",
            "监察机关核实不予受理决定，认定申请符合法定条件（核实结论为违规）。",
        ),
        Rule(
            "denied_qualifying_application",
            "12",
            "对符合法定条件的申请不予许可",
            "监察机关核实不予许可决定，认定申请符合法定条件（核实结论为违规）。",
        ),
        Rule(
            "pledge_false",
            "12",
            "承诺不实仍准予许可",
            "告知承诺制：申请人以承诺代替的材料，准予许可后核查发现承诺不实——对不符合法定条件的申请准予了行政审批，"
            "应依法撤销或纠正（深府〔2007〕32号第十二条第（五）项）。",
        ),
        Rule(
            "pledge_check_overdue",
            "11",
            "告知承诺事后核查逾期",
            "准予许可后，以承诺代替材料的办件在事项规定的核查期限（pledge_check_days 个工作日，默认 20）内未记录核查结果"
            "（未履行对审批事项的监督检查职责，第八条第（四）项；第十一条第（十）项其他情节轻微的情形）。",
        ),
        Rule(
            "off_system",
            "12",
            "体外循环",
            "专网系统报送的办件有决定却没有受理记录，或发放的证照没有对应的准予许可办件（在系统之外办理）。",
        ),
    )
}


def rule(name: str) -> Rule:
    return RULES[name]


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def standard_amount(standard: object) -> float | None:
    """The amount in a fee standard such as "100元/件" or "每件 12.5 元"; None when it names no single number."""
    if isinstance(standard, (int, float)) and not isinstance(standard, bool):
        return float(standard)
    if not isinstance(standard, str):
        return None
    numbers = _NUMBER.findall(standard.replace(",", "").replace("，", ""))
    return float(numbers[0]) if len(numbers) == 1 else None


def fee_problem(entry: dict[str, Any], item: str, amount: float) -> str | None:
    """Why a fee differs from the catalogue (in Chinese), or None when it matches."""
    if entry.get("free"):
        return f"该事项免费办理，却收取“{item}”{amount:g}元"
    fees = {fee.get("item"): fee for fee in entry.get("fees") or []}
    if item not in fees:
        return f"收费项目“{item}”不在事项收费清单内"
    expected = standard_amount(fees[item].get("standard"))
    if expected is not None and abs(expected - float(amount)) > 0.005:
        return f"“{item}”收费{float(amount):g}元，与收费标准“{fees[item].get('standard')}”不符"
    return None
