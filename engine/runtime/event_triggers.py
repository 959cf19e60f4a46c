"""Event subprocesses started by a message: SpiffWorkflow keeps no waiting task for them (the process's start task
lists them as triggers and creates the subprocess when the message is caught), so a running case waits for their
messages for as long as it runs. These read what a workflow's process can be triggered by."""

from __future__ import annotations

import uuid
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition

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
