"""A waiting task's timers: when one fires (SpiffWorkflow's stored event value), which element it counts for (an
event-based gateway holds the timer of the event after it), whether it counts working time and so may be provisional,
and a user task's limit from the timer boundary events attached to it."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.task import Task as SpiffTask

from ..definitions.bpmn_validation import WORKING_TIME_FUNCTIONS
from ..definitions.timer_values import timer_of

if TYPE_CHECKING:
    from ..deadlines.working_time import WorkingCalendar


def timer_element(spec: Any) -> str | None:
    """The element whose timer a waiting task counts: its own, or for an event-based gateway the timer event after
    it (SpiffWorkflow keeps the events' definitions on the gateway, in the order of its outgoing flows)."""
    definitions = getattr(getattr(spec, "event_definition", None), "event_definitions", None)
    if definitions is None:
        return spec.bpmn_id
    timer = timer_of(spec)
    index = next((i for i, d in enumerate(definitions) if d is timer), None)
    outputs = getattr(spec, "outputs", [])
    return outputs[index].bpmn_id if index is not None and index < len(outputs) else spec.bpmn_id


def timer_due(task: SpiffTask) -> _dt.datetime | None:
    """When a waiting timer task fires (its stored SpiffWorkflow event value)."""
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # a cycle timer
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due = _dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return due if due.tzinfo else due.replace(tzinfo=_dt.UTC)


def counts_working_time(task: SpiffTask) -> bool:
    """A timer set by ``working_days(N)`` / ``working_hours(N)``: its instant depends on the calendar."""
    expression = getattr(timer_of(task.task_spec), "expression", None)
    return isinstance(expression, str) and expression.split("(", 1)[0].strip() in WORKING_TIME_FUNCTIONS


def timer_provisional(task: SpiffTask, calendar: WorkingCalendar, start: _dt.datetime) -> bool:
    """Whether a timer that started waiting at ``start`` was counted over provisional calendar days."""
    due = timer_due(task)
    return due is not None and counts_working_time(task) and calendar.provisional_between(start, due)


def step_timers(task: SpiffTask) -> list[SpiffTask]:
    """The timer boundary events attached to a user task (set in the BPMN)."""
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return []
    return [
        sibling
        for sibling in parent.children
        if sibling is not task
        and isinstance(getattr(sibling.task_spec, "event_definition", None), TimerEventDefinition)
    ]


def step_due(task: SpiffTask) -> _dt.datetime | None:
    """A user task's limit: the latest of the timer boundary events attached to it."""
    dues = [d for d in (timer_due(timer) for timer in step_timers(task)) if d is not None]
    return max(dues) if dues else None
