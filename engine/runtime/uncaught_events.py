"""Events a step threw that nothing in the case caught. SpiffWorkflow keeps them on the workflow (``bpmn_events``)
for the caller; an error or escalation end event with no boundary to catch it ends only its own path, so the step
records it on the case's trail (``event_uncaught``) for whoever reads the case. Thrown messages nobody in the case
waits for go nowhere (a connector is how a message leaves the case). Drained every step, so nothing accumulates in
the stored state."""

from __future__ import annotations

import datetime as _dt

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)

from ..trail import chain as trail

KINDS = ((ErrorEventDefinition, "error"), (EscalationEventDefinition, "escalation"))


def drain(wf: BpmnWorkflow, case_id: int, actor: str, now: _dt.datetime) -> list[trail.TrailRow]:
    """The trail rows of the errors and escalations thrown and caught nowhere since the last step."""
    rows = []
    for event in wf.get_events():
        definition = event.event_definition
        kind = next((name for cls, name in KINDS if isinstance(definition, cls)), None)
        if kind is None:
            continue
        name = str(definition.name or "")[:64]
        code = getattr(definition, "code", None)
        rows.append(
            trail.event(
                "event_uncaught",
                now,
                case_id=case_id,
                actor=actor,
                to_state=name or kind,
                detail={"kind": kind, "name": name, **({"code": str(code)[:64]} if code else {})},
            )
        )
    return rows
