from __future__ import annotations

from flask import Response, g, jsonify

from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.documents import DocumentRequest, IssuedDocument, Licence, Revocation

LICENCE = {"code": "the licence's verification code"}


@bp.post("/cases/<int:case_id>/documents")
@operation("documents", created=IssuedDocument, body=DocumentRequest, errors=(400, 403, 404, 409))
def issue_document(case_id):
    """Issue an official document, numbered per department and year (its PDF at /documents/{document_id}/pdf)"""
    body = json_body()
    document = engine().documents.issue(
        case_id, body.get("kind"), g.actor, body.get("reasons"), body.get("items"), body.get("reissue_reason")
    )
    return jsonify(document), 201


@bp.get("/documents/<int:document_id>/pdf")
@operation("documents", files={200: ("application/pdf",)}, errors=(403, 404, 503))
def document_pdf(document_id):
    """An issued document as an A4 PDF"""
    number, pdf = engine().documents.render_pdf(document_id, g.actor)
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename=document-{document_id}.pdf"}
    )


@bp.get("/cases/<int:case_id>/licence")
@operation("documents", ok=Licence, errors=(403, 404))
def case_licence(case_id):
    """The electronic licence an approved case received"""
    return jsonify(engine().documents.licence_of(case_id, g.actor))


@bp.get("/cases/<int:case_id>/licence/pdf")
@operation("documents", files={200: ("application/pdf",)}, errors=(403, 404, 503))
def case_licence_pdf(case_id):
    """The case's licence as a printable A4 PDF with a QR code of its verification address"""
    number, pdf = engine().documents.render_licence_pdf(case_id, g.actor)
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename=licence-{case_id}.pdf"}
    )


@bp.get("/licences/<code>")
@operation("documents", ok=Licence, errors=(404,), public=True, paths=LICENCE)
def verify_licence(code):
    """Verify an electronic licence (the holder's name masked)"""
    return jsonify(engine().documents.verify(code))


@bp.post("/licences/<code>/revoke")
@operation("documents", ok=Licence, body=Revocation, errors=(400, 403, 404, 409), paths=LICENCE)
def revoke_licence(code):
    """Revoke a licence, with a reason (the issuing department)"""
    return jsonify(engine().documents.revoke(code, g.actor, json_body().get("reason")))
