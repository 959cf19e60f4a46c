"""The words for every kind of supervision-trail event the engine writes, for every page that shows events.

The engine records events as codes (``material_added``); a page shows ``event_label(code)`` — the staff's words —
or ``event_label(code, public=True)``, the applicant's words where they differ. ``tests/unit/test_trail_events.py``
finds every event code the engine can write in its source and checks that each has its words here, in Chinese and
in English (web/translations/en/LC_MESSAGES/messages.po). A code without words (a newer database read by an
older build) is shown as a neutral "other event", never as the raw code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENTS = {
    # a case and its clock
    "case_started": _l("提交申请"),
    "case_accepted": _l("受理，开始计时"),
    "case_ended": _l("办结"),
    "case_terminated": _l("终止办理"),
    "case_jumped": _l("监察跳转"),
    "clock_paused": _l("暂停计时"),
    "clock_resumed": _l("恢复计时"),
    "light_changed": _l("亮灯变化"),
    "case_due_today": _l("今日到期（绿色预警信号）"),
    "deadline_recounted": _l("期限按官方日历重新计算"),
    "case_migrated": _l("迁移到流程新版本"),
    "material_added": _l("提交材料"),
    "document_issued": _l("出具文书"),
    "licence_issued": _l("核发电子证照"),
    "licence_revoked": _l("撤销证照"),
    "service_rated": _l("服务评价"),
    "external_fact": _l("外部系统报送办理信息"),
    # its steps
    "task": _l("环节状态变化"),
    "task_completed": _l("办理完成"),
    "task_skipped": _l("跳过"),
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
    "signer_added": _l("加签"),
    "signer_removed": _l("减签"),
    # supervision, signals, fees, complaints
    "supervision_flagged": _l("监察提示"),
    "supervision_opened": _l("立项督办"),
    "supervision_noticed": _l("发出督办通知"),
    "supervision_responded": _l("部门答复"),
    "supervision_extended": _l("延长调查期限"),
    "supervision_closed": _l("作出督办结论"),
    "supervision_escalated": _l("超期升级督办"),
    "signal_raised": _l("产生纠错信号"),
    "signal_corrected": _l("纠正信号"),
    "signal_turned_red": _l("黄牌转红牌"),
    "signal_closed": _l("纠错信号办结"),
    "fee_recorded": _l("记录收费"),
    "result_published": _l("公开办理结果"),
    "enquiry_recorded": _l("记录首问咨询"),
    "pledge_signed": _l("签署告知承诺"),
    "pledge_checked": _l("核查告知承诺"),
    "form_file_uploaded": _l("上传事项表格"),
    "form_file_removed": _l("删除事项表格"),
    "complaint_filed": _l("提出投诉"),
    "complaint_feedback": _l("投诉初步反馈"),
    "complaint_feedback_overdue": _l("部门超过24小时未首次反馈"),
    "verification_queued": _l("列入审批核实"),
    "verification_closed": _l("审批核实结论"),
    "complaint_accepted": _l("投诉受理"),
    "complaint_rejected": _l("投诉不予受理"),
    "complaint_forwarded": _l("投诉转部门办理"),
    "complaint_answered": _l("部门答复投诉"),
    "complaint_closed": _l("投诉办结"),
    "complaint_light_changed": _l("投诉亮灯变化"),
    # the system chain: catalogue, processes, units, accounts, settings
    "process_deployed": _l("部署流程"),
    "connector_called": _l("调用外部服务"),
    "connector_failed": _l("调用外部服务失败"),
    "message_received": _l("收到消息"),
    "event_uncaught": _l("未被捕获的错误或升级事件"),
    "matter_published": _l("发布事项"),
    "matter_withdrawn": _l("停办事项"),
    "catalogue_imported": _l("导入事项目录"),
    "calendar_changed": _l("修改工作日历"),
    "calendar_imported": _l("导入工作日历"),
    "department_created": _l("新建单位"),
    "department_renamed": _l("单位更名"),
    "department_moved": _l("调整上级单位"),
    "department_level": _l("调整单位层级"),
    "department_deactivated": _l("停用单位"),
    "department_reactivated": _l("恢复单位"),
    "user_created": _l("新建账号"),
    "user_updated": _l("修改账号"),
    "user_deactivated": _l("停用账号"),
    "user_reactivated": _l("恢复账号"),
    "applicant_registered": _l("申请人注册"),
    "password_set": _l("设置密码"),
    "absence_set": _l("设置外出（AB岗）"),
    "violation_rule_configured": _l("配置纠错规则"),
    "performance_settings_changed": _l("修改测评标准（新版本）"),
    "manual_points_recorded": _l("录入每日加减分"),
    "onsite_visit_recorded": _l("登记现场跑动"),
    "inspection_recorded": _l("登记批后监督检查"),
    "evaluation_archived": _l("归档月度测评"),
    "exchange_batch_imported": _l("导入数据交换批次"),
    "upward_retried": _l("重新上报"),
    # incidents: periodic work that failed on one case
    "incident_opened": _l("定时处理出错，登记异常"),
    "incident_closed": _l("异常消除（重试成功）"),
    "incident_retried": _l("管理员重试异常"),
    "incident_resolved": _l("管理员处理异常"),
}

# Where the applicant reads other words than the staff (the public case page's timeline).
PUBLIC_EVENTS = {
    "case_accepted": _l("已受理"),
    "clock_resumed": _l("恢复办理"),
    "document_issued": _l("发出文书"),
    "licence_revoked": _l("电子证照已撤销"),
    "service_rated": _l("已评价"),
    "material_added": _l("提交材料"),
}

OTHER = _l("其他记录")


def event_label(code: str | None, public: bool = False) -> str:
    """The words for an event code in the page's language; never the code itself."""
    if public and code in PUBLIC_EVENTS:
        return str(PUBLIC_EVENTS[code])
    return str(EVENTS.get(code or "", OTHER))


def register_event_labels(app) -> None:
    app.jinja_env.globals["event_label"] = event_label
