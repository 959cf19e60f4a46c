"""首问负责 and 告知承诺 pages: window officials record the enquiries put to them first and read their department's;
supervisors read those of the units they oversee; the pending pledge checks with a form to record each."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import EngineError, NotFound
from engine.identity import ADMIN, MONITOR, OFFICIAL, SUPERVISOR

from ..messages import describe
from ..session import actor, engine, roles_required
from . import bp

STAFF = (OFFICIAL, SUPERVISOR, MONITOR, ADMIN)
ENQUIRY_FIELDS = ("applicant", "contact", "matter", "question", "answer", "referred_to")


def _enquiries_page(values=None, error=None, status=200):
    me = actor()
    department = (request.args.get("department") or "").strip()[:200] or None
    enquiries = engine().enquiries.page(me, department, page=request.args.get("page"))
    return (
        render_template(
            "desk/enquiries.html",
            enquiries=enquiries,
            may_record=OFFICIAL in me.roles and bool(me.department),
            matters=engine().catalogue.list_matters(),
            departments=[u["name"] for u in engine().organisation.units(active_only=True)],
            values=values or {},
            error=error,
        ),
        status,
    )


@bp.get("/enquiries")
@roles_required(*STAFF)
def enquiries():
    return _enquiries_page()


@bp.post("/enquiries")
@roles_required(OFFICIAL)
def record_enquiry():
    data = {name: request.form.get(name) or None for name in ENQUIRY_FIELDS}
    for required in ("applicant", "question", "answer"):
        data[required] = data[required] or ""
    try:
        engine().enquiries.record(actor(), data)
    except EngineError as exc:
        return _enquiries_page(values=request.form, error=describe(exc), status=exc.status)
    flash(_("咨询已登记，您是本次咨询的首问责任人。"), "success")
    return redirect(url_for("desk.enquiries"), 303)


def _pledges_page(error=None, status=200):
    checks = engine().pledges.pending_checks(actor(), page=request.args.get("page"))
    return render_template("desk/pledges.html", checks=checks, error=error), status


@bp.get("/pledges")
@roles_required(*STAFF)
def pledges():
    return _pledges_page()


@bp.post("/pledges/<int:pledge_id>/check")
@roles_required(*STAFF)
def check_pledge(pledge_id):
    held = {"yes": True, "no": False}.get(request.form.get("held") or "")
    try:
        engine().pledges.record_check(pledge_id, actor(), held, request.form.get("finding") or "")
    except NotFound:
        raise
    except EngineError as exc:
        return _pledges_page(error=describe(exc), status=exc.status)
    flash(_("核查结果已记录。"), "success")
    return redirect(url_for("desk.pledges"), 303)
