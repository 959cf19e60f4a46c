"""Connector calls: service tasks, send tasks and message throw events that call an allowed host over HTTP.

Never inside the step that reaches them (never in a web request): the step only records the call
(``connector_call``, pending) and, after commit, hands it to the worker (``queue``: a Celery task) — the sweep's
``connector_calls`` job picks up any call still pending. The worker (``run_call``):

1. reads the case's workflow and evaluates the request: ``url``, ``method``, ``headers`` and the ``payload``
   expression over the task's data (``definitions/connectors.py``), with an ``Idempotency-Key`` header that is the
   same for every attempt of the call;
2. sends it (``kernel/outbound.py``: allowed hosts only, checked again now; no redirects; a timeout) up to
   1 + ``retries`` times, waiting ``backoff`` seconds doubling between attempts; a 2xx answer succeeds;
3. on success, in one step: the output parameters evaluated over ``response`` (the parsed JSON body, else its text)
   and ``status`` go into the case data, a service task completes and the case goes on, the call is ``done`` and a
   ``connector_called`` trail event holds the digests of request and answer;
4. when every attempt failed: a ``connector_failed`` trail event, and the call raises — the sweep's runner makes it
   an incident on the case, which an administrator retries (``/admin/incidents``) once the cause is fixed.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from ..errors import InvalidState, Message
from ..kernel import outbound
from ..models import Case, ConnectorCall
from ..trail import chain as trail
from .workflow_state import task_by_id

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task as SpiffTask

    from ..definitions.connectors import Connector
    from ..definitions.repository import RepositoryService
    from ..kernel import Clock, Database
    from .stepper import CaseStepper, StepContext
    from .wiring import Transition
    from .workflow_store import WorkflowStore

_calls = ConnectorCall.__table__
_cases = Case.__table__
PENDING, DONE, WITHDRAWN, FAILED = "pending", "done", "withdrawn", "failed"
CallQueue = Callable[[str], None]


class ConnectorCalls:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        stepper: CaseStepper,
        store: WorkflowStore,
        repository: RepositoryService,
        hosts: outbound.Hosts,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.stepper = stepper
        self.store = store
        self.repository = repository
        self.hosts = hosts
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.queue: CallQueue | None = None  # set by the worker's wiring: a Celery task per call, after commit
        self.sleep: Callable[[float], None] = time.sleep

    # --- the step hook ------------------------------------------------------------------------------------
    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        """Record the calls this step reached (a service task started, a throw with a connector done) and withdraw
        those of service tasks that went away (a boundary event, a jump); queue the new ones after commit."""
        calls = self.repository.parsed(ctx.case.definition_id).connectors
        if not calls:
            return
        removed = [str(tid) for tid in getattr(ctx.live.wf.tasks, "removed", ())]
        if removed:  # a reset (退回, 跳转) took a started service task out of the workflow
            ctx.connection.execute(
                _calls.update()
                .where(_calls.c.task_id.in_(removed), _calls.c.state == PENDING)
                .values(state=WITHDRAWN, finished_at=ctx.now)
            )
        new: list[str] = []
        for task, before in transitions:
            connector = calls.get(task.task_spec.bpmn_id or "")
            if connector is None:
                continue
            tid = str(task.id)
            reached = TaskState.STARTED if connector.waits else TaskState.COMPLETED
            if task.state == reached and before != reached:
                ctx.connection.execute(
                    _calls.insert().values(
                        task_id=tid,
                        case_id=ctx.case.id,
                        element_id=connector.element_id,
                        state=PENDING,
                        created_at=ctx.now,
                    )
                )
                new.append(tid)
            elif connector.waits and before == TaskState.STARTED and task.state != TaskState.COMPLETED:
                ctx.connection.execute(
                    _calls.update()
                    .where(_calls.c.task_id == tid, _calls.c.state == PENDING)
                    .values(state=WITHDRAWN, finished_at=ctx.now)
                )
        if new and self.queue is not None:
            queue = self.queue

            def hand_over() -> None:
                for tid in new:
                    queue(tid)

            ctx.after_commit.append(hand_over)

    # --- the sweep's job ----------------------------------------------------------------------------------
    def due_calls(self, as_of: _dt.datetime, limit: int = 1000) -> list[str]:
        """Pending calls, oldest first (the sweep's ``connector_calls`` work)."""
        with self.db.reading() as session:
            return list(
                session.scalars(
                    sa.select(_calls.c.task_id)
                    .where(_calls.c.state == PENDING, _calls.c.created_at <= as_of)
                    .order_by(_calls.c.created_at)
                    .limit(limit)
                )
            )

    def call_place(self, task_id: str) -> tuple[int | None, str | None]:
        with self.db.reading() as session:
            row = session.execute(sa.select(_calls.c.case_id, _calls.c.element_id).where(_calls.c.task_id == task_id))
            found = row.first()
        return (found.case_id, found.element_id) if found else (None, None)

    def pending(self, case_id: int) -> list[dict[str, Any]]:
        """A case's calls (any state), oldest first."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(_calls).where(_calls.c.case_id == case_id).order_by(_calls.c.created_at)
            ).all()
        return [{"task": r.task_id, "element": r.element_id, "state": r.state} for r in rows]

    # --- one call -----------------------------------------------------------------------------------------
    def run_call(self, task_id: str, as_of: _dt.datetime | None = None) -> int:
        """Make one pending call (see the module's description); 1 when it was made now, 0 when nothing was to do."""
        with self.db.reading() as session:
            call = session.execute(sa.select(_calls).where(_calls.c.task_id == task_id)).first()
            if call is None or call.state != PENDING:
                return 0
            case = session.execute(
                sa.select(_cases.c.definition_id, _cases.c.lock_version, _cases.c.status).where(
                    _cases.c.id == call.case_id
                )
            ).one()
            connector = self.repository.parsed(case.definition_id).connectors.get(call.element_id)
            if case.status != "running" and (connector is None or connector.waits):
                return self._withdraw(task_id)  # a message end event's call is made after the case ended
            with self.store.reading(session, call.case_id, case.definition_id, case.lock_version) as wf:
                task = task_by_id(wf, UUID(task_id))
                if connector is None or task is None or (connector.waits and task.state != TaskState.STARTED):
                    request = None
                else:
                    request = self._request(connector, task, call.case_id)
        if request is None or connector is None:
            return self._withdraw(task_id)
        answer, attempts, failure = self._send(request)
        if answer is None and connector.waits and self._error_path(call, request, attempts, failure):
            return 1
        if answer is None:
            self._failed(call, connector, request, attempts, failure)
            raise InvalidState(
                "connector_failed", url=connector.url, attempts=attempts, detail=failure, element=call.element_id
            )
        return self._finish(call, connector, request, answer, attempts)

    def _request(self, connector: Connector, task: SpiffTask, case_id: int) -> dict[str, Any]:
        headers = dict(connector.headers)
        body: bytes | None = None
        if connector.payload is not None:
            value = self.store.script_engine.environment.evaluate(connector.payload, dict(task.data))
            if isinstance(value, (str, bytes)):
                body = value.encode("utf-8") if isinstance(value, str) else value
            else:
                body = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
                headers.setdefault("Content-Type", "application/json")
        key = hashlib.sha256(f"{case_id}:{task.id}".encode()).hexdigest()[:32]
        headers["Idempotency-Key"] = key
        return {"method": connector.method, "url": connector.url, "headers": headers, "body": body}

    def _send(self, request: dict[str, Any]) -> tuple[outbound.Response | None, int, Message]:
        failure = Message("connector_unreachable", detail="—")
        attempts = 0
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            attempts += 1
            try:
                answer = outbound.send(
                    request["method"], request["url"], request["headers"], request["body"], self.hosts, self.timeout
                )
            except outbound.OutboundError as exc:
                failure = exc.message
                if exc.message.reason in ("connector_host_not_allowed", "connector_url_invalid"):
                    break  # refused, not failed: trying again changes nothing
                continue
            if 200 <= answer.status < 300:
                return answer, attempts, failure
            failure = Message("connector_status", status=answer.status)
        return None, attempts, failure

    def _finish(
        self,
        call: sa.Row,
        connector: Connector,
        request: dict[str, Any],
        answer: outbound.Response,
        attempts: int,
    ) -> int:
        try:
            self._complete(call, connector, request, answer, attempts)
        except _AlreadyDone:
            return 0
        return 1

    def _complete(
        self,
        call: sa.Row,
        connector: Connector,
        request: dict[str, Any],
        answer: outbound.Response,
        attempts: int,
    ) -> None:
        response = _parsed(answer)
        called = functools.partial(_called_event, call, request, answer, attempts)
        if not connector.waits:  # nothing in the workflow changes: the call and its trail row, outside a step
            with self.db.transaction() as session:
                done = session.execute(
                    _calls.update()
                    .where(_calls.c.task_id == call.task_id, _calls.c.state == PENDING)
                    .values(state=DONE, finished_at=self.clock.now())
                )
                if done.rowcount != 1:  # type: ignore[attr-defined]
                    raise _AlreadyDone
                trail.append_outside_step(session, [called(self.clock.now())])
            return
        with self.stepper.step(call.case_id, "engine") as ctx:
            still = ctx.connection.execute(
                sa.select(_calls.c.state).where(_calls.c.task_id == call.task_id).with_for_update()
            ).scalar()
            if still != PENDING:
                raise _AlreadyDone
            task = ctx.wf.get_task_from_id(UUID(call.task_id))
            if task.state != TaskState.STARTED:
                raise _AlreadyDone
            environment = self.store.script_engine.environment
            context = {**task.data, "response": response, "status": answer.status}
            task.data.update({name: environment.evaluate(source, context) for name, source in connector.outputs})
            task.complete()
            ctx.wf.do_engine_steps()
            ctx.connection.execute(
                _calls.update().where(_calls.c.task_id == call.task_id).values(state=DONE, finished_at=ctx.now)
            )
            ctx.events.append(called(ctx.now))

    def _error_path(self, call: sa.Row, request: dict[str, Any], attempts: int, failure: Message) -> bool:
        """A failed call of a service task with an error boundary event: the case takes that path (the error's text
        in the case data as ``connector_error``) instead of an incident; False when the task has none."""
        try:
            with self.stepper.step(call.case_id, "engine") as ctx:
                task = ctx.wf.get_task_from_id(UUID(call.task_id))
                boundary = _error_boundary(task) if task.state == TaskState.STARTED else None
                if boundary is None:
                    raise _AlreadyDone
                ctx.connection.execute(
                    _calls.update().where(_calls.c.task_id == call.task_id).values(state=FAILED, finished_at=ctx.now)
                )
                event = BpmnEvent(boundary.task_spec.event_definition, payload={"connector_error": str(failure)})
                boundary.task_spec.catch(boundary, event)
                boundary.task_spec._update(boundary)
                ctx.wf.do_engine_steps()
                ctx.events.append(
                    trail.event(
                        "connector_failed",
                        ctx.now,
                        case_id=call.case_id,
                        task_id=call.task_id,
                        element_id=call.element_id,
                        actor="engine",
                        to_state=boundary.task_spec.bpmn_id,
                        data_digest=_digest(request, b""),
                        detail={
                            **_detail(request, None, None, attempts),
                            "error": str(failure)[:300],
                            "error_path": boundary.task_spec.bpmn_id,
                        },
                    )
                )
        except _AlreadyDone:
            return False
        return True

    def _failed(
        self, call: sa.Row, connector: Connector, request: dict[str, Any], attempts: int, failure: Message
    ) -> None:
        with self.db.transaction() as session:
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "connector_failed",
                        self.clock.now(),
                        case_id=call.case_id,
                        task_id=call.task_id,
                        element_id=call.element_id,
                        actor="engine",
                        data_digest=_digest(request, b""),
                        detail={**_detail(request, None, None, attempts), "error": str(failure)[:300]},
                    )
                ],
            )

    def _withdraw(self, task_id: str) -> int:
        with self.db.transaction() as session:
            session.execute(
                _calls.update()
                .where(_calls.c.task_id == task_id, _calls.c.state == PENDING)
                .values(state=WITHDRAWN, finished_at=self.clock.now())
            )
        return 0


class _AlreadyDone(Exception):
    """Raised inside a step to roll it back: another worker finished the call first."""


def _called_event(
    call: sa.Row, request: dict[str, Any], answer: outbound.Response, attempts: int, at: _dt.datetime
) -> trail.TrailRow:
    return trail.event(
        "connector_called",
        at,
        case_id=call.case_id,
        task_id=call.task_id,
        element_id=call.element_id,
        actor="engine",
        to_state=str(answer.status),
        data_digest=_digest(request, answer.body),
        detail=_detail(request, answer.body, answer.status, attempts),
    )


def _error_boundary(task: SpiffTask) -> SpiffTask | None:
    """The waiting error boundary event attached to ``task``, if any."""
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return None
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        if sibling is not task and sibling.state == TaskState.WAITING and isinstance(definition, ErrorEventDefinition):
            return sibling
    return None


def _parsed(answer: outbound.Response) -> Any:
    text = answer.body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _digest(request: dict[str, Any], body: bytes) -> str:
    sent = hashlib.sha256(request["body"] or b"").hexdigest()
    got = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{request['method']} {request['url']} {sent} {got}".encode()).hexdigest()


def _detail(request: dict[str, Any], body: bytes | None, status: int | None, attempts: int) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "method": request["method"],
        "url": request["url"],
        "attempts": attempts,
        "request_sha256": hashlib.sha256(request["body"] or b"").hexdigest(),
        "idempotency_key": request["headers"]["Idempotency-Key"],
    }
    if body is not None:
        detail["response_sha256"] = hashlib.sha256(body).hexdigest()
        detail["status"] = status
    return detail
