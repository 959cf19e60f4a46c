"""The supervision cockpit over the API: counts with the per-department table, and trends with rankings."""

from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import InvalidInput

from . import bp
from .auth import engine
from .contract import operation
from .schemas.cockpit import CockpitOverview, CockpitTrends, TrendsQuery


@bp.get("/cockpit")
@operation("supervision", ok=CockpitOverview, errors=(403,))
def cockpit_overview():
    """The supervision cockpit (电子监察员, 系统监管员; logged)

    Running cases and open tasks by light, signals by colour and status, open 督办 items by light, complaints by
    status, and a per-department table, within the supervisor's units."""
    return jsonify(engine().cockpit.overview(g.actor))


@bp.get("/cockpit/trends")
@operation("supervision", ok=CockpitTrends, query=TrendsQuery, errors=(400, 403))
def cockpit_trends():
    """Daily trends and this month's rankings

    Per Asia/Shanghai day (the last `days`, default 30): cases started, ended, ended after the statutory limit (and after the promised one),
    signals raised; this month's rankings."""
    cockpit = engine().cockpit
    days = request.args.get("days", "30")
    if not days.isdigit():
        raise InvalidInput("not_a_whole_number", field="days")
    days = int(days)
    return jsonify(
        {
            "trends": cockpit.trends(g.actor, days=days, department=request.args.get("department") or None),
            "rankings": cockpit.rankings(g.actor, record=False),
        }
    )
