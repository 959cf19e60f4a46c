"""A step's light follows its own BPMN timers (seed 002 §1; ``engine/deadlines/lights.py`` ``step_light``).

A step opens with no light, however near its limit. When one of its boundary timers fires, in the step that fires
it: a warning timer (``shenpi:timerRole="warning"``, or any timer that is not a limit) turns it yellow, a limit
timer (``limit``, or an id starting with ``Timer_Limit``) red. The change is a ``light_changed`` trail row and a
notice to the step's holder, in that step's transaction. A light never goes back while the step is open (a resume
or a recount moves the timers still waiting, not those that fired).
"""

from __future__ import annotations

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from ..deadlines.lights import step_light, worse
from ..models import TaskRecord
from ..notices import triggers as notice_triggers
from ..trail import chain as trail
from .stepper import CaseStepper, StepContext
from .wiring import Transition

_records = TaskRecord.__table__


class StepLights:
    def __init__(self, stepper: CaseStepper) -> None:
        self.stepper = stepper

    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        """Boundary timers that fired in this step light the open steps they are attached to."""
        limits: frozenset[str] | None = None
        for task, before in transitions:
            spec = task.task_spec
            if (
                task.state != TaskState.COMPLETED
                or before == TaskState.COMPLETED
                or task.parent is None
                or not isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)
                or type(task.parent.task_spec).__name__ != "BoundaryEventSplit"
            ):
                continue
            if limits is None:
                limits = self.stepper.store.repository.parsed(ctx.case.definition_id).steps.limit_timers
            is_limit = spec.bpmn_id in limits
            fired = step_light(warning_fired=not is_limit, limit_fired=is_limit)
            for sibling in task.parent.children:
                if sibling.task_spec.manual and sibling.state == TaskState.READY:
                    self._light(ctx, str(sibling.id), fired)

    @staticmethod
    def _light(ctx: StepContext, task_id: str, fired: str) -> None:
        record = ctx.connection.execute(
            sa.select(_records).where(_records.c.id == task_id, _records.c.state == "open").with_for_update()
        ).first()
        if record is None:
            return
        light = worse(record.light, fired)
        if light == (record.light or "none"):
            return
        ctx.connection.execute(
            _records.update().where(_records.c.id == task_id).values(light=light, light_next_at=None)
        )
        ctx.events.append(
            trail.event(
                "light_changed",
                ctx.now,
                case_id=ctx.case.id,
                task_id=task_id,
                element_id=record.element_id,
                actor="engine",
                from_state=record.light or "none",
                to_state=light,
            )
        )
        notice_triggers.task_light_changed(ctx.connection, record, light, ctx.now)
