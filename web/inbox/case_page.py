"""The case page: facts, current steps, documents, the history as a timeline and the flow diagram; and the
case procedures of the responsible department (pause and resume the clock, terminate, issue documents)."""

from __future__ import annotations

from flask import Response, flash, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.casefiles import DOCUMENT_KINDS
from engine.errors import EngineError, NotFound
from engine.identity import OFFICIAL
from engine.runtime import PAUSE_KINDS, allowed_operations
from engine.violations import may_keep_fees

from ..downloads import material_response
from ..session import actor, engine, roles_required
from . import bp
from .labels import MATERIAL_KINDS
from .lists import STAFF
from .messages import readable
from .timeline import timeline


def case_context(case_id: int, me) -> dict:
    """What the case page and the task page show of a case."""
    shenpi = engine()
    case = shenpi.cases.get_case(case_id, me)
    steps = {s["element"]: s["name"] for s in shenpi.case_flow.steps(case_id, me)}
    trail = shenpi.history.case_trail(case_id, me)
    materials = shenpi.materials.list(case_id, me)
    people = (
        {e["actor"] for e in trail}
        | {m["uploaded_by"] for m in materials["materials"]}
        | {t["assignee"] for t in case["tasks"]}
        | {t["completed_by"] for t in case["history"]}
    )
    for entry in trail:
        detail = entry.get("detail") or {}
        people |= {
            detail.get("to"),
            detail.get("holder"),
            entry.get("to"),
            entry.get("from"),
            *detail.get("recipients", []),
        }
    names = shenpi.inbox.names(p for p in people if isinstance(p, str))
    *task_days, case_days = shenpi.inbox.days_left(
        *(_instant(t["due_at"]) for t in case["tasks"]), _instant(case["clock"]["promised_due_at"])
    )
    for task, days in zip(case["tasks"], task_days):
        task["remaining_days"] = days
    case_ops = allowed_operations(
        me,
        {"department": None, "post": None, "assignee": None, "owner": None, "state": "none", "completed_by": None},
        case,
    )
    return dict(
        case=case,
        names=names,
        steps=steps,
        events=timeline(trail, steps, names),
        documents=shenpi.documents.for_case(case_id, me),
        licence=_licence(shenpi, case, me),
        case_ops=case_ops,
        remaining=case_days,
        pause_kinds=PAUSE_KINDS,
        document_kinds=DOCUMENT_KINDS,
        case_materials=materials,
        material_kinds=MATERIAL_KINDS,
    )


def _licence(shenpi, case: dict, me) -> dict | None:
    """The licence an approved case received (number, validity), for the case page."""
    if case["outcome"] != "approved":
        return None
    try:
        return shenpi.documents.licence_of(case["id"], me)
    except NotFound:
        return None


def _instant(value):
    import datetime as _dt

    return _dt.datetime.fromisoformat(value) if value else None


@bp.get("/cases/<int:case_id>")
@roles_required(*STAFF)
def case(case_id):
    me = actor()
    context = case_context(case_id, me)
    try:
        signals = engine().violations.signals.list_signals(me, case_id=case_id)
    except EngineError:
        signals = []
    fees = engine().violations.fees.overview(case_id, me) if may_keep_fees(me, context["case"]["department"]) else None
    return render_template(
        "inbox/case.html",
        **context,
        case_signals=signals,
        fees=fees,
        may_correct=lambda s: s["status"] == "open" and s["color"] == "yellow" and me.heads(s["department"]),
        visits=engine().visits.of_case(case_id, me),
        inspections=engine().inspections.of_case(case_id, me) if context["case"]["outcome"] == "approved" else None,
        may_record_visit=me.is_admin or OFFICIAL in me.roles,
        supervises=engine().supervision.supervises(me, context["case"]["department"]),
    )


@bp.get("/cases/<int:case_id>/diagram")
@roles_required(*STAFF)
def case_diagram(case_id):
    """The case's deployed BPMN and the ids of its current and completed steps, for the diagram viewer."""
    return jsonify(engine().case_flow.diagram(case_id, actor()))


@bp.get("/documents/<int:document_id>/pdf")
@roles_required(*STAFF)
def document_pdf(document_id):
    number, pdf = engine().documents.render_pdf(document_id, actor())
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename=document-{document_id}.pdf"}
    )


@bp.get("/cases/<int:case_id>/licence.pdf")
@roles_required(*STAFF)
def licence_pdf(case_id):
    number, pdf = engine().documents.render_licence_pdf(case_id, actor())
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename=licence-{case_id}.pdf"}
    )


@bp.get("/materials/<int:material_id>")
@roles_required(*STAFF)
def material(material_id):
    """A case material as a download, for whoever may see its case."""
    return material_response(*engine().materials.open(material_id, actor()))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("；", "\n").replace(";", "\n").splitlines() if line.strip()]


CASE_OPERATIONS = {
    "pause": lambda s, me, case_id, f: s.case_clock.pause(
        case_id, f.get("kind"), f.get("reason"), me, _lines(f.get("missing")) if f.get("kind") == "supplement" else None
    ),
    "resume": lambda s, me, case_id, f: s.case_clock.resume(case_id, me, f.get("note")),
    "terminate": lambda s, me, case_id, f: s.cases.terminate(case_id, me, f.get("reason")),
    "issue_document": lambda s, me, case_id, f: s.documents.issue(
        case_id,
        f.get("kind"),
        me,
        f.get("reasons"),
        _lines(f.get("items")) if f.get("kind") == "supplement_notice" else None,
        f.get("reissue_reason"),
    ),
    "record_fee": lambda s, me, case_id, f: s.violations.fees.record(
        case_id, (f.get("item_other") or "").strip() or f.get("item"), (f.get("amount") or "").strip(), me
    ),
    "publish_result": lambda s, me, case_id, f: s.violations.fees.publish_result(case_id, me),
    "record_visit": lambda s, me, case_id, f: s.visits.record(case_id, me, f.get("purpose")),
    "record_inspection": lambda s, me, case_id, f: s.inspections.record(
        case_id, me, {"yes": True, "no": False}.get(f.get("compliant") or ""), f.get("finding")
    ),
}
CASE_DONE = {
    "pause": _l("已暂停计时。"),
    "resume": _l("已恢复计时。"),
    "terminate": _l("办件已终止。"),
    "issue_document": _l("文书已出具。"),
    "record_fee": _l("收费已登记。"),
    "publish_result": _l("办理结果已公开。"),
    "record_visit": _l("现场跑动已登记。"),
    "record_inspection": _l("批后监督检查已登记。"),
}


@bp.post("/cases/<int:case_id>/do/<operation>")
@roles_required(*STAFF)
def case_operation(case_id, operation):
    if operation not in CASE_OPERATIONS:
        raise NotFound("operation_not_found", operation=operation)
    me = actor()
    try:
        result = CASE_OPERATIONS[operation](engine(), me, case_id, request.form)
    except EngineError as exc:
        return _message_response("error", readable(exc, operation), exc.status)
    flash(str(CASE_DONE[operation]), "success")
    if isinstance(result, dict) and result.get("problem"):
        flash(_("该收费与事项目录不符，已产生红牌纠错信号：%(problem)s", problem=result["problem"]), "error")
    response = make_response("", 204 if not request.headers.get("HX-Request") else 200)
    target = request.form.get("next") or url_for("inbox.case", case_id=case_id)
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("inbox.case", case_id=case_id)
    response.headers["HX-Redirect" if request.headers.get("HX-Request") else "Location"] = target
    if not request.headers.get("HX-Request"):
        response.status_code = 303
    return response


def _message_response(category: str, message: str, status: int = 200):
    body = render_template("_message.html", category=category, message=message)
    if request.headers.get("HX-Request"):
        return body, status, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("error.html", status=status, title=_("操作未完成"), message=message), status
