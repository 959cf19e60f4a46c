"""The supervision cockpit (监察驾驶舱): tiles, the per-department table, red and yellow cases and open signals
with drill-down to the case page and its trail, and ECharts trends and rankings from data.json."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _

from engine.identity import MONITOR, SUPERVISOR

from ..session import actor, engine, roles_required

bp = Blueprint("cockpit", __name__, url_prefix="/cockpit")
SUPERVISORS = (SUPERVISOR, MONITOR)


def _filters() -> dict:
    args = request.args
    return {
        "light": args.get("light") or None,
        "department": args.get("department") or None,
        "page": args.get("page", 1),
    }


@bp.get("/")
@roles_required(*SUPERVISORS)
def index():
    me, cockpit = actor(), engine().cockpit
    filters = _filters()
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "cockpit-cases":
        return render_template("cockpit/_cases.html", cases=cockpit.cases(me, **filters), filters=filters)
    return render_template(
        "cockpit/index.html",
        overview=cockpit.overview(me),
        filters=filters,
        cases=cockpit.cases(me, record=False, **filters),
        signals=cockpit.signals(me, department=filters["department"], record=False),
        chart_labels=_chart_labels(),
        missing=engine().calendars.missing_arrangements(),
    )


@bp.get("/data.json")
@roles_required(*SUPERVISORS)
def data():
    """What the charts draw: the last 30 days' trends and this month's rankings (one logged reading)."""
    me, cockpit = actor(), engine().cockpit
    return jsonify(
        {
            "trends": cockpit.trends(me, department=request.args.get("department") or None),
            "rankings": cockpit.rankings(me, record=False),
        }
    )


def _chart_labels() -> dict:
    return {
        "started": _("新收办件"),
        "ended": _("办结办件"),
        "ended_overdue": _("超过法定时限办结"),
        "signals_yellow": _("黄色信号"),
        "signals_red": _("红色信号"),
        "trend": _("近30天趋势"),
        "on_time": _("本月按时办结率（法定时限，%）"),
        "red_signals": _("本月红色信号数"),
        "empty": _("暂无数据"),
    }
