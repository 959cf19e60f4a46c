from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .materials import files_sent
from .payload import form_json, int_arg, json_body, multipart


@bp.post("/cases")
def start_case():
    """JSON {matter, applicant, data}, or multipart with those fields (applicant and data as JSON) and the
    application materials in ``files`` (and ``slot``): a refused file starts no case."""
    if multipart():
        files = files_sent(required=False)
        case = engine().runtime.start_case(request.form.get("matter"), form_json("applicant"), form_json("data"),
                                           g.actor, materials=files)
        return jsonify(case), 201
    body = json_body()
    case = engine().runtime.start_case(body.get("matter"), body.get("applicant"), body.get("data"), g.actor)
    return jsonify(case), 201


@bp.get("/cases")
def list_cases():
    return jsonify(engine().runtime.list_cases(
        g.actor, request.args.get("status"), int_arg("limit", 100, 1), light=request.args.get("light"),
        department=request.args.get("department")))


@bp.get("/cases/<int:case_id>")
def get_case(case_id):
    return jsonify(engine().runtime.get_case(case_id, g.actor))


@bp.get("/cases/<int:case_id>/trail")
def case_trail(case_id):
    return jsonify(engine().history.case_trail(case_id, g.actor))


@bp.post("/cases/<int:case_id>/terminate")
def terminate_case(case_id):
    return jsonify(engine().runtime.terminate(case_id, g.actor, json_body().get("reason")))


@bp.post("/cases/<int:case_id>/pause")
def pause_clock(case_id):
    body = json_body()
    return jsonify(engine().case_clock.pause(case_id, body.get("kind"), body.get("reason"), g.actor,
                                             body.get("missing")))


@bp.post("/cases/<int:case_id>/resume")
def resume_clock(case_id):
    return jsonify(engine().case_clock.resume(case_id, g.actor, json_body().get("note")))
