"""Every task operation as an htmx POST: claim (also from the list), complete, and the clerk's and supervisor's
operations. Success refreshes the task's panel with a message, or goes to the inbox when the task has moved on."""

from __future__ import annotations

from flask import flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, InvalidInput, NotFound, TooLarge
from engine.identity import OFFICIAL

from ..messages import describe
from ..session import actor, engine, roles_required
from ..uploads import chosen_files
from . import bp
from .lists import STAFF
from .messages import readable
from .task_page import task_context


def _people(form, name: str) -> list[str]:
    chosen = form.getlist(name)
    typed = (form.get(name + "_extra") or "").replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    return list(dict.fromkeys(p.strip() for p in [*chosen, *typed] if p and p.strip()))


OPERATIONS = {
    "claim": (lambda s, me, t, f: s.tasks.claim(t, me), _l("已签收。")),
    "unclaim": (lambda s, me, t, f: s.task_ops.unclaim(t, me), _l("已退回签收，任务回到本岗待办。")),
    "assign": (lambda s, me, t, f: s.task_ops.assign(t, f.get("to"), me, f.get("reason")), _l("已分派。")),
    "transfer": (lambda s, me, t, f: s.task_ops.transfer(t, f.get("to"), me, f.get("reason")), _l("已转办。")),
    "delegate": (lambda s, me, t, f: s.task_ops.delegate(t, f.get("to"), me, f.get("reason")), _l("已委派。")),
    "give_back": (
        lambda s, me, t, f: s.task_ops.give_back(t, me, f.get("opinion")),
        _l("委派已结束，任务已交回委派人。"),
    ),
    "urge": (lambda s, me, t, f: s.task_ops.urge(t, me, f.get("message")), _l("已催办。")),
    "copy": (
        lambda s, me, t, f: s.task_ops.carbon_copy(t, _people(f, "recipients"), me, f.get("note")),
        _l("已抄送。"),
    ),
    "return": (
        lambda s, me, t, f: s.flow_ops.return_to(t, me, f.get("reason"), f.get("target") or None),
        _l("已退回。"),
    ),
    "withdraw": (lambda s, me, t, f: s.flow_ops.withdraw(t, me, f.get("reason")), _l("已撤回，该环节重新由您办理。")),
    "jump": (lambda s, me, t, f: s.flow_ops.jump(t, me, f.get("reason"), f.get("target") or None), _l("已跳转。")),
    "add_signer": (
        lambda s, me, t, f: s.joint.add_signer(t, (f.get("signer") or "").strip(), me, f.get("reason")),
        _l("已加签。"),
    ),
    "remove_signer": (lambda s, me, t, f: s.joint.remove_signer(t, me, f.get("reason")), _l("已减签。")),
}


@bp.post("/tasks/<task_id>/do/<operation>")
@roles_required(*STAFF)
def task_operation(task_id, operation):
    if operation not in OPERATIONS:
        raise NotFound("operation_not_found", operation=operation)
    run, done = OPERATIONS[operation]
    me = actor()
    try:
        run(engine(), me, task_id, request.form)
    except EngineError as exc:
        return _refused(readable(exc, operation), exc.status)
    return _after(task_id, str(done))


@bp.post("/tasks/<task_id>/complete")
@roles_required(*STAFF)
def complete(task_id):
    me = actor()
    form = request.form
    task = engine().tasks.get_task(task_id, me)
    data = _form_data(task.get("form"), form)
    try:
        engine().tasks.complete(
            task_id, me, data, form.get("opinion"), attachments=chosen_files([("attachments", None)]) or None
        )
    except InvalidInput as exc:  # TooLarge too: a refused attachment leaves the step open
        errors = {k: describe(v) for k, v in (exc.details.get("fields") or {}).items()}
        if not errors:
            field = exc.details.get("field")
            key = "attachments" if field == "files" or isinstance(exc, TooLarge) else field or "_"
            errors[key] = readable(exc, "complete")
        context = task_context(task_id, me, values=data)
        shown = (
            {f["id"] for f in (context["form"] or {}).get("fields", [])}
            | {d["id"] for d in context["decisions"]}
            | {"opinion", "attachments"}
        )
        context["errors"] = {k: v for k, v in errors.items() if k in shown}
        others = [str(v) for k, v in errors.items() if k not in shown]
        if others:
            context["errors"]["_"] = "；".join(others)
        context["opinion"] = form.get("opinion", "")
        body = render_template("inbox/_task_body.html", **context)
        message = render_template("_message.html", category="error", message=_("请按提示修改后再提交。"))
        return body + _oob_messages(message), 200
    except EngineError as exc:
        return _refused(readable(exc, "complete"), exc.status)
    return _after(task_id, _("办理完成，已转入下一环节。"))


def _form_data(form_spec: dict | None, form) -> dict:
    """The submitted values of the step's form (types are converted and checked by the engine), or of the
    decisions its gateways read when it has no form."""
    if form_spec:
        data = {}
        for field in form_spec["fields"]:
            if field.get("readonly"):
                continue
            if field["type"] == "boolean":
                data[field["id"]] = "true" if form.get(field["id"]) else "false"
            elif field["id"] in form:
                data[field["id"]] = form.get(field["id"])
        return data
    return {key[len("decision.") :]: value for key, value in form.items() if key.startswith("decision.") and value}


def _oob_messages(message_html: str) -> str:
    return f'<div id="messages" hx-swap-oob="innerHTML">{message_html}</div>'


def _refused(message: str, status: int):
    body = render_template("_message.html", category="error", message=message)
    if request.headers.get("HX-Request"):
        return body, status, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("error.html", status=status, title=_("操作未完成"), message=message), status


def _after(task_id: str, message: str):
    """Refresh what changed: the list row (claim from the list), the task panel, or go where the work is now."""
    me = actor()
    htmx = bool(request.headers.get("HX-Request"))
    note = render_template("_message.html", category="success", message=message)
    try:
        context = task_context(task_id, me)
    except EngineError:
        context = None
    still_here = context is not None and context["task"]["state"] == "open" and bool(context["allowed"] - {"urge"})
    if htmx and request.headers.get("HX-Target", "").startswith("task-") and context is not None:
        listed = engine().inbox.tasks(me, text=context["case"]["number"], per_page=100)["items"]
        row = next((t for t in listed if t["id"] == task_id), None)
        return (render_template("inbox/_task_row.html", t=row) if row else "") + _oob_messages(note)
    if htmx and still_here:
        return render_template("inbox/_task_body.html", **context) + _oob_messages(note)
    flash(message, "success")
    if OFFICIAL in me.roles:
        target = url_for("inbox.index")
    elif context is not None:
        target = url_for("inbox.case", case_id=context["case"]["id"])
    else:
        target = url_for("inbox.cases")
    response = make_response("", 200 if htmx else 303)
    response.headers["HX-Redirect" if htmx else "Location"] = target
    return response
