"""The task page: the step's form (or the decision its gateways need), the case, and the operations the user may
perform on the task."""

from __future__ import annotations

from flask import render_template

from engine.casefiles import ALLOWED_FILE_LABELS, ALLOWED_FILE_TYPES
from engine.deadlines import worse as worse_light
from engine.runtime import ACCEPTANCE_STEP, allowed_operations

from ..messages import describe_all
from ..session import actor, engine, roles_required
from . import bp
from .case_page import case_context
from .labels import DECISION_FIELDS, DECISIONS
from .lists import STAFF

PANEL_ELSEWHERE = {"complete", "claim", "pause", "resume", "terminate", "issue_document"}


def task_context(task_id: str, me, values: dict | None = None, errors: dict | None = None) -> dict:
    shenpi = engine()
    task = shenpi.tasks.get_task(task_id, me)
    context = case_context(task["case"], me)
    case = context["case"]
    joint = shenpi.case_flow.is_joint(case["id"], task["element"])
    allowed = allowed_operations(me, task, case, joint)
    form = task.get("form")
    decisions = (
        []
        if form
        else [
            {
                "id": d["id"],
                "label": str(DECISION_FIELDS.get(d["id"], d["id"])),
                "options": [{"value": "approve", "label": str(DECISIONS["approve"])}]
                + [{"value": v, "label": str(DECISIONS.get(v, v))} for v in d["values"] if v != "approve"],
            }
            for d in shenpi.case_flow.decisions(case["id"], task["element"])
        ]
    )
    needs_people = allowed & {"transfer", "delegate", "assign", "copy"}
    current = task["element"]
    return dict(
        context,
        task=task,
        allowed=allowed,
        form=form,
        decisions=decisions,
        values=values or (form or {}).get("values") or {},
        errors=errors or {},
        colleagues=shenpi.inbox.colleagues(task_id, me) if needs_people else [],
        return_targets=[s for s in shenpi.case_flow.completed_steps(case["id"], me) if s["element"] != current],
        jump_targets=[s for s in shenpi.case_flow.steps(case["id"], me) if s["element"] != current]
        if "jump" in allowed
        else [],
        task_light=_task_light(task, case),
        panel_ops=allowed - PANEL_ELSEWHERE,
        upload=upload_limits() if "complete" in allowed else None,
        # the 受理 step offers accept / refuse (its form) and the one-time 补正 notice
        intake_supplement=task["element"] == ACCEPTANCE_STEP
        and task["state"] == "open"
        and "pause" in context["case_ops"]
        and not case["clock"]["accepted_at"],
    )


def upload_limits() -> dict:
    """What the attachments input accepts: the allowed types (read from content by the engine) and the per-file
    size limit."""
    return {
        "types": describe_all(ALLOWED_FILE_LABELS),
        "max_file_bytes": engine().materials.max_file_bytes,
        "accept": ",".join(e for t in ALLOWED_FILE_TYPES for e in t.extensions),
    }


def _task_light(task: dict, case: dict) -> str:
    if case["clock"]["paused"]:
        return "paused"
    return worse_light(task.get("light"), case.get("light"))


@bp.get("/tasks/<task_id>")
@roles_required(*STAFF)
def task(task_id):
    return render_template("inbox/task.html", **task_context(task_id, actor()))
