"""The supervision cockpit over the API: counts with the per-department table, and trends with rankings."""
from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import InvalidInput

from . import bp
from .auth import engine


@bp.get("/cockpit")
def cockpit_overview():
    return jsonify(engine().cockpit.overview(g.actor))


@bp.get("/cockpit/trends")
def cockpit_trends():
    cockpit = engine().cockpit
    days = request.args.get("days", "30")
    if not days.isdigit():
        raise InvalidInput("not_a_whole_number", field="days")
    days = int(days)
    return jsonify({"trends": cockpit.trends(g.actor, days=days, department=request.args.get("department") or None),
                    "rankings": cockpit.rankings(g.actor, record=False)})
