"""Names of the items' statuses, kinds and conclusions, and the engine's refusals in words."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError

from ..messages import describe

STATUSES = {"open": _l("待督办"), "noticed": _l("已发督办通知"), "responded": _l("部门已答复"), "closed": _l("已办结")}
KINDS = {
    "overdue_step": _l("环节超期"),
    "repeated_supplement_notice": _l("重复补正告知"),
    "signal": _l("纠错信号"),
    "complaint": _l("投诉"),
    "light_notice": _l("红黄灯督办通知"),
    "overdue_case": _l("办件超过法定时限"),
}
CONCLUSIONS = {"substantiated": _l("属实"), "partly_substantiated": _l("部分属实"), "unsubstantiated": _l("不属实")}
DONE = {
    "notice": _l("督办通知已发送，部门负责人已收到。"),
    "response": _l("已答复，督办人已收到。"),
    "extension": _l("调查期限已延长 10 个工作日。"),
    "finding": _l("督办结论已记录，事项已办结。"),
    "case_notice": _l("督办通知已发送，部门负责人已收到。"),
    "case_signal": _l("纠错信号已发出，并已立项督办。"),
}

# (error code, field or None) → message; the most specific match wins.
_REFUSALS = {
    ("invalid_input", "text"): _l("请填写内容（不超过 4000 字）。"),
    ("invalid_input", "reason"): _l("延期须填写理由（不超过 4000 字）。"),
    ("invalid_input", "conclusion"): _l("请选择结论：属实、部分属实或不属实。"),
    ("forbidden", None): _l(
        "您无权办理此督办事项：督办、延期和结论由负责监察该部门的监察员作出，答复由该部门负责人作出。"
    ),
    ("not_found", None): _l("督办事项不存在。"),
}
_STATE_REFUSALS = {
    "supervision_already_extended": _l("调查期限已延长过一次，不能再次延期。"),
    "department_has_no_head": _l("该部门没有负责人，无法接收督办通知。"),
    "case_light_normal": _l("该办件未亮黄灯或红灯，不能一键发出督办通知。"),
    "case_already_noticed": _l("该办件已有未办结的督办通知。"),
}


def readable(exc: EngineError) -> str:
    field = exc.details.get("field")
    for key in ((exc.code, field), (exc.code, None)):
        if key in _REFUSALS:
            return str(_REFUSALS[key])
    if exc.code == "invalid_state":
        if exc.reason in _STATE_REFUSALS:
            return str(_STATE_REFUSALS[exc.reason])
        return _("当前状态不能进行此操作，请刷新页面查看事项的最新状态。")
    return describe(exc)
