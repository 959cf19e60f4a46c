from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, InvalidInput, NotFound, PermissionDenied
from engine.identity import ADMIN, MONITOR, OFFICIAL, SUPERVISOR
from engine.kernel import empty_page

from ..messages import describe
from ..session import actor, engine, roles_required
from . import bp

HANDLERS = (ADMIN, SUPERVISOR, MONITOR, OFFICIAL)
STATUS = {
    "submitted": (_l("待受理"), "badge-blue"),
    "accepted": (_l("已受理"), "badge-blue"),
    "rejected": (_l("不予受理"), "badge-red"),
    "forwarded": (_l("已转部门办理"), "badge-yellow"),
    "answered": (_l("部门已答复"), "badge-green"),
    "closed": (_l("已办结"), ""),
}
LIMITS = {
    "feedback": _l("首次反馈（24小时内）"),
    "acceptance": _l("受理决定（5个工作日内）"),
    "result": _l("部门处理结果"),
}
DONE = {
    "feedback": _l("已反馈投诉人。"),
    "decision": _l("已作出受理决定。"),
    "forwarding": _l("已转交部门办理。"),
    "result": _l("处理结果已上报。"),
    "closure": _l("投诉已办结。"),
}


def _days(raw):
    if raw in (None, ""):
        return None
    if not raw.strip().isdigit():
        raise InvalidInput("working_days_not_a_number", field="days")
    return int(raw)


def _choice(raw, field):
    if raw not in ("yes", "no"):
        raise InvalidInput("choice_required", field=field)
    return raw == "yes"


OPERATIONS = {
    "feedback": lambda s, me, cid, f: s.complaints.give_feedback(cid, me, f.get("text")),
    "decision": lambda s, me, cid, f: s.complaints.decide(cid, me, _choice(f.get("accept"), "accept"), f.get("reason")),
    "forwarding": lambda s, me, cid, f: s.complaints.forward(
        cid, me, f.get("department"), f.get("note"), _days(f.get("days"))
    ),
    "result": lambda s, me, cid, f: s.complaints.report_result(
        cid, me, f.get("result"), _choice(f.get("upheld"), "upheld")
    ),
    "closure": lambda s, me, cid, f: s.complaints.close(cid, me, f.get("note")),
}


@bp.get("/")
@roles_required(*HANDLERS)
def index():
    filters = {name: request.args.get(name) or None for name in ("status", "department", "light")}
    try:
        departments = engine().complaints.departments_concerned(actor())
    except PermissionDenied:  # an official who heads no department
        departments = None
    complaints = (
        engine().complaints.page(actor(), page=request.args.get("page"), **filters)
        if departments is not None
        else empty_page()
    )
    return render_template(
        "complaints/index.html",
        complaints=complaints,
        filters=filters,
        handles=departments is not None,
        departments=departments or [],
        statuses=STATUS,
        status_options=[(code, label) for code, (label, _css) in STATUS.items()],
    )


@bp.get("/<int:complaint_id>")
@roles_required(*HANDLERS)
def detail(complaint_id):
    complaint = engine().complaints.get(complaint_id, actor())
    targets = engine().complaints.departments_for(actor()) if "forwarding" in complaint["operations"] else []
    return render_template(
        "complaints/detail.html",
        c=complaint,
        statuses=STATUS,
        limits=LIMITS,
        targets=targets,
        default_days=engine().settings.complaint_result_days,
    )


@bp.post("/<int:complaint_id>/<operation>")
@roles_required(*HANDLERS)
def operate(complaint_id, operation):
    if operation not in OPERATIONS:
        raise NotFound("operation_not_found", operation=operation)
    try:
        OPERATIONS[operation](engine(), actor(), complaint_id, request.form)
    except (NotFound, PermissionDenied):
        raise
    except EngineError as exc:
        flash(_("未办理：%(reason)s", reason=describe(exc)), "error")
    else:
        flash(str(DONE[operation]), "success")
    return redirect(url_for("complaints.detail", complaint_id=complaint_id))
