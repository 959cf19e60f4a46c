"""The monthly performance evaluation (绩效测评): read a month (archived or computed), archive a month."""

from __future__ import annotations

from flask import g, jsonify

from . import bp
from .auth import engine
from .contract import operation
from .schemas.evaluations import ArchivedMonth, Evaluation

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
