"""Operations that move a case's workflow back: withdraw (撤回), return (退回/驳回) and a supervisor's jump (跳转).

Each resets the workflow to an earlier user task (SpiffWorkflow's reset), in one step: the later open tasks
are withdrawn, the earlier step opens again with fresh step timers, and the trail records actor and reason.
"""
from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.util.task import TaskState

from . import payloads, trail
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .identity import Actor, require_task_access
from .workflow_state import reset_to


def _reason(reason) -> str:
    reason = payloads.opinion(reason)
    if not reason:
        raise InvalidInput("a reason is required", field="reason")
    return reason


def _user_ancestors(task):
    """Completed user tasks on the path from ``task`` up to the root, nearest first."""
    node = task.parent
    while node is not None:
        if node.task_spec.manual and node.state == TaskState.COMPLETED:
            yield node
        node = node.parent


class FlowOperations:
    def __init__(self, db, clock, stepper):
        self.db = db
        self.clock = clock
        self.stepper = stepper

    def withdraw(self, task_id: str, actor: Actor, reason: str | None) -> dict:
        """Take back one's own completed step while the steps it opened have not been started."""
        reason = _reason(reason)
        with self.db.reading() as session:
            from .models import TaskRecord

            record = session.get(TaskRecord, str(task_id))
            if record is None:
                raise NotFound(f"task {task_id} does not exist")
            if record.state != "completed" or record.completed_by != actor.id:
                raise PermissionDenied("only the official who completed this step may withdraw it")
            case_id = record.case_id
        with self.stepper.step(case_id, actor.id) as ctx:
            task = ctx.wf.get_task_from_id(UUID(str(task_id)))
            if task is None or task.state != TaskState.COMPLETED:
                raise Conflict("this step can no longer be withdrawn")
            later = [t for t in task if t is not task and t.task_spec.manual]
            if any(t.state == TaskState.COMPLETED for t in later):
                raise Conflict("a later step has already been completed")
            opened = [str(t.id) for t in later if t.state == TaskState.READY]
            started = ctx.session.execute(sa_open_claimed(opened)).first() if opened else None
            if started is not None:
                raise Conflict("the next step has already been started")
            ctx.reopened.update(reset_to(ctx.wf, task))
            ctx.wf.do_engine_steps()
            ctx.events.append(trail.event("task_withdrawn", ctx.now, case_id=case_id, task_id=str(task.id),
                                          element_id=task.task_spec.bpmn_id, actor=actor.id,
                                          detail={"reason": reason, "withdrawn": opened}))
        return {"case": case_id, "task": str(task_id), "state": "open"}

    def return_to(self, task_id: str, actor: Actor, reason: str | None, target: str | None = None,
                  jump: bool = False) -> dict:
        """Send the case from an open step back to the previous step, or to an earlier one by element id.
        With ``jump``, a supervisor or administrator moves the case (跳转) without holding the step."""
        reason = _reason(reason)
        with self.db.reading() as session:
            from .models import TaskRecord

            record = session.get(TaskRecord, str(task_id))
            if record is None:
                raise NotFound(f"task {task_id} does not exist")
            if record.state != "open":
                raise Conflict(f"task {task_id} is {record.state}")
            if jump:
                if not actor.oversees_all:
                    raise PermissionDenied("only a supervisor or administrator may move a case to another step")
            else:
                require_task_access(actor, record.department, record.post, record.assignee)
            case_id = record.case_id
        with self.stepper.step(case_id, actor.id) as ctx:
            current = ctx.wf.get_task_from_id(UUID(str(task_id)))
            if current is None or current.state != TaskState.READY:
                raise Conflict("this step is no longer open")
            candidates = list(_user_ancestors(current))
            if target:
                candidates = [t for t in candidates if t.task_spec.bpmn_id == target]
            if not candidates:
                raise InvalidInput(f"no earlier completed step {target or ''} to return to".strip(), field="target")
            destination = candidates[0]
            ctx.reopened.update(reset_to(ctx.wf, destination))
            ctx.wf.do_engine_steps()
            ctx.events.append(trail.event(
                "case_jumped" if jump else "task_returned", ctx.now, case_id=case_id, task_id=str(current.id),
                element_id=current.task_spec.bpmn_id, actor=actor.id, to_state=destination.task_spec.bpmn_id,
                detail={"reason": reason, "to": destination.task_spec.bpmn_id}))
        return {"case": case_id, "returned_to": destination.task_spec.bpmn_id}


def sa_open_claimed(task_ids):
    import sqlalchemy as sa

    from .models import TaskRecord

    return sa.select(TaskRecord.id).where(TaskRecord.id.in_(task_ids), TaskRecord.assignee.is_not(None))
