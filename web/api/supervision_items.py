"""Supervision items (督办): list, read, and the procedure's steps (notice, response, extension, finding)."""

from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .contract import operation
from .payload import int_arg, json_body
from .schemas.supervision import (
    CaseNotice,
    Extension,
    Finding,
    ItemQuery,
    ItemText,
    SupervisionItem,
    SupervisionItemDetail,
)

STEP = (400, 403, 404, 409)


@bp.get("/supervision-items")
@operation("supervision", ok=list[SupervisionItem], query=ItemQuery, errors=(400,))
def list_supervision_items():
    """Supervision items (督办) the caller sees: supervisors their units', a department's head their own"""
    args = request.args
    return jsonify(
        engine().supervision.list(
            g.actor,
            status=args.get("status") or None,
            light=args.get("light") or None,
            department=args.get("department") or None,
            kind=args.get("kind") or None,
            limit=int_arg("limit", 200, 1),
        )
    )


@bp.get("/supervision-items/<int:item_id>")
@operation("supervision", ok=SupervisionItemDetail, errors=(403, 404))
def get_supervision_item(item_id):
    """An item with its timeline and what it is about"""
    return jsonify(engine().supervision.get(item_id, g.actor))


@bp.post("/supervision-items/<int:item_id>/notice")
@operation("supervision", ok=SupervisionItem, body=ItemText, errors=STEP)
def send_supervision_notice(item_id):
    """督办通知 to the department's heads (a supervisor of the department; open → noticed)"""
    return jsonify(engine().supervision.send_notice(item_id, g.actor, json_body().get("text")))


@bp.post("/cases/<int:case_id>/supervision-notice")
@operation("supervision", created=SupervisionItem, body=CaseNotice, errors=STEP)
def notice_case(case_id):
    """The one-click 督办通知 on a yellow or red case (a supervisor of its department)

    Opens a 督办 item (kind light_notice) and sends its notice to the department's heads at once."""
    return jsonify(engine().supervision.notice_case(case_id, g.actor, json_body().get("text"))), 201


@bp.post("/supervision-items/<int:item_id>/response")
@operation("supervision", ok=SupervisionItem, body=ItemText, errors=STEP)
def respond_to_supervision_item(item_id):
    """The department head's answer (noticed → responded)"""
    return jsonify(engine().supervision.respond(item_id, g.actor, json_body().get("text")))


@bp.post("/supervision-items/<int:item_id>/extension")
@operation("supervision", ok=SupervisionItem, body=Extension, errors=STEP)
def extend_supervision_item(item_id):
    """Extend the investigation once by 10 working days (supervisor)"""
    return jsonify(engine().supervision.extend(item_id, g.actor, json_body().get("reason")))


@bp.post("/supervision-items/<int:item_id>/finding")
@operation("supervision", ok=SupervisionItem, body=Finding, errors=STEP)
def record_supervision_finding(item_id):
    """The supervisor's finding (responded → closed)"""
    body = json_body()
    return jsonify(engine().supervision.record_finding(item_id, g.actor, body.get("text"), body.get("conclusion")))
