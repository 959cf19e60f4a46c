"""My cases: their status and progress, public events, notices issued to me and the electronic licence."""

from __future__ import annotations

from flask import Response, render_template, request

from engine.identity import APPLICANT

from ..session import actor, engine, roles_required
from . import bp
from .materials import SupplementForm, upload_limits
from .rating import RatingForm


@bp.get("/my")
@roles_required(APPLICANT)
def my_cases():
    cases = engine().applicant_cases.page_my_cases(actor(), request.args.get("page"))
    return render_template("portal/my_cases.html", cases=cases)


@bp.get("/my/cases/<int:case_id>")
@roles_required(APPLICANT)
def case(case_id):
    view = engine().applicant_cases.case(case_id, actor())
    rating = engine().feedback.rating_of(case_id, actor()) if view["rated"] else None
    return render_template(
        "portal/case.html",
        case=view,
        rating=rating,
        rating_form=RatingForm(),
        supplement_form=SupplementForm(),
        limits=upload_limits(),
    )


@bp.get("/my/cases/<int:case_id>/diagram.bpmn")
@roles_required(APPLICANT)
def case_diagram(case_id):
    return Response(engine().applicant_cases.diagram_xml(case_id, actor()), mimetype="application/xml")


@bp.get("/my/documents/<int:document_id>.pdf")
@roles_required(APPLICANT)
def document_pdf(document_id):
    engine().applicant_cases.document_case(document_id, actor())
    number, pdf = engine().documents.render_pdf(document_id, actor())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename=document-{document_id}.pdf",
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/my/cases/<int:case_id>/licence.pdf")
@roles_required(APPLICANT)
def licence_pdf(case_id):
    engine().applicant_cases.case(case_id, actor())  # the applicant's own case only
    number, pdf = engine().documents.render_licence_pdf(case_id, actor())
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename=licence-{case_id}.pdf",
            "Cache-Control": "private, no-store",
        },
    )
