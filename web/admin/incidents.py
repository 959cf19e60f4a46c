"""Incidents (故障事件): periodic work that failed for one case, with retry after the cause is fixed and resolution
with a note. Administrators only, like the rest of /admin; the engine does the work (engine/incidents)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError

from ..messages import describe, describe_stored
from ..session import actor, engine
from . import bp

STATES = [("open", _l("未处理")), ("resolved", _l("已处理")), ("all", _l("全部"))]
KIND_LABELS = {
    "timers": _l("到期定时器"),
    "connector_calls": _l("服务调用"),
    "case_lights": _l("办件红黄灯"),
    "task_lights": _l("环节红黄灯"),  # incidents of the job before steps were lit by their timers (0015_lights)
    "supervision_items": _l("督办事项"),
    "complaints": _l("投诉时限"),
    "complaint_feedback": _l("投诉首次反馈时限"),
    "verifications": _l("审批核实队列"),
    "signals": _l("纠错信号转红"),
    "rule:licence_not_issued": _l("规则：未发放电子证照"),
    "rule:result_not_published": _l("规则：未公开办理结果"),
    "rule:refusal_without_reasons": _l("规则：未出具载明理由的决定书"),
    "rule:unpublished_procedure": _l("规则：停办后启动"),
    "rule:special_procedure_overrun": _l("规则：特殊程序超过时限"),
    "rule:immediate_not_same_day": _l("规则：即办件未当日办结"),
    "rule:pledge_check_overdue": _l("规则：告知承诺事后核查逾期"),
    "notice_delivery": _l("通知送达"),
}


def _case_arg():
    raw = request.args.get("case", "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


@bp.get("/incidents")
def incidents():
    state = request.args.get("state", "open")
    try:
        found = engine().incidents.list(
            actor(),
            case_id=_case_arg(),
            kind=request.args.get("kind") or None,
            state=None if state == "all" else state,
            page=request.args.get("page"),
        )
    except EngineError as exc:  # a state or page that is not one: the list unfiltered, with the reason
        flash(describe(exc), "error")
        found = engine().incidents.list(actor(), state="open")
    for item in found["items"]:
        item["worded"] = describe_stored(item["reason"], item["params"])
    kinds = sorted({*found["kinds"], "notice_delivery"})
    return render_template(
        "admin/incidents.html",
        rows=found,
        args=request.args,
        state=state,
        states=STATES,
        kinds=kinds,
        kind_labels=KIND_LABELS,
        open_count=engine().incidents.open_count(),
    )


def _back():
    """Back to the list with its filters (only a path of this list: never another site)."""
    target = request.form.get("next") or ""
    if not target.startswith(url_for("admin.incidents")):
        target = url_for("admin.incidents")
    return redirect(target)


@bp.post("/incidents/<int:incident_id>/retry")
def incident_retry(incident_id):
    try:
        done = engine().incidents.retry(incident_id, actor())
    except EngineError as exc:
        flash(describe(exc), "error")
    else:
        if done["retry"] == "resolved":
            flash(_("重试成功，故障事件 #%(id)s 已处理", id=incident_id), "success")
        elif done["retry"] == "failed":
            flash(_("重试仍然失败：%(error)s", error=describe_stored(done["reason"], done["params"])), "error")
        else:
            flash(_("已安排在下一次运行时立即重试"), "success")
    return _back()


@bp.post("/incidents/<int:incident_id>/resolve")
def incident_resolve(incident_id):
    try:
        engine().incidents.resolve(incident_id, actor(), request.form.get("note"))
    except EngineError as exc:
        flash(describe(exc), "error")
    else:
        flash(_("故障事件 #%(id)s 已标记为已处理", id=incident_id), "success")
    return _back()
