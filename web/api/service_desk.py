"""Published results (GET /results, public), enquiries recorded by the first official asked (/enquiries), pledges
in place of materials with their post-approval check (/cases/{id}/pledges, /pledge-checks, /pledges/{id}/check),
and a matter's form files (/matters/{code}/forms)."""

from __future__ import annotations

from flask import g, jsonify, request

from engine.catalogue import FORM_FILE_MAX_BYTES

from ..downloads import material_response
from ..request_guard import check_form
from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.service_desk import (
    Enquiry,
    EnquiryPage,
    EnquiryQuery,
    FormFile,
    FormFileUpload,
    NewEnquiry,
    NewPledges,
    PendingCheckPage,
    PendingCheckQuery,
    Pledge,
    PledgeCheck,
    PublishedResultsPage,
    ResultsQuery,
)

FORM_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/ofd",
)
CODE = {"code": "the matter's code"}


@bp.get("/results")
@operation("signals", ok=PublishedResultsPage, query=ResultsQuery, errors=(400,), public=True)
def published_results():
    """Published results of decided cases (结果公开): masked, newest decision first, paged"""
    args = request.args
    return jsonify(
        engine().published_results.page(
            args.get("matter"), args.get("department"), args.get("month"), args.get("page"), args.get("per_page")
        )
    )


@bp.get("/enquiries")
@operation("complaints", ok=EnquiryPage, query=EnquiryQuery, errors=(400, 403))
def list_enquiries():
    """Enquiries recorded by the first official asked (首问负责): the official's department's, a supervisor's units'"""
    args = request.args
    return jsonify(engine().enquiries.page(g.actor, args.get("department"), args.get("page"), args.get("per_page")))


@bp.post("/enquiries")
@operation("complaints", created=Enquiry, body=NewEnquiry, errors=(400, 403))
def record_enquiry():
    """Record an enquiry; the acting window official is named on it as the first official asked (首问责任人)"""
    return jsonify(engine().enquiries.record(g.actor, json_body())), 201


@bp.get("/cases/<int:case_id>/pledges")
@operation("materials", ok=list[Pledge], errors=(403, 404))
def case_pledges(case_id):
    """The pledges signed on a case in place of listed materials (告知承诺), with their checks"""
    return jsonify(engine().pledges.for_case(case_id, g.actor))


@bp.post("/cases/<int:case_id>/pledges")
@operation("materials", ok=list[Pledge], body=NewPledges, errors=(400, 403, 404, 409))
def sign_pledges(case_id):
    """Sign a pledge in place of listed materials the catalogue allows it for (the applicant, or the window)"""
    return jsonify(engine().pledges.sign(case_id, json_body().get("materials"), g.actor))


@bp.get("/pledge-checks")
@operation("supervision", ok=PendingCheckPage, query=PendingCheckQuery, errors=(400, 403))
def pending_pledge_checks():
    """Pledges of approved cases still to be checked after the approval, in the actor's units, oldest first"""
    return jsonify(engine().pledges.pending_checks(g.actor, request.args.get("page"), request.args.get("per_page")))


@bp.post("/pledges/<int:pledge_id>/check")
@operation("supervision", ok=Pledge, body=PledgeCheck, errors=(400, 403, 404, 409))
def check_pledge(pledge_id):
    """Record the post-approval check of a pledge: whether it held, with the finding (once)"""
    body = json_body()
    return jsonify(engine().pledges.record_check(pledge_id, g.actor, body.get("held"), body.get("finding")))


@bp.get("/matters/<code>/forms")
@operation("catalogue", ok=list[FormFile], errors=(404,), public=True, paths=CODE)
def matter_form_files(code):
    """A published matter's form templates and sample filled forms (表格下载)"""
    return jsonify(engine().form_files.for_matter(code))


@bp.get("/matters/<code>/forms/<int:file_id>")
@operation("catalogue", files={200: FORM_TYPES}, errors=(404,), public=True, paths=CODE)
def matter_form_file(code, file_id):
    """Download a form file of a published matter"""
    return material_response(*engine().form_files.open(code, file_id))


@bp.post("/matters/<code>/forms")
@operation("catalogue", created=FormFile, form=FormFileUpload, errors=(400, 403, 404, 413), paths=CODE)
def upload_form_file(code):
    """Upload a form template or a sample filled form of a matter (系统管理员): PDF, Word, Excel or OFD, 5 MB"""
    upload = request.files.get("file")
    check_form()
    content = upload.read(FORM_FILE_MAX_BYTES + 1) if upload is not None else b""
    return (
        jsonify(
            engine().form_files.upload(
                code,
                request.form.get("kind"),
                request.form.get("title"),
                upload.filename if upload is not None else "",
                content,
                g.actor,
            )
        ),
        201,
    )
