"""The monthly performance evaluation (绩效测评): read a month (archived or computed), archive a month."""
from __future__ import annotations

from flask import g, jsonify

from . import bp
from .auth import engine


@bp.get("/evaluations/<month>")
def evaluation(month):
    return jsonify(engine().performance.evaluation(month, g.actor))


@bp.post("/evaluations/<month>/archive")
def archive_evaluation(month):
    return jsonify(engine().performance.archive(month, g.actor)), 201
