"""The 督办 pages. Every rule (who may see or do what, in which state) is the engine's; these views only show."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, NotFound
from engine.identity import ADMIN, HEAD_POST, MONITOR, OFFICIAL, SUPERVISOR
from engine.kernel import empty_page

from ..messages import describe
from ..session import actor, engine, roles_required
from . import bp
from .labels import CONCLUSIONS, DONE, KINDS, STATUSES, readable

WATCHERS = (SUPERVISOR, MONITOR, ADMIN)
STAFF = (OFFICIAL, SUPERVISOR, MONITOR, ADMIN)
STEPS = {
    "notice": lambda s, me, i, f: s.supervision.send_notice(i, me, f.get("text")),
    "response": lambda s, me, i, f: s.supervision.respond(i, me, f.get("text")),
    "extension": lambda s, me, i, f: s.supervision.extend(i, me, f.get("reason")),
    "finding": lambda s, me, i, f: s.supervision.record_finding(i, me, f.get("text"), f.get("conclusion")),
}
LABELS = dict(statuses=STATUSES, kinds=KINDS, conclusions=CONCLUSIONS)
# what a supervisor does on a case of their units from its page or the cockpit (issue 16 §3)
CASE_ACTIONS = {
    "case_notice": lambda s, me, case_id, f: s.supervision.notice_case(case_id, me, f.get("text") or None),
    "case_signal": lambda s, me, case_id, f: s.violations.manual.raise_signal(
        me, case_id, f.get("article"), f.get("reason")
    ),
}


@bp.get("/")
@roles_required(*WATCHERS)
def index():
    me = actor()
    filters = {key: request.args.get(key) or None for key in ("status", "light", "department", "kind")}
    try:
        items = engine().supervision.page(me, page=request.args.get("page"), **filters)
    except EngineError as exc:
        flash(readable(exc), "error")
        items = empty_page()
    options = engine().supervision.filter_options(me)
    kind_options = [(kind, KINDS.get(kind, kind)) for kind in options["kinds"]]
    return render_template(
        "supervision/index.html", items=items, filters=filters, options=options, kind_options=kind_options, **LABELS
    )


@bp.get("/department")
@roles_required(OFFICIAL)
def department():
    me = actor()
    if HEAD_POST not in me.posts:
        abort(403, description=_("只有部门负责人可以查看本部门的督办事项"))
    closed = request.args.get("closed") == "1"
    items = engine().supervision.for_department_head(me, include_closed=closed, page=request.args.get("page"))
    return render_template("supervision/department.html", items=items, closed=closed, **LABELS)


@bp.get("/items/<int:item_id>")
@roles_required(*STAFF)
def item(item_id):
    return _item_page(item_id)


@bp.post("/items/<int:item_id>/<step>")
@roles_required(*STAFF)
def step(item_id, step):
    if step not in STEPS:
        raise NotFound("operation_not_found", operation=step)
    try:
        STEPS[step](engine(), actor(), item_id, request.form)
    except EngineError as exc:
        if exc.code in ("not_found",):
            raise
        return _item_page(item_id, error=readable(exc), values=request.form, status=exc.status)
    flash(str(DONE[step]), "success")
    return redirect(url_for("supervision.item", item_id=item_id), 303)


@bp.post("/cases/<int:case_id>/<action>")
@roles_required(*WATCHERS)
def case_action(case_id, action):
    """The one-click 督办通知 on a yellow or red case, or a signal raised by hand; back to the page it came from."""
    if action not in CASE_ACTIONS:
        raise NotFound("operation_not_found", operation=action)
    try:
        CASE_ACTIONS[action](engine(), actor(), case_id, request.form)
    except EngineError as exc:
        if exc.code in ("not_found", "forbidden"):
            raise
        flash(readable(exc) if exc.code == "invalid_state" else describe(exc), "error")
    else:
        flash(str(DONE[action]), "success")
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("inbox.case", case_id=case_id)
    return redirect(target, 303)


def _item_page(item_id, error=None, values=None, status=200):
    me = actor()
    view = engine().supervision.get(item_id, me)
    names = engine().inbox.names(
        {view["notice_by"], view["responded_by"], view["finding_by"], *(e["actor"] for e in view["timeline"])} - {None}
    )
    return render_template(
        "supervision/item.html", item=view, names=names, error=error, values=values or {}, **LABELS
    ), status


VERIFICATION_STATUSES = {"open": _l("待核实"), "closed": _l("已核实")}
VERIFICATION_KINDS = {
    "refusal": _l("不予受理"),
    "denial": _l("不予许可"),
    "supplement": _l("补正告知"),
    "appeal": _l("行政复议或诉讼"),
    "revocation": _l("行政许可被撤销"),
}
VERIFICATION_CONCLUSIONS = {"compliant": _l("未发现违规"), "violation": _l("存在违规")}


@bp.get("/verifications")
@roles_required(*WATCHERS)
def verifications():
    """The Art. 9 queue (核实): what the supervisor verifies in their units, each closed with a finding."""
    return _verifications_page()


@bp.post("/verifications/<int:verification_id>/finding")
@roles_required(*WATCHERS)
def verification_finding(verification_id):
    form = request.form
    try:
        engine().violations.verifications.close(verification_id, actor(), form.get("finding"), form.get("conclusion"))
    except EngineError as exc:
        if exc.code == "not_found":
            raise
        return _verifications_page(error=readable(exc), status=exc.status)
    flash(_("核实结论已记录。"), "success")
    return redirect(url_for("supervision.verifications"), 303)


def _verifications_page(error=None, status=200):
    filters = {
        "status": request.args.get("status", "open"),
        "kind": request.args.get("kind") or None,
    }
    try:
        rows = engine().violations.verifications.page(
            actor(), status=filters["status"] or None, kind=filters["kind"], page=request.args.get("page")
        )
    except EngineError as exc:
        flash(readable(exc), "error")
        rows = empty_page()
    return render_template(
        "supervision/verifications.html",
        rows=rows,
        filters=filters,
        error=error,
        statuses=VERIFICATION_STATUSES,
        kinds=VERIFICATION_KINDS,
        conclusions=VERIFICATION_CONCLUSIONS,
    ), status
