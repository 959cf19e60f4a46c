"""Supervisors' pages of the monthly performance evaluation (绩效测评): the month, the standard, the archive,
downloads and the log of who read or exported the report."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import Conflict, InvalidInput
from engine.identity import ADMIN, MONITOR, SUPERVISOR
from engine.performance import SCORING_ITEMS, month_of, parse_month

from ..session import actor, engine, roles_required
from .labels import ACTIONS, GENERAL, ITEMS, PROBLEMS, template_globals

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.context_processor(template_globals)
supervisors = roles_required(ADMIN, SUPERVISOR, MONITOR)


def _month(text) -> str:
    try:
        return parse_month(text)
    except InvalidInput:
        return month_of(engine().clock.now())


@bp.get("")
@supervisors
def index():
    month = _month(request.args.get("month"))
    evaluation = engine().performance.evaluation(month, actor())
    return render_template(
        "reports/index.html",
        evaluation=evaluation,
        month=month,
        may_archive=not evaluation["archived"] and evaluation["complete"],
    )


@bp.post("/<month>/archive")
@supervisors
def archive(month):
    month = _month(month)
    try:
        result = engine().performance.archive(month, actor())
    except Conflict:
        flash(_("%(month)s 的测评结果已归档，不能再次归档", month=month), "error")
    except InvalidInput:
        flash(_("只能归档已经结束的月份"), "error")
    else:
        flash(_("%(month)s 的测评结果已归档（摘要 %(digest)s…）", month=month, digest=result["digest"][:12]), "success")
    return redirect(url_for("reports.index", month=month))


@bp.get("/<month>.<any(pdf, xlsx):kind>")
@supervisors
def download(month, kind):
    name, content = engine().performance.export(parse_month(month), kind, actor())
    mimetype = (
        "application/pdf" if kind == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/settings", methods=["GET", "POST"])
@supervisors
def settings():
    values = engine().performance.settings()
    if request.method == "POST":
        submitted = {key: (request.form.get(key) or "").strip() for key in values}
        try:
            changes = {}
            for key, text in submitted.items():
                try:
                    changes[key] = float(text)
                except ValueError:
                    raise InvalidInput("not_a_number", field=key) from None
            engine().performance.update_settings(changes, actor(), request.form.get("reason"))
        except InvalidInput as exc:
            flash(
                _(
                    "设置未保存：“%(item)s”须填写允许范围内的数字（扣分项为 0 或负数，加分项为 0 或正数，"
                    "每项不超过 100 分）",
                    item=_label(exc.details.get("field")),
                ),
                "error",
            )
            values = submitted
        else:
            flash(_("测评标准已保存"), "success")
            return redirect(url_for("reports.settings"))
    return render_template(
        "reports/settings.html",
        values=values,
        general=GENERAL,
        items=ITEMS,
        specs=SCORING_ITEMS,
        versions=engine().performance.standard_versions(actor()),
    )


@bp.get("/period")
@supervisors
def period():
    """Quarterly and annual results (000 三(五) "季度和年度绩效考评情况"): the average of the months so far."""
    now = engine().clock.now()
    text = (request.args.get("period") or "").strip()
    try:
        result = engine().performance.period(text or _quarter(month_of(now)), actor())
    except InvalidInput:
        flash(_("期间格式为 YYYY-Qn（季度）或 YYYY（年度）"), "error")
        result = engine().performance.period(_quarter(month_of(now)), actor())
    return render_template("reports/period.html", result=result, year=month_of(now)[:4])


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


def _label(key) -> str:
    return str(GENERAL.get(key) or ITEMS.get(key) or key)


@bp.get("/log")
@supervisors
def log():
    return render_template(
        "reports/log.html",
        entries=engine().performance.access_log(actor(), request.args.get("page")),
        verification=engine().performance.verify_snapshots(),
        archived=engine().performance.archived_months(),
        actions=ACTIONS,
        problems=PROBLEMS,
    )
