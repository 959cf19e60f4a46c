"""Message waits with no waiting task of their own.

- An event subprocess started by a message: SpiffWorkflow's process start task lists it as a trigger and creates the
  subprocess when the message is caught, so a running case waits for its message for as long as it runs.
- The message events after an event-based gateway: SpiffWorkflow moves their definitions onto the gateway, which
  waits for them (its outgoing events are only predicted until one fires).

Their ``message_wait`` rows get ids derived from the case or the gateway's task and the event's element.
"""

from __future__ import annotations

import uuid
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

_NAMESPACE = uuid.UUID("6f1d7c52-8f0e-4c59-9a51-3a4f0b1e2d7c")


def message_triggers(wf: BpmnWorkflow) -> dict[str, Any]:
    """Start event id -> its message event definition, for each event subprocess of the process started by a
    message."""
    found: dict[str, Any] = {}
    for name in getattr(wf.spec.start, "trigger_specs", ()):
        spec = wf.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", ()) if spec is not None else ():
            definition = getattr(start, "event_definition", None)
            if isinstance(definition, MessageEventDefinition) and start.bpmn_id:
                found[start.bpmn_id] = definition
    return found


def trigger_wait_id(case_id: int, element_id: str) -> str:
    """The wait row's id of a case's message-started event subprocess (no task exists to name it)."""
    return str(uuid.uuid5(_NAMESPACE, f"{case_id}:{element_id}"))


def is_event_gateway(task: SpiffTask) -> bool:
    return isinstance(task.task_spec, EventBasedGateway)


def gateway_events(task: SpiffTask) -> list[str]:
    """The elements after an event-based gateway's task, in the order of its outgoing flows."""
    return [spec.bpmn_id for spec in task.task_spec.outputs if spec.bpmn_id]


def gateway_wait_id(task_id: object, element_id: str) -> str:
    """The wait row's id of the message event ``element_id`` after the event-based gateway task ``task_id``."""
    return str(uuid.uuid5(_NAMESPACE, f"gateway:{task_id}:{element_id}"))


def waiting_after_gateway(wf: BpmnWorkflow, element_id: str) -> bool:
    """Whether an event-based gateway of the case waits for the event ``element_id``."""
    return any(
        is_event_gateway(task) and element_id in gateway_events(task) for task in wf.get_tasks(state=TaskState.WAITING)
    )
