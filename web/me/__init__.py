"""Each official's own score (seed 002 §1 三是: "所有工作人员均可以看到每日、每月加、减分情况"): the days of a month with
their plus and minus points, the month's result, the quarter's and the year's; supervisors choose an official of their
units (a list of them, by department) and record manual daily points with a reason."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import EngineError, InvalidInput, NotFound
from engine.identity import ADMIN, MONITOR, OFFICIAL, SUPERVISOR
from engine.performance import month_of, parse_month

from ..messages import describe
from ..reports.labels import template_globals
from ..session import actor, engine, roles_required

bp = Blueprint("me", __name__, url_prefix="/me")
bp.context_processor(template_globals)
staff = roles_required(OFFICIAL, SUPERVISOR, MONITOR, ADMIN)


def _month(text) -> str:
    try:
        return parse_month(text)
    except InvalidInput:
        return month_of(engine().clock.now())


@bp.get("/score")
@staff
def score():
    me = actor()
    month = _month(request.args.get("month"))
    official = (request.args.get("official") or "").strip() or None
    try:
        result = engine().performance.my_score(me, month, official)
    except EngineError as exc:
        if official is None:
            raise
        flash(describe(exc), "error")
        return redirect(url_for("me.score", month=month))
    may_record = me.is_admin or me.is_supervisor
    return render_template(
        "me/score.html",
        score=result,
        month=month,
        may_record=may_record,
        officials=engine().performance.scorable_officials(me) if may_record else [],
        today=engine().clock.now(),
    )


@bp.post("/score/points")
@roles_required(SUPERVISOR, MONITOR, ADMIN)
def record_points():
    form = request.form
    official = (form.get("official") or "").strip()
    try:
        points = float((form.get("points") or "").strip())
    except ValueError:
        points = None
    try:
        engine().performance.record_points(official, form.get("day"), points, form.get("reason"), actor())
    except (InvalidInput, NotFound) as exc:  # a refusal (another unit's official) answers 403
        flash(_("加减分未录入：%(reason)s", reason=describe(exc)), "error")
    else:
        flash(_("已录入 %(official)s 的加减分", official=official), "success")
    day = form.get("day") or ""
    return redirect(url_for("me.score", official=official or None, month=day[:7] if len(day) >= 7 else None))
