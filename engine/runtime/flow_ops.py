"""Operations that move a case's workflow: withdraw (撤回), return (退回/驳回) and a supervisor's jump (跳转).

Moving back resets the workflow to an earlier user task (SpiffWorkflow's reset), in one step: the later open
tasks are withdrawn, the earlier step opens again with fresh step timers, and the trail records actor and reason.
A jump forward passes over the steps between: each is closed as ``skipped`` by the supervisor (never as
completed by its official) and carries no form data, so a gateway that needs a skipped step's decision
refuses the jump instead of guessing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..identity.access import require_task_in_sight
from ..identity.actors import Actor, require_task_access
from ..kernel import payloads
from ..models import TaskRecord, User
from ..trail import chain as trail
from .stepper import CaseStepper, StepContext
from .workflow_state import reset_to, task_by_id

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task as SpiffTask

    from ..kernel import Clock, Database


def _task_record(db: Database, task_id: str, actor: Actor, state: str | None = "open") -> TaskRecord:
    """The task's projection row (refused to whom does not see its case); with ``state``, a Conflict unless the
    task is in it."""
    with db.reading() as session:
        record = session.get(TaskRecord, str(task_id))
        if record is None:
            raise NotFound("task_not_found", task=task_id)
        require_task_in_sight(session, actor, record)
    if state is not None and record.state != state:
        raise Conflict("task_not_open", task=task_id, state=record.state)
    return record


def _reason(reason: object) -> str:
    reason = payloads.opinion(reason)
    if not reason:
        raise InvalidInput("reason_required", field="reason")
    return reason


def _user_ancestors(task: SpiffTask) -> Iterator[SpiffTask]:
    """Completed user tasks on the path from ``task`` up to the root, nearest first."""
    node = task.parent
    while node is not None:
        if node.task_spec.manual and node.state == TaskState.COMPLETED:
            yield node
        node = node.parent


class FlowOperations:
    def __init__(self, db: Database, clock: Clock, stepper: CaseStepper) -> None:
        self.db = db
        self.clock = clock
        self.stepper = stepper

    def withdraw(self, task_id: str, actor: Actor, reason: str | None) -> dict[str, Any]:
        """Take back one's own completed step while the steps it opened have not been started."""
        reason = _reason(reason)
        record = _task_record(self.db, task_id, actor, state=None)
        if record.state != "completed" or record.completed_by != actor.id:
            raise PermissionDenied("withdraw_not_allowed")
        case_id = record.case_id
        with self.stepper.step(case_id, actor.id) as ctx:
            task = task_by_id(ctx.wf, UUID(str(task_id)))
            if task is None or task.state != TaskState.COMPLETED:
                raise Conflict("step_not_withdrawable")
            later = [t for t in task if t is not task and t.task_spec.manual]
            if any(t.state == TaskState.COMPLETED for t in later):
                raise Conflict("later_step_completed")
            opened = [str(t.id) for t in later if t.state == TaskState.READY]
            started = (
                ctx.connection.execute(
                    sa.select(TaskRecord.id).where(TaskRecord.id.in_(opened), TaskRecord.assignee.is_not(None))
                ).first()
                if opened
                else None
            )
            if started is not None:
                raise Conflict("next_step_started")
            ctx.reopened.update(reset_to(ctx.wf, task))
            ctx.wf.do_engine_steps()
            ctx.events.append(
                trail.event(
                    "task_withdrawn",
                    ctx.now,
                    case_id=case_id,
                    task_id=str(task.id),
                    element_id=task.task_spec.bpmn_id,
                    actor=actor.id,
                    detail={"reason": reason, "withdrawn": opened},
                )
            )
        return {"case": case_id, "task": str(task_id), "state": "open"}

    def jump(self, task_id: str, actor: Actor, reason: str | None, target: str | None = None) -> dict[str, Any]:
        """A supervisor moves the case from an open step to another step (跳转): back to an earlier completed
        step (as a return), or forward to a later one, passing over the steps between."""
        return self.return_to(task_id, actor, reason, target, jump=True)

    def _jump_forward(
        self, ctx: StepContext, current: SpiffTask, actor: Actor, reason: str, target: str
    ) -> dict[str, Any]:
        if not any(
            t.task_spec.bpmn_id == target and t.task_spec.manual and not t.state & TaskState.FINISHED_MASK
            for t in current
            if t is not current
        ):
            raise InvalidInput("step_not_reachable", field="target", step=target, current=current.task_spec.bpmn_id)
        wf = ctx.wf
        untouched = {t.id for t in wf.get_tasks(state=TaskState.READY) if t is not current}
        frontier = [current]
        skipped: list[str] = []
        while frontier:
            for task in frontier:
                ctx.skipped.add(str(task.id))
                ctx.completed_by[str(task.id)] = (actor.id, reason)
                skipped.append(task.task_spec.bpmn_id)
                try:
                    task.run()
                    wf.do_engine_steps()
                except WorkflowException as exc:
                    raise InvalidInput(
                        "jump_needs_decision", field="target", step=task.task_spec.bpmn_id, detail=str(exc)
                    ) from None
            ready = [t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.manual and t.id not in untouched]
            if any(t.task_spec.bpmn_id == target for t in ready):
                break
            frontier = ready
        else:
            raise InvalidInput("step_not_ahead", field="target", step=target, current=current.task_spec.bpmn_id)
        ctx.events.append(
            trail.event(
                "case_jumped",
                ctx.now,
                case_id=ctx.case.id,
                task_id=str(current.id),
                element_id=current.task_spec.bpmn_id,
                actor=actor.id,
                to_state=target,
                detail={"reason": reason, "to": target, "skipped": skipped},
            )
        )
        return {"case": ctx.case.id, "jumped_to": target, "skipped": skipped}

    def return_to(
        self, task_id: str, actor: Actor, reason: str | None, target: str | None = None, jump: bool = False
    ) -> dict[str, Any]:
        """Send the case from an open step back to the previous step, or to an earlier one by element id.
        With ``jump``, a supervisor or administrator moves the case (跳转) without holding the step."""
        reason = _reason(reason)
        record = _task_record(self.db, task_id, actor)
        if jump:
            if not actor.oversees(record.department):
                raise PermissionDenied("jump_not_allowed")
        else:
            require_task_access(actor, record.department, record.post, record.assignee)
        case_id = record.case_id
        with self.stepper.step(case_id, actor.id) as ctx:
            current = task_by_id(ctx.wf, UUID(str(task_id)))
            if current is None or current.state != TaskState.READY:
                raise Conflict("step_not_open")
            candidates = list(_user_ancestors(current))
            if target:
                candidates = [t for t in candidates if t.task_spec.bpmn_id == target]
            if jump and target and not candidates:
                return self._jump_forward(ctx, current, actor, reason, target)
            if not candidates:
                raise InvalidInput("no_step_to_return_to", field="target", step=target or None)
            destination = candidates[0]
            ctx.reopened.update(reset_to(ctx.wf, destination))
            ctx.wf.do_engine_steps()
            ctx.events.append(
                trail.event(
                    "case_jumped" if jump else "task_returned",
                    ctx.now,
                    case_id=case_id,
                    task_id=str(current.id),
                    element_id=current.task_spec.bpmn_id,
                    actor=actor.id,
                    to_state=destination.task_spec.bpmn_id,
                    detail={"reason": reason, "to": destination.task_spec.bpmn_id},
                )
            )
        return {"case": case_id, "returned_to": destination.task_spec.bpmn_id}


class JointSignOff:
    """加签/减签: adding or removing signers of a running joint sign-off (a parallel multi-instance step)."""

    def __init__(self, db: Database, clock: Clock, stepper: CaseStepper) -> None:
        self.db = db
        self.clock = clock
        self.stepper = stepper

    def _context(self, task_id: str, actor: Actor) -> int:
        record = _task_record(self.db, task_id, actor)
        if not actor.heads(record.department):
            raise PermissionDenied("signers_not_allowed")
        return record.case_id

    @staticmethod
    def _joint_step(ctx: StepContext, task_id: str) -> tuple[SpiffTask, SpiffTask, ParallelMultiInstanceTask]:

        instance = task_by_id(ctx.wf, UUID(str(task_id)))
        parent = instance.parent if instance is not None else None
        if (
            parent is None
            or not isinstance(parent.task_spec, ParallelMultiInstanceTask)
            or parent.task_spec.data_input is None
        ):
            raise InvalidInput("not_a_joint_sign_off", field="task")
        if parent.state != TaskState.STARTED:
            raise Conflict("joint_sign_off_finished")
        return instance, parent, parent.task_spec

    def add_signer(self, task_id: str, signer: str, actor: Actor, reason: str | None) -> dict[str, Any]:
        reason = _reason(reason)
        if not isinstance(signer, str) or not signer.strip():
            raise InvalidInput("signer_id_required", field="signer")
        with self.db.reading() as session:
            if session.get(User, signer) is None:
                raise NotFound("user_not_found", user=signer)
        case_id = self._context(task_id, actor)
        with self.stepper.step(case_id, actor.id) as ctx:
            _instance, parent, spec = self._joint_step(ctx, task_id)
            signers = spec.data_input.get(parent)
            if signer in signers:
                raise InvalidInput("already_a_signer", field="signer", signer=signer)
            signers.append(signer)
            spec.create_child(parent, signer, len(signers) - 1)
            ctx.wf.do_engine_steps()
            ctx.events.append(
                trail.event(
                    "signer_added",
                    ctx.now,
                    case_id=case_id,
                    element_id=spec.bpmn_id,
                    actor=actor.id,
                    to_state=signer,
                    detail={"reason": reason},
                )
            )
        return {"case": case_id, "signers": list(signers)}

    def remove_signer(self, task_id: str, actor: Actor, reason: str | None) -> dict[str, Any]:
        """Remove the signer of ``task_id`` (an instance not yet signed)."""
        reason = _reason(reason)
        case_id = self._context(task_id, actor)
        with self.stepper.step(case_id, actor.id) as ctx:
            instance, parent, spec = self._joint_step(ctx, task_id)
            if instance.state != TaskState.READY:
                raise Conflict("signer_already_signed")
            if len([c for c in parent.children if c.task_spec.name == spec.task_spec]) <= 1:
                raise Conflict("last_signer")
            signers = spec.data_input.get(parent)
            signer = instance.data.get(spec.input_item.bpmn_id) if spec.input_item is not None else None
            ctx.wf._remove_task(instance.id)
            if signer in signers:
                signers.remove(signer)
            if spec.children_complete(parent):
                parent._set_state(TaskState.READY)
            ctx.wf.do_engine_steps()
            ctx.events.append(
                trail.event(
                    "signer_removed",
                    ctx.now,
                    case_id=case_id,
                    task_id=str(task_id),
                    element_id=spec.bpmn_id,
                    actor=actor.id,
                    from_state=signer,
                    detail={"reason": reason},
                )
            )
        return {"case": case_id, "signers": list(signers)}
