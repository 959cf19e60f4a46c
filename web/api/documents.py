from __future__ import annotations

from flask import Response, g, jsonify

from . import bp
from .auth import engine, public
from .payload import json_body


@bp.post("/cases/<int:case_id>/documents")
def issue_document(case_id):
    body = json_body()
    document = engine().documents.issue(case_id, body.get("kind"), g.actor, body.get("reasons"), body.get("items"))
    return jsonify(document), 201


@bp.get("/documents/<int:document_id>/pdf")
def document_pdf(document_id):
    number, pdf = engine().documents.render_pdf(document_id, g.actor)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=document-{document_id}.pdf"})


@bp.get("/cases/<int:case_id>/licence")
def case_licence(case_id):
    return jsonify(engine().documents.licence_of(case_id, g.actor))


@bp.get("/licences/<code>")
@public
def verify_licence(code):
    return jsonify(engine().documents.verify(code))


@bp.post("/licences/<code>/revoke")
def revoke_licence(code):
    return jsonify(engine().documents.revoke(code, g.actor, json_body().get("reason")))
