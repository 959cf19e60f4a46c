"""The verification queue (核实, Art. 9): supervisors list the acts to verify in their units and close each with a
finding; staff record a reconsideration or lawsuit brought against a case's decision."""

from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .contract import operation
from .payload import int_arg, json_body
from .schemas.verifications import Appeal, Verification, VerificationFinding, VerificationQuery


@bp.get("/verifications")
@operation("supervision", ok=list[Verification], query=VerificationQuery, errors=(400, 403))
def list_verifications():
    """The acts to verify (不予受理, 不予许可, 补正, 复议/诉讼, 撤销) in the supervisor's units (default: open ones)"""
    args = request.args
    return jsonify(
        engine().violations.verifications.list(
            g.actor,
            status=args.get("status", "open") or None,
            kind=args.get("kind") or None,
            limit=int_arg("limit", 200, 1),
        )
    )


@bp.get("/verifications/<int:verification_id>")
@operation("supervision", ok=Verification, errors=(403, 404))
def get_verification(verification_id):
    """One act to verify with its finding"""
    return jsonify(engine().violations.verifications.get(verification_id, g.actor))


@bp.post("/verifications/<int:verification_id>/finding")
@operation("supervision", ok=Verification, body=VerificationFinding, errors=(400, 403, 404, 409))
def close_verification(verification_id):
    """Close with the finding: compliant, or a violation (a refusal's raises Art. 11(1), a denial's Art. 12(4))"""
    body = json_body()
    return jsonify(
        engine().violations.verifications.close(verification_id, g.actor, body.get("finding"), body.get("conclusion"))
    )


@bp.post("/cases/<int:case_id>/appeals")
@operation("supervision", created=Verification, body=Appeal, errors=(400, 403, 404, 409))
def record_appeal(case_id):
    """Record a 行政复议 or 行政诉讼 against a decided case: it joins the verification queue"""
    body = json_body()
    return (
        jsonify(
            engine().violations.verifications.record_appeal(case_id, g.actor, body.get("appeal"), body.get("note"))
        ),
        201,
    )
