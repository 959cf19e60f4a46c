"""What a migrating case waits for outside its steps: a connector call the worker has still to make, a message, a
called process (issue 17 §2).

The rebuild keeps a task's id when its element keeps its id, so a wait row (``connector_call`` pending,
``message_wait``) is carried over as it is when the new version has the same element, doing the same thing: the
same element id holding a connector, or waiting for a message of the same name. Otherwise the case is refused,
naming the element, in the dry run as in the migration: the call would be made for a task that no longer exists, or
the message would wake nothing. A case inside a call activity (a called process running) is refused: the called
process's state is not rebuilt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.defaults import CallActivity
from SpiffWorkflow.util.task import TaskState

from ..errors import InvalidState
from ..models import ConnectorCall, MessageWait
from .connector_calls import PENDING
from .event_triggers import message_triggers, waiting_after_gateway

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from sqlalchemy.engine import Connection

    from ..definitions.repository import ParsedProcess

_calls = ConnectorCall.__table__
_waits = MessageWait.__table__


def refuse_inside_call_activity(wf: BpmnWorkflow, number: str) -> None:
    """Refuse the case while one of its call activities runs a called process."""
    for task in wf.get_tasks(state=TaskState.STARTED | TaskState.WAITING | TaskState.READY):
        if isinstance(task.task_spec, CallActivity) and task.workflow is wf:
            raise InvalidState("migration_in_call_activity", number=number, element=task.task_spec.bpmn_id)


def carry_over(
    connection: Connection, case_id: int, number: str, wf: BpmnWorkflow, new: ParsedProcess, version: int
) -> dict[str, int]:
    """Check every wait row of the case against the rebuilt workflow ``wf`` on the ``new`` version: the rows carried
    over ({connector_calls, message_waits}), or the refusal naming the first element that cannot move."""
    calls = connection.execute(
        sa.select(_calls.c.task_id, _calls.c.element_id).where(_calls.c.case_id == case_id, _calls.c.state == PENDING)
    ).all()
    for row in calls:
        if not _same_element(wf, row.task_id, row.element_id) or row.element_id not in new.connectors:
            raise InvalidState("migration_connector_call_moved", number=number, element=row.element_id, version=version)
    waits = connection.execute(
        sa.select(_waits.c.task_id, _waits.c.element_id, _waits.c.name).where(_waits.c.case_id == case_id)
    ).all()
    triggers = message_triggers(wf)
    for wait in waits:
        waits_there = (
            wait.element_id in triggers
            or waiting_after_gateway(wf, wait.element_id)
            or _same_element(wf, wait.task_id, wait.element_id)
        )
        if not waits_there or new.messages.get(wait.element_id) != wait.name:
            raise InvalidState(
                "migration_message_wait_moved", number=number, element=wait.element_id, name=wait.name, version=version
            )
    return {"connector_calls": len(calls), "message_waits": len(waits)}


def _same_element(wf: BpmnWorkflow, task_id: str, element_id: str) -> bool:
    try:
        task: Any = wf.get_task_from_id(UUID(task_id))
    except Exception:
        return False
    return task is not None and task.task_spec.bpmn_id == element_id and not task.has_state(TaskState.FINISHED_MASK)
