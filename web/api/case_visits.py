"""What a case's applicant and holder meet besides the flow: the on-site visits the window records (跑动次数) and
the department's post-approval inspections (批后监督检查, Art. 17(4))."""

from __future__ import annotations

from flask import g, jsonify

from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.evaluations import CaseVisits, InspectionBody, InspectionRecord, RecordedVisit, VisitBody


@bp.get("/cases/<int:case_id>/visits")
@operation("cases", ok=CaseVisits, errors=(403, 404))
def case_visits(case_id):
    """The applicant's on-site visits for the case (a case handled online has none)"""
    return jsonify(engine().visits.of_case(case_id, g.actor))


@bp.post("/cases/<int:case_id>/visits")
@operation("cases", created=RecordedVisit, body=VisitBody, errors=(400, 403, 404))
def record_visit(case_id):
    """Record one on-site visit of the applicant (window officials of a unit handling the case; a trail row)"""
    return jsonify(engine().visits.record(case_id, g.actor, json_body().get("purpose"))), 201


@bp.get("/cases/<int:case_id>/inspections")
@operation("cases", ok=list[InspectionRecord], errors=(403, 404))
def case_inspections(case_id):
    """The post-approval inspections of the case's approval"""
    return jsonify(engine().inspections.of_case(case_id, g.actor))


@bp.post("/cases/<int:case_id>/inspections")
@operation("cases", created=InspectionRecord, body=InspectionBody, errors=(400, 403, 404, 409))
def record_inspection(case_id):
    """Record a post-approval inspection of the approval's holder (officials of the case's department)"""
    body = json_body()
    return jsonify(engine().inspections.record(case_id, g.actor, body.get("compliant"), body.get("finding"))), 201
