"""Messages a case waits for: receive tasks, message start, intermediate catch and boundary events, the message
events after an event-based gateway, and the start events of event subprocesses started by a message.

A step that makes such an element wait records it (``message_wait``: the message's name, and the case data's
``correlation`` value at that moment, if any); a step that ends the wait (the message came, a boundary or a jump
passed it by) removes it. ``deliver`` is ``POST /api/v1/messages``: the message by ``name`` for a case (by its
number) or for every case whose wait carries that ``correlation``; its ``data`` is merged into the case data and the
case goes on, each case in a step of its own with a ``message_received`` trail event. A message nobody waits for is
refused (``message_not_waited``, 404) and changes nothing. A case waits for the messages that start its event
subprocesses from its first step to its end (``event_triggers.py``); each such message starts the subprocess beside
the flow (one that would interrupt it is refused at deployment).

Integration accounts (the data-exchange role) send messages to the cases of their own unit, administrators to any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..identity.access import units_seen
from ..identity.actors import ADMIN, EXCHANGE
from ..kernel import payloads
from ..models import Case, MessageWait
from ..trail import chain as trail
from .event_triggers import (
    gateway_events,
    gateway_wait_id,
    is_event_gateway,
    message_triggers,
    trigger_wait_id,
    waiting_after_gateway,
)

if TYPE_CHECKING:
    from ..definitions.repository import RepositoryService
    from ..identity.actors import Actor
    from ..kernel import Clock, Database
    from .stepper import CaseStepper, StepContext
    from .wiring import Transition

_waits = MessageWait.__table__
_cases = Case.__table__
MAX_NAME = 200
CORRELATION_FIELD = "correlation"


class MessageService:
    def __init__(self, db: Database, clock: Clock, stepper: CaseStepper, repository: RepositoryService) -> None:
        self.db = db
        self.clock = clock
        self.stepper = stepper
        self.repository = repository

    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        """Record the message waits this step started, remove those it ended."""
        names = self.repository.parsed(ctx.case.definition_id).messages
        if not names:
            return
        removed = [str(tid) for tid in getattr(ctx.live.wf.tasks, "removed", ())]
        if removed:  # a reset (退回, 跳转) took waiting tasks (and gateways) out of the workflow
            ids = removed + [gateway_wait_id(tid, element) for tid in removed for element in names]
            ctx.connection.execute(_waits.delete().where(_waits.c.task_id.in_(ids)))
        if ctx.wf.is_completed():  # an ended case waits for nothing
            if ctx.case.lock_version:
                ctx.connection.execute(_waits.delete().where(_waits.c.case_id == ctx.case.id))
            return
        if ctx.case.lock_version == 0:
            self._wait_for_triggers(ctx, names)
        for task, before in transitions:
            if is_event_gateway(task):
                waits = [(gateway_wait_id(task.id, e), e, names[e]) for e in gateway_events(task) if e in names]
            elif task.task_spec.bpmn_id in names:
                waits = [(str(task.id), task.task_spec.bpmn_id, names[task.task_spec.bpmn_id])]
            else:
                continue
            if task.state == TaskState.WAITING and before != TaskState.WAITING:
                correlation = task.data.get(CORRELATION_FIELD)
                for wait_id, element_id, name in waits:
                    self._insert_wait(ctx, wait_id, element_id, name, correlation)
            elif before == TaskState.WAITING and task.state != TaskState.WAITING:
                ctx.connection.execute(_waits.delete().where(_waits.c.task_id.in_([w[0] for w in waits])))

    @staticmethod
    def _insert_wait(ctx: StepContext, wait_id: str, element_id: str, name: str, correlation: object) -> None:
        ctx.connection.execute(
            _waits.insert().values(
                task_id=wait_id,
                case_id=ctx.case.id,
                element_id=element_id,
                name=name[:MAX_NAME],
                correlation=str(correlation)[:MAX_NAME] if correlation not in (None, "") else None,
                created_at=ctx.now,
            )
        )

    def _wait_for_triggers(self, ctx: StepContext, names: dict[str, str]) -> None:
        """A new case waits for the messages of its message-started event subprocesses."""
        correlation = ctx.wf.data.get(CORRELATION_FIELD)
        for element_id in message_triggers(ctx.wf):
            if element_id in names:
                wait_id = trigger_wait_id(ctx.case.id, element_id)
                self._insert_wait(ctx, wait_id, element_id, names[element_id], correlation)

    def waiting(self, case_id: int) -> list[dict[str, Any]]:
        """What a case waits for: [{element, name, correlation}]."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(_waits).where(_waits.c.case_id == case_id).order_by(_waits.c.created_at)
            ).all()
        return [{"element": r.element_id, "name": r.name, "correlation": r.correlation} for r in rows]

    def deliver(
        self,
        actor: Actor,
        name: object,
        case: object = None,
        correlation: object = None,
        data: object = None,
    ) -> dict[str, Any]:
        """Deliver the message ``name`` to the case numbered ``case`` or to the cases waiting with
        ``correlation``; ``data`` is merged into each case's data. {name, cases: [{id, number}]}."""
        if not ({ADMIN, EXCHANGE} & set(actor.roles)):
            raise PermissionDenied("messages_integration_only")
        name = payloads.text_field(name, "name", MAX_NAME, required=True)
        case = payloads.text_field(case, "case", MAX_NAME, required=False)
        correlation = payloads.text_field(correlation, "correlation", MAX_NAME, required=False)
        if (case is None) == (correlation is None):
            raise InvalidInput("message_case_or_correlation", field="case")
        payload = payloads.form_data(data)
        query = (
            sa.select(_waits.c.case_id, _cases.c.number)
            .join_from(_waits, _cases, _waits.c.case_id == _cases.c.id)
            .where(_waits.c.name == name, _cases.c.status == "running")
        )
        if ADMIN not in actor.roles:  # an integration account reaches the cases of its own unit
            query = query.where(_cases.c.department.in_(units_seen(actor)))
        if case is not None:
            query = query.where(_cases.c.number == case)
        else:
            query = query.where(_waits.c.correlation == correlation)
        with self.db.reading() as session:
            targets = list(dict.fromkeys(tuple(row) for row in session.execute(query.order_by(_waits.c.case_id))))
        delivered = [
            {"id": case_id, "number": number}
            for case_id, number in targets
            if self._deliver_one(case_id, name, payload, actor)
        ]
        if not delivered:
            if case is not None:
                raise NotFound("message_not_waited", name=name, case=case)
            raise NotFound("message_not_waited_correlation", name=name, correlation=correlation)
        return {"name": name, "cases": delivered}

    def _deliver_one(self, case_id: int, name: str, payload: dict[str, Any], actor: Actor) -> bool:
        try:
            self._catch(case_id, name, payload, actor)
        except _NotWaiting:
            return False
        return True

    def _catch(self, case_id: int, name: str, payload: dict[str, Any], actor: Actor) -> None:
        with self.stepper.step(case_id, actor.id) as ctx:
            waiting = ctx.connection.execute(
                sa.select(_waits.c.task_id, _waits.c.element_id).where(
                    _waits.c.case_id == case_id, _waits.c.name == name
                )
            ).first()
            if waiting is None:
                raise _NotWaiting
            trigger = message_triggers(ctx.wf).get(waiting.element_id)
            if (
                trigger is None
                and not any(
                    task.task_spec.bpmn_id == waiting.element_id for task in ctx.wf.get_tasks(state=TaskState.WAITING)
                )
                and not waiting_after_gateway(ctx.wf, waiting.element_id)
            ):
                raise _NotWaiting
            ctx.wf.catch(BpmnEvent(trigger or MessageEventDefinition(name), payload=dict(payload)))
            ctx.wf.do_engine_steps()
            ctx.events.append(
                trail.event(
                    "message_received",
                    ctx.now,
                    case_id=case_id,
                    task_id=waiting.task_id,
                    element_id=waiting.element_id,
                    actor=actor.id,
                    to_state=name[:64],
                    data_digest=trail.digest(payload),
                    detail={"message": name, "fields": sorted(payload)},
                )
            )


class _NotWaiting(Exception):
    """Raised inside a step to roll it back: the case stopped waiting meanwhile."""
