"""Chinese names for what the engine records in codes: decisions, pause kinds, outcomes (trail events: web/trail_events.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DECISIONS = {
    "approve": _l("同意"),
    "accept": _l("受理"),
    "refuse": _l("不予受理"),
    "deny": _l("不同意（不予许可）"),
    "revise": _l("退回修改"),
}
DECISION_FIELDS = {"accept": _l("受理决定"), "approval": _l("审批决定"), "review": _l("审核意见")}
OUTCOMES = {
    "approved": _l("准予许可"),
    "denied": _l("不予许可"),
    "refused": _l("不予受理"),
    "terminated": _l("终止"),
    "completed": _l("办结"),
}
STATUSES = {"running": _l("办理中"), "ended": _l("已办结")}
PAUSE_KINDS = {
    "supplement": _l("补正材料（一次性告知）"),
    "hearing": _l("听证"),
    "expert_review": _l("专家评审"),
    "inspection": _l("检验检测"),
    "site_survey": _l("现场勘查"),
    "suspension": _l("中止"),
}
DOCUMENT_KINDS = {
    "acceptance_notice": _l("受理通知书"),
    "supplement_notice": _l("补正材料通知书（一次性告知单）"),
    "refusal_decision": _l("不予受理决定书"),
    "approval_decision": _l("准予行政许可决定书"),
    "denial_decision": _l("不予行政许可决定书"),
    "revocation_decision": _l("撤销行政许可决定书"),
    "cancellation_decision": _l("注销行政许可决定书"),
}
TASK_STATES = {
    "open": _l("待办"),
    "completed": _l("已完成"),
    "withdrawn": _l("已撤回"),
    "skipped": _l("已跳过"),
    "cancelled": _l("已取消"),
}
LIGHTS = {"red": _l("红灯"), "yellow": _l("黄灯"), "none": _l("正常"), "paused": _l("暂停")}
MATERIAL_KINDS = {"application": _l("申请"), "supplement": _l("补正"), "attachment": _l("附件")}
