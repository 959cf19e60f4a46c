"""Complaints (投诉处理) for supervisors and department heads."""

from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .contract import operation
from .payload import int_arg, json_body
from .schemas.complaints import (
    Closure,
    Complaint,
    ComplaintDetail,
    ComplaintQuery,
    Decision,
    Feedback,
    Forwarding,
    Result,
)

STEP = (400, 403, 404, 409)


@bp.get("/complaints")
@operation("complaints", ok=list[Complaint], query=ComplaintQuery, errors=(400, 403))
def list_complaints():
    """Complaints the caller handles, red first

    Supervisors: those of their units; a department head: those forwarded to the department."""
    return jsonify(
        engine().complaints.list(
            g.actor,
            status=request.args.get("status"),
            department=request.args.get("department"),
            light=request.args.get("light"),
            limit=min(int_arg("limit", 200, 1), 1000),
        )
    )


@bp.get("/complaints/<int:complaint_id>")
@operation("complaints", ok=ComplaintDetail, errors=(403, 404))
def get_complaint(complaint_id):
    """A complaint with the steps the caller may take"""
    return jsonify(engine().complaints.get(complaint_id, g.actor))


@bp.post("/complaints/<int:complaint_id>/feedback")
@operation("complaints", ok=Complaint, body=Feedback, errors=STEP)
def complaint_feedback(complaint_id):
    """First feedback: the department complained about within 24 hours, then a supervisor in its place"""
    return jsonify(engine().complaints.give_feedback(complaint_id, g.actor, json_body().get("text")))


@bp.post("/complaints/<int:complaint_id>/decision")
@operation("complaints", ok=Complaint, body=Decision, errors=STEP)
def complaint_decision(complaint_id):
    """Accept, or reject with a reason (within 5 working days; supervisor)"""
    body = json_body()
    return jsonify(engine().complaints.decide(complaint_id, g.actor, body.get("accept"), body.get("reason")))


@bp.post("/complaints/<int:complaint_id>/forwarding")
@operation("complaints", ok=Complaint, body=Forwarding, errors=STEP)
def complaint_forwarding(complaint_id):
    """Forward an accepted complaint to a department; opens a supervision item"""
    body = json_body()
    return jsonify(
        engine().complaints.forward(complaint_id, g.actor, body.get("department"), body.get("note"), body.get("days"))
    )


@bp.post("/complaints/<int:complaint_id>/result")
@operation("complaints", ok=Complaint, body=Result, errors=STEP)
def complaint_result(complaint_id):
    """The department head's result"""
    body = json_body()
    return jsonify(engine().complaints.report_result(complaint_id, g.actor, body.get("result"), body.get("upheld")))


@bp.post("/complaints/<int:complaint_id>/closure")
@operation("complaints", ok=Complaint, body=Closure, errors=STEP)
def complaint_closure(complaint_id):
    """Close an answered complaint; the result goes to a real-name complainant"""
    return jsonify(engine().complaints.close(complaint_id, g.actor, json_body().get("note")))
