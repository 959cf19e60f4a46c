from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .materials import files_sent
from .payload import form_json, int_arg, json_body, multipart


@bp.get("/tasks")
def list_tasks():
    return jsonify(engine().tasks.list_tasks(
        g.actor, case=int_arg("case", None, 1), assignee=request.args.get("assignee"),
        lane=request.args.get("lane"), department=request.args.get("department"),
        state=request.args.get("state", "open"), limit=int_arg("limit", 200, 1),
    ))


@bp.get("/tasks/<task_id>")
def get_task(task_id):
    return jsonify(engine().tasks.get_task(task_id, g.actor))


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id):
    return jsonify(engine().tasks.claim(task_id, g.actor))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id):
    if multipart():   # data as JSON, opinion, and the official's attachments in ``files``
        files = files_sent(required=False)
        return jsonify(engine().tasks.complete(task_id, g.actor, form_json("data"), request.form.get("opinion"),
                                               attachments=files))
    body = json_body()
    return jsonify(engine().tasks.complete(task_id, g.actor, body.get("data"), body.get("opinion")))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task(task_id):
    return jsonify(engine().task_ops.unclaim(task_id, g.actor))


@bp.post("/tasks/<task_id>/assign")
def assign_task(task_id):
    body = json_body()
    return jsonify(engine().task_ops.assign(task_id, body.get("to"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/transfer")
def transfer_task(task_id):
    body = json_body()
    return jsonify(engine().task_ops.transfer(task_id, body.get("to"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/delegate")
def delegate_task(task_id):
    body = json_body()
    return jsonify(engine().task_ops.delegate(task_id, body.get("to"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/give-back")
def give_back_task(task_id):
    return jsonify(engine().task_ops.give_back(task_id, g.actor, json_body().get("opinion")))


@bp.post("/tasks/<task_id>/urge")
def urge_task(task_id):
    return jsonify(engine().task_ops.urge(task_id, g.actor, json_body().get("message")))


@bp.post("/tasks/<task_id>/copy")
def copy_task(task_id):
    body = json_body()
    return jsonify(engine().task_ops.carbon_copy(task_id, body.get("recipients"), g.actor, body.get("note")))


@bp.post("/tasks/<task_id>/withdraw")
def withdraw_task(task_id):
    return jsonify(engine().flow_ops.withdraw(task_id, g.actor, json_body().get("reason")))


@bp.post("/tasks/<task_id>/return")
def return_task(task_id):
    body = json_body()
    return jsonify(engine().flow_ops.return_to(task_id, g.actor, body.get("reason"), body.get("target")))


@bp.post("/tasks/<task_id>/jump")
def jump_task(task_id):
    body = json_body()
    return jsonify(engine().flow_ops.jump(task_id, g.actor, body.get("reason"), body.get("target")))


@bp.post("/tasks/<task_id>/add-signer")
def add_signer(task_id):
    body = json_body()
    return jsonify(engine().joint.add_signer(task_id, body.get("signer"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/remove-signer")
def remove_signer(task_id):
    return jsonify(engine().joint.remove_signer(task_id, g.actor, json_body().get("reason")))
