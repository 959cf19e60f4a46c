from __future__ import annotations

from flask import g, jsonify, request

from . import bp
from .auth import engine
from .contract import operation
from .materials import files_sent
from .payload import form_json, int_arg, json_body, multipart
from .schemas.tasks import (
    AddSigner,
    CarbonCopy,
    CompletedTask,
    Completion,
    CompletionForm,
    FlowMove,
    GiveBack,
    Handover,
    Reason,
    Return,
    Signers,
    Task,
    TaskQuery,
    TaskWithForm,
    Urge,
    Withdrawal,
)

TASK = {"task_id": "the task id (a UUID)"}
ACT = (400, 403, 404, 409)


@bp.get("/tasks")
@operation("tasks", ok=list[Task], query=TaskQuery, errors=(400,))
def list_tasks():
    """The inbox: tasks in the caller's units, the most urgent first"""
    return jsonify(
        engine().tasks.list_tasks(
            g.actor,
            case=int_arg("case", None, 1),
            assignee=request.args.get("assignee"),
            lane=request.args.get("lane"),
            department=request.args.get("department"),
            state=request.args.get("state", "open"),
            limit=int_arg("limit", 200, 1),
        )
    )


@bp.get("/tasks/<task_id>")
@operation("tasks", ok=TaskWithForm, errors=(403, 404), paths=TASK)
def get_task(task_id):
    """A task with its step's form and the case's values of its fields"""
    return jsonify(engine().tasks.get_task(task_id, g.actor))


@bp.post("/tasks/<task_id>/claim")
@operation("tasks", ok=Task, errors=(403, 404, 409), paths=TASK)
def claim_task(task_id):
    """Claim a task of one's post"""
    return jsonify(engine().tasks.claim(task_id, g.actor))


@bp.post("/tasks/<task_id>/complete")
@operation("tasks", ok=CompletedTask, body=Completion, form=CompletionForm, errors=ACT + (413,), paths=TASK)
def complete_task(task_id):
    """Complete a step (multipart: with the official's attachments)"""
    if multipart():  # data as JSON, opinion, and the official's attachments in ``files``
        files = files_sent(required=False)
        return jsonify(
            engine().tasks.complete(task_id, g.actor, form_json("data"), request.form.get("opinion"), attachments=files)
        )
    body = json_body()
    return jsonify(engine().tasks.complete(task_id, g.actor, body.get("data"), body.get("opinion")))


@bp.post("/tasks/<task_id>/unclaim")
@operation("task operations", ok=Task, errors=ACT, paths=TASK)
def unclaim_task(task_id):
    """Release a claimed task (the holder or the department head)"""
    return jsonify(engine().task_ops.unclaim(task_id, g.actor))


@bp.post("/tasks/<task_id>/assign")
@operation("task operations", ok=Task, body=Handover, errors=ACT, paths=TASK)
def assign_task(task_id):
    """Assign to an official (the department head, post 负责人)"""
    body = json_body()
    return jsonify(engine().task_ops.assign(task_id, body.get("to"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/transfer")
@operation("task operations", ok=Task, body=Handover, errors=ACT, paths=TASK)
def transfer_task(task_id):
    """转办: hand the task over to another official of the post, with a reason"""
    body = json_body()
    return jsonify(engine().task_ops.transfer(task_id, body.get("to"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/delegate")
@operation("task operations", ok=Task, body=Handover, errors=ACT, paths=TASK)
def delegate_task(task_id):
    """委派: ask a colleague to do the work; it comes back to the holder"""
    body = json_body()
    return jsonify(engine().task_ops.delegate(task_id, body.get("to"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/give-back")
@operation("task operations", ok=Task, body=GiveBack, errors=ACT, paths=TASK)
def give_back_task(task_id):
    """End a delegation: the task goes back to the official who delegated it"""
    return jsonify(engine().task_ops.give_back(task_id, g.actor, json_body().get("opinion")))


@bp.post("/tasks/<task_id>/urge")
@operation("task operations", ok=Task, body=Urge, errors=ACT, paths=TASK)
def urge_task(task_id):
    """催办: remind whoever holds the task (once per person, task and day)"""
    return jsonify(engine().task_ops.urge(task_id, g.actor, json_body().get("message")))


@bp.post("/tasks/<task_id>/copy")
@operation("task operations", ok=Task, body=CarbonCopy, errors=ACT, paths=TASK)
def copy_task(task_id):
    """抄送: give read-only recipients sight of the case"""
    body = json_body()
    return jsonify(engine().task_ops.carbon_copy(task_id, body.get("recipients"), g.actor, body.get("note")))


@bp.post("/tasks/<task_id>/withdraw")
@operation("flow operations", ok=Withdrawal, body=Reason, errors=ACT, paths=TASK)
def withdraw_task(task_id):
    """撤回 one's own completed step (the task id of that step) while the next is unclaimed"""
    return jsonify(engine().flow_ops.withdraw(task_id, g.actor, json_body().get("reason")))


@bp.post("/tasks/<task_id>/return")
@operation("flow operations", ok=FlowMove, body=Return, errors=ACT, paths=TASK)
def return_task(task_id):
    """退回 the case to the previous or a named earlier step"""
    body = json_body()
    return jsonify(engine().flow_ops.return_to(task_id, g.actor, body.get("reason"), body.get("target")))


@bp.post("/tasks/<task_id>/jump")
@operation("flow operations", ok=FlowMove, body=Return, errors=ACT, paths=TASK)
def jump_task(task_id):
    """跳转 (a supervisor): to an earlier step, or forward past the steps between"""
    body = json_body()
    return jsonify(engine().flow_ops.jump(task_id, g.actor, body.get("reason"), body.get("target")))


@bp.post("/tasks/<task_id>/add-signer")
@operation("flow operations", ok=Signers, body=AddSigner, errors=ACT, paths=TASK)
def add_signer(task_id):
    """加签: add a signer to a running joint sign-off (the department head)"""
    body = json_body()
    return jsonify(engine().joint.add_signer(task_id, body.get("signer"), g.actor, body.get("reason")))


@bp.post("/tasks/<task_id>/remove-signer")
@operation("flow operations", ok=Signers, body=Reason, errors=ACT, paths=TASK)
def remove_signer(task_id):
    """减签: remove this instance's signer, not yet signed (the department head)"""
    return jsonify(engine().joint.remove_signer(task_id, g.actor, json_body().get("reason")))
