"""The engine's refusals in the clerk's words: known refusals get a sentence for the operation, others are the
engine's message in the page's language (web/messages.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engine.errors import EngineError

from ..messages import describe

# (operation or "*", error code, field or None) → message; the most specific match wins.
_KNOWN = {
    ("*", "invalid_input", "reason"): _l("请填写理由。"),
    ("*", "invalid_input", "to"): _l("请选择本部门、本岗位的在岗人员。"),
    ("*", "invalid_input", "opinion"): _l("不予受理或不予许可的，必须在办理意见中说明理由。"),
    ("*", "invalid_input", "target"): _l("无法转到所选环节：该环节不是本办件已经过的环节，或流程无法到达。"),
    ("*", "invalid_input", "missing"): _l("补正告知须一次性列明全部需补正的材料（每行一项）。"),
    ("*", "invalid_input", "items"): _l("请逐行列明需补正的全部材料。"),
    ("*", "invalid_input", "reasons"): _l("此类决定书必须写明理由。"),
    ("*", "invalid_input", "kind"): _l("请选择类型。"),
    ("*", "invalid_input", "recipients"): _l("请至少选择一名抄送人。"),
    ("*", "invalid_input", "signer"): _l("请填写要加签的人员账号（不能是已在会签中的人员）。"),
    ("urge", "conflict", None): _l("今天您已催办过此任务，每人每天限催办一次。"),
    ("claim", "conflict", None): _l("该任务已被他人签收。"),
    ("withdraw", "conflict", None): _l("无法撤回：下一环节已开始办理或已完成。"),
    ("withdraw", "forbidden", None): _l("只能撤回本人刚办理完成的环节。"),
    ("jump", "forbidden", None): _l("只有负责监察该部门的电子监察员可以跳转环节。"),
    ("delegate", "conflict", None): _l("该任务已委派，请等待交回。"),
    ("pause", "invalid_state", None): _l("当前状态不能暂停计时（未受理、已暂停或已办结）。"),
    ("resume", "invalid_state", None): _l("计时未暂停。"),
    ("record_fee", "invalid_input", "amount"): _l("请填写收费金额：大于零的数字，单位为元，最多两位小数。"),
    ("record_fee", "invalid_input", "item"): _l("请选择收费项目，或填写其他收费项目的名称（不超过200字）。"),
    ("record_fee", "forbidden", None): _l("只有承办部门的工作人员可以登记收费。"),
    ("publish_result", "invalid_state", "status"): _l("办件尚未办结，办结后才能公开办理结果。"),
    ("publish_result", "invalid_state", "result_published_at"): _l("该办件的办理结果已经公开，不能重复公开。"),
    ("publish_result", "forbidden", None): _l("只有承办部门的工作人员可以公开办理结果。"),
    ("*", "forbidden", None): _l("您无权进行此操作。"),
    ("*", "conflict", None): _l("操作冲突：任务已被他人处理，请刷新页面后重试。"),
}


def readable(exc: EngineError, operation: str = "*") -> str:
    field = exc.details.get("field")
    for key in (
        (operation, exc.code, field),
        ("*", exc.code, field),
        (operation, exc.code, None),
        ("*", exc.code, None),
    ):
        if key in _KNOWN:
            return str(_KNOWN[key])
    return describe(exc)
