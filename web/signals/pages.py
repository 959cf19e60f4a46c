from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, InvalidInput, PermissionDenied
from engine.identity import ADMIN, MONITOR, OFFICIAL, SUPERVISOR
from engine.violations import LEVELS

from ..messages import describe
from ..session import actor, engine, roles_required
from . import bp

STAFF = (OFFICIAL, SUPERVISOR, MONITOR, ADMIN)
COLORS = {"yellow": _l("黄牌"), "red": _l("红牌")}
STATUSES = {"open": _l("待纠正"), "corrected": _l("已纠正"), "closed": _l("已关闭")}
LEVEL_NAMES = {"department": _l("部门规则"), "common": _l("通用规则"), "bureau": _l("再监察规则")}


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


@bp.get("/")
@roles_required(*STAFF)
def index():
    me = actor()
    filters = {
        "color": _choice("color", COLORS),
        "status": _choice("status", STATUSES),
        "department": (request.args.get("department") or "").strip() or None,
    }
    found = engine().violations.signals.page_signals(me, page=request.args.get("page"), **filters)
    departments = engine().violations.signals.departments(me)
    return render_template(
        "signals/index.html",
        signals=found,
        filters=filters,
        departments=departments,
        colors=COLORS,
        statuses=STATUSES,
        level_names=LEVEL_NAMES,
        may_correct=lambda s: s["status"] == "open" and s["color"] == "yellow" and me.heads(s["department"]),
    )


@bp.route("/<int:signal_id>/correct", methods=["GET", "POST"])
@roles_required(*STAFF)
def correct(signal_id):
    me = actor()
    service = engine().violations.signals
    try:
        signal = service.get(signal_id, me)
    except EngineError:
        abort(404)
    error = None
    if request.method == "POST":
        try:
            service.correct(signal_id, me, request.form.get("correction"))
        except PermissionDenied:
            raise  # the error page: 403
        except EngineError as exc:
            error = describe(exc)
        else:
            flash(_("纠正情况已报送"), "success")
            return redirect(url_for("signals.index"))
    return render_template(
        "signals/correct.html",
        signal=signal,
        error=error,
        colors=COLORS,
        statuses=STATUSES,
        level_names=LEVEL_NAMES,
        may_correct=me.heads(signal["department"]),
        value=request.form.get("correction", ""),
    )


@bp.get("/rules")
@roles_required(*STAFF)
def rules():
    me = actor()
    department = None if (me.is_admin or me.is_supervisor) else me.department
    return render_template(
        "signals/rules.html",
        rules=engine().violations.rules.list_rules(department, me),
        level_names=LEVEL_NAMES,
        levels=LEVELS,
        me=me,
        colors=COLORS,
    )


def _params(defaults: dict) -> dict:
    """The submitted parameters, typed like the rule's defaults."""
    params = {}
    for key, default in defaults.items():
        raw = request.form.get(f"param_{key}")
        if isinstance(default, bool):
            params[key] = raw == "on"
        elif raw is None or raw.strip() == "":
            continue
        elif isinstance(default, int):
            try:
                params[key] = int(raw)
            except ValueError:
                raise InvalidInput("rule_param_not_a_number", param=key) from None
        elif isinstance(default, list):
            params[key] = [p.strip() for p in raw.replace("、", ",").replace("，", ",").split(",") if p.strip()]
    return params


@bp.post("/rules")
@roles_required(*STAFF)
def set_rule():
    me = actor()
    name = request.form.get("rule", "")
    rules = {r["rule"]: r for r in engine().violations.rules.list_rules()}
    try:
        if name not in rules:
            raise InvalidInput("rule_not_found", rule=name)
        level = request.form.get("level")
        department = (request.form.get("department") or "").strip() or (
            me.department if level == "department" else None
        )
        engine().violations.rules.set_config(
            me, name, level, request.form.get("enabled") == "on", _params(rules[name]["default_params"]), department
        )
    except EngineError as exc:
        flash(describe(exc), "error")
    else:
        flash(_("规则“%(label)s”已保存", label=rules[name]["label"]), "success")
    return redirect(url_for("signals.rules") + f"#rule-{name}")
