"""Which operations an actor may perform on a task: the same rules the operations enforce, asked in advance
so that pages offer only what the user may do (the operations still check)."""

from __future__ import annotations

from typing import Any

from ..identity.actors import Actor, may_act_on_task


def allowed_operations(actor: Actor, task: dict[str, Any], case: dict[str, Any], joint: bool = False) -> set[str]:
    """``task`` and ``case`` as TaskService.get_task and CaseService.get_case return them."""
    allowed: set[str] = set()
    department, post, assignee, owner = task["department"], task["post"], task["assignee"], task["owner"]
    head = actor.heads(department)
    holder = assignee is not None and (assignee == actor.id or assignee in actor.standing_in_for)
    responsible = actor.is_admin or actor.department == case["department"]
    if task["state"] == "open" and case["status"] == "running":
        acts = may_act_on_task(actor, department, post, assignee)
        if assignee is None and may_act_on_task(actor, department, post, None):
            allowed.add("claim")
        if acts:
            allowed |= {"complete", "return"}
        if assignee is not None and (assignee == actor.id or head):
            allowed.add("unclaim")
        if head:
            allowed.add("assign")
        if assignee == actor.id or head:
            allowed |= {"transfer", "copy"}
        if assignee == actor.id and owner is None:
            allowed.add("delegate")
        if owner is not None and actor.id in (assignee, owner):
            allowed.add("give_back")
        if not holder:
            allowed.add("urge")
        if actor.oversees(department):
            allowed.add("jump")
        if joint and head:
            allowed |= {"add_signer", "remove_signer"}
    if task["state"] == "completed" and task["completed_by"] == actor.id and case["status"] == "running":
        allowed.add("withdraw")
    if responsible and case["status"] == "running":
        allowed |= {"pause" if not case["clock"]["paused"] else "resume", "terminate", "issue_document"}
    return allowed
