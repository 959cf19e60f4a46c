"""Pages of the integrations with other systems: the upward-reporting status (administrators and supervisors)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from engine.identity import ADMIN, MONITOR, SUPERVISOR

from ..session import actor, engine, roles_required

bp = Blueprint("integrations", __name__, url_prefix="/integrations")


@bp.get("/upward")
@roles_required(ADMIN, SUPERVISOR, MONITOR)
def upward():
    return render_template("integrations/upward.html", status=engine().outbox.status(actor()), may_act=actor().is_admin)


@bp.post("/upward/retry")
@roles_required(ADMIN)
def upward_retry():
    count = engine().outbox.retry_failed(actor())
    flash(_("%(n)s 条失败记录已重新排队", n=count), "success")
    return redirect(url_for("integrations.upward"))


@bp.post("/upward/send")
@roles_required(ADMIN)
def upward_send():
    from integrations.upward import report

    done = report(engine())
    if done["error"]:
        flash(_("上级平台未接收：%(error)s；稍后自动重试", error=done["error"]), "error")
    else:
        flash(
            _("已报送 %(records)s 条记录（%(batches)s 批）", records=done["records"], batches=done["batches"]),
            "success",
        )
    return redirect(url_for("integrations.upward"))
