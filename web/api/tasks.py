from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .payload import int_arg, json_body


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
    body = json_body()
    return jsonify(engine().tasks.complete(task_id, g.actor, body.get("data"), body.get("opinion")))
