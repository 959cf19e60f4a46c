"""Complaints (投诉处理) for supervisors and department heads."""
from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .payload import int_arg, json_body


@bp.get("/complaints")
def list_complaints():
    return jsonify(engine().complaints.list(
        g.actor, status=request.args.get("status"), department=request.args.get("department"),
        light=request.args.get("light"), limit=min(int_arg("limit", 200, 1), 1000)))


@bp.get("/complaints/<int:complaint_id>")
def get_complaint(complaint_id):
    return jsonify(engine().complaints.get(complaint_id, g.actor))


@bp.post("/complaints/<int:complaint_id>/feedback")
def complaint_feedback(complaint_id):
    return jsonify(engine().complaints.give_feedback(complaint_id, g.actor, json_body().get("text")))


@bp.post("/complaints/<int:complaint_id>/decision")
def complaint_decision(complaint_id):
    body = json_body()
    return jsonify(engine().complaints.decide(complaint_id, g.actor, body.get("accept"), body.get("reason")))


@bp.post("/complaints/<int:complaint_id>/forwarding")
def complaint_forwarding(complaint_id):
    body = json_body()
    return jsonify(engine().complaints.forward(complaint_id, g.actor, body.get("department"), body.get("note"),
                                               body.get("days")))


@bp.post("/complaints/<int:complaint_id>/result")
def complaint_result(complaint_id):
    body = json_body()
    return jsonify(engine().complaints.report_result(complaint_id, g.actor, body.get("result"), body.get("upheld")))


@bp.post("/complaints/<int:complaint_id>/closure")
def complaint_closure(complaint_id):
    return jsonify(engine().complaints.close(complaint_id, g.actor, json_body().get("note")))
