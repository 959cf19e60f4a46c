"""Chinese names for what the engine records in codes: trail events, decisions, pause kinds, outcomes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENTS = {
    "case_started": _l("提交申请"),
    "case_accepted": _l("受理，开始计时"),
    "case_ended": _l("办结"),
    "case_terminated": _l("终止办理"),
    "case_jumped": _l("监察跳转"),
    "clock_paused": _l("暂停计时"),
    "clock_resumed": _l("恢复计时"),
    "document_issued": _l("出具文书"),
    "licence_issued": _l("核发电子证照"),
    "licence_revoked": _l("撤销证照"),
    "light_changed": _l("亮灯变化"),
    "signer_added": _l("加签"),
    "signer_removed": _l("减签"),
    "supervision_flagged": _l("监察提示"),
    "task_acted_for": _l("AB岗代办"),
    "task_claimed": _l("签收"),
    "task_unclaimed": _l("退回签收"),
    "task_assigned": _l("分派"),
    "task_transferred": _l("转办"),
    "task_delegated": _l("委派"),
    "task_delegation_returned": _l("委派交回"),
    "task_urged": _l("催办"),
    "task_copied": _l("抄送"),
    "task_returned": _l("退回"),
    "task_withdrawn": _l("撤回"),
    "task_escalated": _l("超时升级"),
    "task_completed": _l("办理完成"),
    "task_skipped": _l("跳过"),
    "calendar_data_missing": _l("缺少工作日历数据"),
    "deadline_recounted": _l("期限按官方日历重新计算"),
    "case_migrated": _l("迁移到流程新版本"),
    "signal_raised": _l("产生纠错信号"),
    "signal_corrected": _l("纠正信号"),
    "signal_turned_red": _l("黄牌转红牌"),
    "fee_recorded": _l("记录收费"),
    "result_published": _l("公开办理结果"),
}
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
}
TASK_STATES = {
    "open": _l("待办"),
    "completed": _l("已完成"),
    "withdrawn": _l("已撤回"),
    "skipped": _l("已跳过"),
    "cancelled": _l("已取消"),
}
LIGHTS = {"red": _l("红灯"), "yellow": _l("黄灯"), "green": _l("绿灯"), "none": _l("正常"), "paused": _l("暂停")}
MATERIAL_KINDS = {"application": _l("申请"), "supplement": _l("补正"), "attachment": _l("附件")}
