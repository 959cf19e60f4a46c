"""The monthly performance evaluation (绩效测评): read a month (archived or computed), archive a month."""

from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.evaluations import (
    ArchivedMonth,
    Evaluation,
    ManualPointRecord,
    ManualPoints,
    MyScore,
    MyScoreQuery,
    PeriodResult,
    StandardVersion,
)

MONTH = {"month": "YYYY-MM"}


@bp.get("/evaluations/<month>")
@operation("performance", ok=Evaluation, errors=(400, 403), paths=MONTH)
def evaluation(month):
    """绩效测评 of a month, as archived or computed now

    Departments and officials ranked by score with their indicators (supervisors and administrators; each reading
    is logged)."""
    return jsonify(engine().performance.evaluation(month, g.actor))


@bp.post("/evaluations/<month>/archive")
@operation("performance", created=ArchivedMonth, errors=(400, 403, 409), paths=MONTH)
def archive_evaluation(month):
    """Archive an ended month for good (once; a chained SHA-256 digest and a trail row)"""
    return jsonify(engine().performance.archive(month, g.actor)), 201


@bp.get("/evaluation-periods/<period>")
@operation("performance", ok=PeriodResult, errors=(400, 403), paths={"period": "YYYY-Qn (a quarter) or YYYY (a year)"})
def evaluation_period(period):
    """Quarterly or annual results: each department's and official's average of the monthly scores so far"""
    return jsonify(engine().performance.period(period, g.actor))


@bp.get("/scoring-standard/versions")
@operation("performance", ok=list[StandardVersion], errors=(403,))
def standard_versions():
    """Every version of the scoring standard (测评标准), newest first; each change is a new version"""
    return jsonify(engine().performance.standard_versions(g.actor))


@bp.get("/me/score")
@operation("performance", ok=MyScore, query=MyScoreQuery, errors=(400, 403, 404))
def my_score():
    """One's own daily and monthly plus and minus points, with the quarter's and the year's results

    Every official sees their own (所有工作人员均可以看到每日、每月加、减分情况); supervisors may name an official of
    their units."""
    return jsonify(
        engine().performance.my_score(g.actor, request.args.get("month"), request.args.get("official") or None)
    )


@bp.post("/manual-points")
@operation("performance", created=ManualPointRecord, body=ManualPoints, errors=(400, 403, 404))
def record_manual_points():
    """Record a day's points for an official with the reason (supervisors over the official's unit)"""
    body = json_body()
    return (
        jsonify(
            engine().performance.record_points(
                body.get("official"), body.get("day"), body.get("points"), body.get("reason"), g.actor
            )
        ),
        201,
    )
