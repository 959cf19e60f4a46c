"""Automatic escalation of overdue steps, configured per matter and step in the catalogue.

When a step's limit timer fires (a boundary timer with ``shenpi:timerRole="limit"``, or in older files one whose
id starts with ``Timer_Limit``), the actions configured for that step run in the same transaction, each recorded
in the trail. The actions of a step come from, first found: the matter's catalogue entry for the step
(``[escalation.steps.<id>]``), the step in the flow (``shenpi:escalation``, set in the modeler), the matter's
``[escalation] actions``; otherwise all of them:

- ``notify_assignee`` / ``notify_head``: a notice to the assignee and to the department's heads (post 负责人);
- ``raise_to_head``: the task's escalation level goes up, so it rises in the heads' inbox;
- ``reassign_backup``: the task passes to the assignee's backup official (AB岗);
- ``open_supervision_item``: a supervision item for the department.

A step is never completed on anyone's behalf: the catalogue refuses ``auto_approve``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from ..definitions.step_settings import ESCALATION_ACTIONS
from ..errors import InvalidInput
from ..identity.actors import department_heads
from ..models import Matter, TaskRecord, User
from ..notices.messages import notify
from ..supervision.items import open_item
from ..trail import chain as trail
from .stepper import CaseStepper, StepContext
from .wiring import Transition

ACTIONS = ESCALATION_ACTIONS
DEFAULT_ACTIONS = ACTIONS
_records = TaskRecord.__table__


def validate_config(config: object, source: str) -> None:
    if config is None:
        return
    if not isinstance(config, dict):
        raise InvalidInput("escalation_not_a_table", source=source)
    if config.get("auto_approve"):
        raise InvalidInput("escalation_auto_approve", source=source)
    for where, actions in [("escalation", config.get("actions"))] + [
        (f"escalation.steps.{step}", value.get("actions")) for step, value in (config.get("steps") or {}).items()
    ]:
        if actions is None:
            continue
        unknown = [a for a in actions if a not in ACTIONS]
        if unknown:
            raise InvalidInput(
                "escalation_unknown_actions", source=source, where=where, unknown=unknown, known=list(ACTIONS)
            )


def actions_for(entry: dict[str, Any], step: str, in_flow: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The step's actions: the matter's for the step, else the flow's (``in_flow``), else the matter's own."""
    config = entry.get("escalation") or {}
    step_config = (config.get("steps") or {}).get(step) or {}
    if "actions" in step_config:
        return tuple(step_config["actions"])
    if in_flow is not None:
        return in_flow
    return tuple(config.get("actions", DEFAULT_ACTIONS))


class Escalator:
    def __init__(self, stepper: CaseStepper) -> None:
        self.stepper = stepper

    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        """A step's limit timer fired: escalate the steps still open beside it."""
        limits = None
        for task, _before in transitions:
            spec = task.task_spec
            if task.state != TaskState.COMPLETED or task.parent is None or not spec.bpmn_id:
                continue
            if limits is None:
                limits = self.stepper.store.repository.parsed(ctx.case.definition_id).steps.limit_timers
            if spec.bpmn_id in limits:
                for sibling in task.parent.children:
                    if sibling.task_spec.manual and sibling.state == TaskState.READY:
                        self.escalate(ctx, str(sibling.id), spec.bpmn_id)

    def escalate(self, ctx: StepContext, task_id: str, timer: str) -> None:
        session = ctx.connection
        record = session.execute(sa.select(_records).where(_records.c.id == task_id)).first()
        if record is None or record.state != "open":
            return
        entry = session.execute(sa.select(Matter.entry).where(Matter.code == ctx.case.matter_code)).scalar_one()
        in_flow = self.stepper.store.repository.parsed(ctx.case.definition_id).steps.escalation.get(record.element_id)
        actions = actions_for(entry, record.element_id, in_flow)
        heads = department_heads(session, record.department)
        message = f"办件 {ctx.case.number} 的“{record.name}”已超过环节时限，请即办理。"
        done: dict[str, Any] = {}
        values: dict[str, Any] = {}
        recipients: list[str] = []
        if "notify_assignee" in actions and record.assignee:
            recipients.append(record.assignee)
        if "notify_head" in actions:
            recipients += [h for h in heads if h not in recipients]
        notify(session, recipients, "escalation", message, ctx.now, case_id=ctx.case.id, task_id=task_id)
        done["notified"] = recipients
        if "raise_to_head" in actions:
            values.update(escalation_level=(record.escalation_level or 0) + 1, escalated_at=ctx.now)
            done["raised_to_heads"] = heads
        if "reassign_backup" in actions and record.assignee:
            backup = session.execute(sa.select(User.backup_user_id).where(User.id == record.assignee)).scalar()
            if backup:
                values["assignee"] = backup
                done["reassigned"] = {"from": record.assignee, "to": backup}
        if values:
            session.execute(_records.update().where(_records.c.id == task_id).values(**values))
        if "open_supervision_item" in actions:
            open_item(
                session,
                self.stepper.calendar(),
                ctx.now,
                kind="overdue_step",
                department=record.department,
                summary=message,
                case_id=ctx.case.id,
                task_id=task_id,
            )
            done["supervision_item"] = True
        ctx.events.append(
            trail.event(
                "task_escalated",
                ctx.now,
                case_id=ctx.case.id,
                task_id=task_id,
                element_id=record.element_id,
                actor="engine",
                to_state=f"level {(record.escalation_level or 0) + 1}",
                detail={"timer": timer, "actions": list(actions), **done},
            )
        )
