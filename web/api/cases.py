from __future__ import annotations

from flask import g, jsonify, request

from ..extensions import limiter
from . import bp
from .auth import engine
from .contract import operation
from .materials import files_sent
from .payload import form_json, int_arg, json_body, multipart
from .schemas.cases import (
    Case,
    CaseClock,
    CaseQuery,
    CaseSummary,
    NewCase,
    NewCaseForm,
    Pause,
    Progress,
    ProgressQuery,
    Resumption,
    Termination,
    TrailEntry,
)


@bp.post("/cases")
@operation("cases", created=Case, body=NewCase, form=NewCaseForm, errors=(400, 403, 404, 413))
def start_case():
    """Start a case

    JSON {matter, applicant, data}, or multipart with those fields (applicant and data as JSON) and the
    application materials in ``files`` (and ``slot``): a refused file starts no case."""
    if multipart():
        files = files_sent(required=False)
        case = engine().runtime.start_case(
            request.form.get("matter"), form_json("applicant"), form_json("data"), g.actor, materials=files
        )
        return jsonify(case), 201
    body = json_body()
    case = engine().runtime.start_case(body.get("matter"), body.get("applicant"), body.get("data"), g.actor)
    return jsonify(case), 201


@bp.get("/cases")
@operation("cases", ok=list[CaseSummary], query=CaseQuery, errors=(400,))
def list_cases():
    """Cases visible to the caller, newest first"""
    return jsonify(
        engine().runtime.list_cases(
            g.actor,
            request.args.get("status"),
            int_arg("limit", 100, 1),
            light=request.args.get("light"),
            department=request.args.get("department"),
        )
    )


@bp.get("/cases/<int:case_id>")
@operation("cases", ok=Case, errors=(403, 404))
def get_case(case_id):
    """A case with its open steps and its history"""
    return jsonify(engine().runtime.get_case(case_id, g.actor))


@bp.get("/cases/<int:case_id>/trail")
@operation("cases", ok=list[TrailEntry], errors=(403, 404))
def case_trail(case_id):
    """The case's rows of the supervision trail, in order"""
    return jsonify(engine().history.case_trail(case_id, g.actor))


@bp.post("/cases/<int:case_id>/terminate")
@operation("cases", ok=Case, body=Termination, errors=(400, 403, 404, 409))
def terminate_case(case_id):
    """Terminate a running case, with a reason (the responsible department or an administrator)"""
    return jsonify(engine().runtime.terminate(case_id, g.actor, json_body().get("reason")))


@bp.post("/cases/<int:case_id>/pause")
@operation("cases", ok=CaseClock, body=Pause, errors=(400, 403, 404, 409))
def pause_clock(case_id):
    """Pause the case clock (补正, special procedures, 中止)"""
    body = json_body()
    return jsonify(
        engine().case_clock.pause(case_id, body.get("kind"), body.get("reason"), g.actor, body.get("missing"))
    )


@bp.post("/cases/<int:case_id>/resume")
@operation("cases", ok=CaseClock, body=Resumption, errors=(400, 403, 404, 409))
def resume_clock(case_id):
    """Resume the case clock: every limit and timer moves by the working time paused"""
    return jsonify(engine().case_clock.resume(case_id, g.actor, json_body().get("note")))


@bp.get("/progress")
@limiter.limit("10 per minute; 100 per hour")
@operation(
    "cases",
    ok=Progress,
    query=ProgressQuery,
    errors={400: None, 404: None, 429: "too many look-ups from this address"},
    public=True,
)
def case_progress():
    """Follow a case without an account: its number and the 查询码 of its 受理通知书 (public view only; rate limited)"""
    return jsonify(engine().applicant_cases.track(request.args.get("number"), request.args.get("code")))
