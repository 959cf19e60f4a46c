"""One state change of one case, in one transaction.

Loads the case's workflow (optimistic lock on ``lock_version``), lets the caller
change it, then writes together: the workflow journal, the task projection, the
trail rows for every task transition, and the case row with its new version.
A new case's first step takes the same path (``first_step``). What else runs on
each step, on a case's end and on a failed step is the engine's wiring table
(``engine/bootstrap.py``), handed to the stepper once as a ``Wiring``.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from ..deadlines.lights import NONE
from ..definitions.expressions import step_refusal
from ..definitions.timer_values import timer_of
from ..errors import Conflict, EngineError, InvalidInput, InvalidState, NotFound
from ..identity.actors import split_lane
from ..kernel import clock as clock_module
from ..kernel import fast_sql, log_context
from ..models import Case, Matter, PendingTimer, TaskRecord, User
from ..trail import chain as trail
from . import uncaught_events
from .task_timers import step_due, step_timers, timer_due, timer_element, timer_provisional
from .wiring import Transition, Wiring

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow

    from ..deadlines.working_time import WorkingCalendar
    from ..kernel import Clock, Database
    from ..trail.chain import TrailRow
    from .workflow_store import LiveWorkflow, WorkflowStore

_cases = Case.__table__
_task_records = TaskRecord.__table__
log = logging.getLogger(__name__)
_timers = PendingTimer.__table__
_matters = Matter.__table__
_users = User.__table__

_CASE_COLUMNS = (
    _cases.c.id,
    _cases.c.number,
    _cases.c.definition_id,
    _cases.c.department,
    _cases.c.status,
    _cases.c.outcome,
    _cases.c.lock_version,
    _cases.c.trail_seq,
    _cases.c.trail_hash,
    _cases.c.matter_code,
    _cases.c.accepted_at,
    _cases.c.paused_since,
)
SELECT_CASE = sa.select(*_CASE_COLUMNS).where(_cases.c.id == sa.bindparam("case_id"))
SELECT_TASK_AND_CASE = (
    sa.select(_task_records, *(c.label(f"case__{c.name}") for c in _CASE_COLUMNS))
    .join_from(_task_records, _cases, _task_records.c.case_id == _cases.c.id)
    .where(_task_records.c.id == sa.bindparam("task_id"))
)
# on PostgreSQL the same reads draw the step's trail numbers too (trail.chain DRAW_AHEAD_PG): no round trip for them
SELECT_CASE_PG = SELECT_CASE.add_columns(trail.DRAW_AHEAD_PG)
SELECT_TASK_AND_CASE_PG = SELECT_TASK_AND_CASE.add_columns(trail.DRAW_AHEAD_PG)
INSERT_RECORD = _task_records.insert()
CLOSE_RECORD = (
    _task_records.update()
    .where(_task_records.c.id == sa.bindparam("task_id_"))
    .values(
        state=sa.bindparam("state"),
        completed_at=sa.bindparam("completed_at"),
        completed_by=sa.bindparam("completed_by"),
        opinion=sa.bindparam("opinion"),
    )
)
_LOCKED_CASE = _cases.update().where(
    _cases.c.id == sa.bindparam("case_id_"), _cases.c.lock_version == sa.bindparam("expected_version")
)
_NEXT_VERSION: dict[str, Any] = dict(
    lock_version=sa.bindparam("lock_version"),
    trail_seq=sa.bindparam("trail_seq_"),
    trail_hash=sa.bindparam("trail_hash_"),
)
BUMP_CASE = _LOCKED_CASE.values(**_NEXT_VERSION)
SET_CASE_VALUES = _cases.update().where(_cases.c.id == sa.bindparam("case_id_"))  # the columns given as parameters
END_CASE = _LOCKED_CASE.values(
    **_NEXT_VERSION,
    status=sa.bindparam("status_"),
    outcome=sa.bindparam("outcome_"),
    ended_at=sa.bindparam("ended_at_"),
)


# What the wiring table's hooks read of a case beyond ``CaseRow``, read once per step (``StepContext.facts``): the
# columns no step changes and the matter's, with the roles of the account that started the case.
SELECT_FACTS = (
    sa.select(
        _cases.c.department,
        _cases.c.number,
        _cases.c.applicant,
        _cases.c.created_by,
        _cases.c.query_code,
        _matters.c.code.label("matter_code"),
        _matters.c.name.label("matter_name"),
        _matters.c.matter_type,
        _matters.c.entry.label("matter_entry"),
        _matters.c.handling.label("matter_handling"),
        _matters.c.promised_limit_days,
        _matters.c.statutory_limit_days,
        _users.c.roles.label("creator_roles"),
    )
    .select_from(
        _cases.join(_matters, _matters.c.code == _cases.c.matter_code).outerjoin(
            _users, _users.c.id == _cases.c.created_by
        )
    )
    .where(_cases.c.id == sa.bindparam("case_id"))
)


def signer_of(task: SpiffTask) -> Any:
    """The item a multi-instance child was created for (e.g. a signer's user id), if any."""
    parent_spec = task.parent.task_spec if task.parent is not None else None
    input_item = getattr(parent_spec, "input_item", None)
    if input_item is not None:
        return task.data.get(input_item.bpmn_id)
    return task.internal_data.get("item")


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str
    definition_id: int
    department: str
    status: str
    outcome: str | None
    lock_version: int
    trail_seq: int = 0
    trail_hash: str = ""
    matter_code: str = ""
    accepted_at: _dt.datetime | None = None
    paused_since: _dt.datetime | None = None


DEFINITE = (
    TaskState.READY
    | TaskState.WAITING
    | TaskState.STARTED
    | TaskState.COMPLETED
    | TaskState.CANCELLED
    | TaskState.ERROR
)
OPEN_USER_TASK = "open"


@dataclass
class StepContext:
    connection: sa.Connection  # the step's transaction (Core: the lean path)
    case: CaseRow
    live: LiveWorkflow
    actor_id: str
    now: _dt.datetime
    completed_by: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # task id -> (actor, opinion)
    events: list[TrailRow] = field(default_factory=list)  # extra trail rows (case events)
    record: sa.Row | None = None  # the task row a task operation is about
    opened: list[dict[str, str]] = field(default_factory=list)  # user tasks this step opened: {id, element, name}
    case_values: dict[str, Any] = field(default_factory=dict)  # further case columns this step sets
    reopened: dict[UUID, int] = field(default_factory=dict)  # task id -> state before a reset made it unfinished
    skipped: set[str] = field(default_factory=set)  # task ids a supervisor's forward jump passed over
    timer_origins: dict[str, _dt.datetime] = field(default_factory=dict)  # timer task id -> when it was counted from
    trail_numbers: list[int] = field(default_factory=list)  # drawn with the case's read (PostgreSQL), for its trail

    @property
    def reopened_ids(self) -> set[str]:
        return {str(tid) for tid in self.reopened}

    timers: list[_dt.datetime] = field(default_factory=list)  # (due) of timers this step started waiting
    after_commit: list[Callable[[], None]] = field(default_factory=list)  # run once the step has committed
    _facts: Any = field(default=None, repr=False)  # sa.Row of SELECT_FACTS, once read

    @property
    def wf(self) -> BpmnWorkflow:
        return self.live.wf

    @property
    def facts(self) -> Any:
        """The case's columns no step changes (department, number, applicant, created_by, query_code as stored
        before this step), its matter's (matter_code, matter_name, matter_type, matter_entry, matter_handling,
        promised_limit_days, statutory_limit_days) and the roles of the account that started it (creator_roles, None without one):
        one read, the first time a hook asks, shared by the hooks of the step."""
        if self._facts is None:
            self._facts = self.connection.execute(SELECT_FACTS, {"case_id": self.case.id}).one()
        return self._facts


class CaseStepper:
    def __init__(
        self, db: Database, store: WorkflowStore, clock: Clock, calendar: Callable[[], WorkingCalendar]
    ) -> None:
        self.calendar = calendar  # for the provisional marks of new tasks' limits
        self.db = db
        self.store = store
        self.clock = clock
        self.wiring = Wiring()  # set once by the composition root

    @contextmanager
    def step(
        self, case_id: int | None, actor_id: str, task_id: str | None = None, at: _dt.datetime | None = None
    ) -> Iterator[StepContext]:
        """A transaction on one case; with ``task_id`` the case is the task's and ``ctx.record`` its row. With
        ``at`` the step happens at that instant (a sweep ``--as-of``), timers included."""
        clock = clock_module.FixedClock(at) if at is not None else self.clock
        failed_case = {"id": case_id}
        with clock_module.running_on(clock), self._reporting_failures(failed_case):
            with self.db.connect() as connection:
                case, record, numbers = self._load(connection, case_id, task_id)
                failed_case["id"] = case.id
                element = record.element_id if record is not None else None
                with log_context.bound(case_id=case.id, element=element):
                    live = self.store.checkout(connection, case.id, case.definition_id, case.lock_version)
                    with self._writing(connection, case, live, actor_id, record, clock.now(), numbers) as ctx:
                        yield ctx
            self._committed(ctx)

    @contextmanager
    def first_step(
        self, actor_id: str, open_case: Callable[[sa.Connection, _dt.datetime], CaseRow]
    ) -> Iterator[StepContext]:
        """A new case's first step, by the same path as every other: ``open_case`` inserts the case row in the
        step's transaction and returns it; the caller starts the (empty) workflow."""
        failed_case: dict[str, int | None] = {"id": None}
        with clock_module.running_on(self.clock), self._reporting_failures(failed_case):
            with self.db.connect() as connection:
                now = self.clock.now()
                case = open_case(connection, now)
                failed_case["id"] = case.id
                live = self.store.new(case.id, case.definition_id)
                with self._writing(connection, case, live, actor_id, None, now) as ctx:
                    yield ctx
            self._committed(ctx)

    @contextmanager
    def _reporting_failures(self, failed_case: dict[str, int | None]) -> Iterator[None]:
        """Failure hooks on a refused step; SpiffWorkflow's own failures (an expression or timer over its bounds,
        wherever the step ran the workflow) become engine errors: the step is refused, never a server error."""
        try:
            try:
                yield
            except WorkflowException as exc:
                raise step_refusal(exc) or InvalidInput("step_could_not_complete", detail=str(exc)) from None
        except EngineError as error:
            for handler in self.wiring.failure:
                handler(error, failed_case["id"])
            raise

    @staticmethod
    def _load(
        connection: sa.Connection, case_id: int | None, task_id: str | None
    ) -> tuple[CaseRow, sa.Row | None, list[int]]:
        """The case (and the task) the step is about, and on PostgreSQL trail numbers drawn by the same read."""
        record = None
        postgresql = connection.dialect.name == "postgresql"
        if task_id is not None:
            statement = SELECT_TASK_AND_CASE_PG if postgresql else SELECT_TASK_AND_CASE
            record = connection.execute(statement, {"task_id": task_id}).first()
            if record is None:
                raise NotFound("task_not_found", task=task_id)
            if record.state != OPEN_USER_TASK:
                raise Conflict("task_not_open", task=task_id, state=record.state)
            case = CaseRow(*(record._mapping[f"case__{c.name}"] for c in _CASE_COLUMNS))
            numbers = record._mapping["trail_numbers"] if postgresql else None
        else:
            found = connection.execute(SELECT_CASE_PG if postgresql else SELECT_CASE, {"case_id": case_id}).first()
            if found is None:
                raise NotFound("case_not_found", case=case_id)
            case = CaseRow(*found[: len(_CASE_COLUMNS)])
            numbers = found[len(_CASE_COLUMNS)] if postgresql else None
        if case.status != "running":
            raise InvalidState("case_ended", number=case.number, outcome=case.outcome)
        return case, record, list(numbers or ())

    @contextmanager
    def _writing(
        self,
        connection: sa.Connection,
        case: CaseRow,
        live: LiveWorkflow,
        actor_id: str,
        record: sa.Row | None,
        now: _dt.datetime,
        trail_numbers: list[int] | None = None,
    ) -> Iterator[StepContext]:
        """The caller changes the workflow, then everything is written; nothing is kept of a failed step."""
        try:
            ctx = StepContext(connection, case, live, actor_id, now, record=record, trail_numbers=trail_numbers or [])
            yield ctx
            try:
                self.finish(ctx)
            except sa.exc.IntegrityError:
                # A concurrent step on the same case wrote the same task, journal or trail keys first.
                raise Conflict("case_changed_concurrently", number=case.number) from None
        except BaseException:
            self.store.discard(case.id)
            raise

    def _committed(self, ctx: StepContext) -> None:
        """What follows a committed step is best effort (metrics, handing timers and connector calls to the worker,
        notices): the sweep does again what a failure leaves undone, and the step stands, so a failure is logged and
        never answered as the step's."""
        self.store.checkin(ctx.live, ctx.case.lock_version + 1)
        for callback in ctx.after_commit:
            try:
                callback()
            except Exception:
                log.exception("after the committed step of case %s", ctx.case.id)

    def finish(self, ctx: StepContext) -> None:
        """Project the workflow's changes and commit them with the case's new version."""
        connection, live, case = ctx.connection, ctx.live, ctx.case
        wf = live.wf
        rows = ctx.events
        transitions = self._transitions(live, ctx.reopened)
        self._close_removed(ctx)
        for task, before in transitions:
            rows.extend(self._project(ctx, task, before))
        for hook in self.wiring.step:
            hook(ctx, transitions)
        if wf.bpmn_events:
            rows.extend(uncaught_events.drain(wf, case.id, ctx.actor_id, ctx.now))
        if ctx.case_values:
            connection.execute(SET_CASE_VALUES, {"case_id_": case.id, **ctx.case_values})
        lock: dict[str, Any]
        lock = {"case_id_": case.id, "expected_version": case.lock_version, "lock_version": case.lock_version + 1}
        statement = BUMP_CASE
        if wf.is_completed():
            outcome = (
                self._outcome(wf, self.store.repository.parsed(case.definition_id).outcomes)
                if wf.success
                else "terminated"
            )
            statement, lock = END_CASE, {**lock, "status_": "ended", "outcome_": outcome, "ended_at_": ctx.now}
            for end_hook in self.wiring.end:
                end_hook(ctx, outcome)
            if self.store.repository.parsed(case.definition_id).has_timers:
                connection.execute(_timers.delete().where(_timers.c.case_id == case.id))
            rows.append(
                trail.event(
                    "case_ended",
                    ctx.now,
                    case_id=case.id,
                    actor=ctx.actor_id,
                    to_state=outcome,
                    data_digest=trail.digest(wf.data),
                )
            )
        self.store.write(connection, live)
        drawn, ctx.trail_numbers = ctx.trail_numbers, []
        head = trail.append(connection, rows, (case.trail_seq, case.trail_hash) if case.trail_hash else None, drawn)
        lock["trail_seq_"], lock["trail_hash_"] = head if head else (case.trail_seq, case.trail_hash)
        if fast_sql.execute(connection, statement, lock) != 1:
            raise Conflict("case_changed_concurrently", number=case.number)

    @staticmethod
    def _transitions(live: LiveWorkflow, reopened: dict[UUID, int] | None = None) -> list[Transition]:
        """(task, previous state) for every task whose state became definite or changed since the last save;
        ``reopened`` maps tasks a reset made unfinished again to the state they had before."""
        tasks = live.wf.tasks
        before = {**(reopened or {}), **live.states}
        candidates = (
            list(before)
            + [t for t in tasks.created if t not in before]
            + [t for t in tasks.touched if t not in before and t not in tasks.created]
        )
        changed: list[Transition] = []
        for tid in candidates:
            task = tasks.get(tid)
            if task is None or task.task_spec.bpmn_id is None:
                continue
            previous = before.get(tid)
            if previous == task.state or not task.state & DEFINITE:
                continue
            if previous is None and tid not in tasks.created:
                continue
            changed.append((task, previous))
        for sub in live.wf.subprocesses.values():  # call activities and embedded subprocesses
            for tid, task in sub.tasks.items():
                previous = live.sub_states.get(tid)
                if task.task_spec.bpmn_id is None or previous == task.state or not task.state & DEFINITE:
                    continue
                changed.append((task, previous))
        changed.sort(key=lambda pair: pair[0].last_state_change)
        return changed

    @staticmethod
    def _close_removed(ctx: StepContext) -> None:
        """Tasks a reset removed from the workflow: their open records are withdrawn, their timers dropped."""
        before = ctx.live.states  # predicted tasks are dropped all the time; only ready or waiting ones matter
        ready = [str(tid) for tid in ctx.live.wf.tasks.removed if before.get(tid) == TaskState.READY]
        waiting = [str(tid) for tid in ctx.live.wf.tasks.removed if before.get(tid) == TaskState.WAITING]
        if ready:
            ctx.connection.execute(
                _task_records.update()
                .where(_task_records.c.id.in_(ready), _task_records.c.state == OPEN_USER_TASK)
                .values(state="withdrawn", completed_at=ctx.now)
            )
        if waiting:
            ctx.connection.execute(_timers.delete().where(_timers.c.task_id.in_(waiting)))

    def _project(self, ctx: StepContext, task: SpiffTask, before: int | None) -> list[TrailRow]:
        """Project one transition into the task table and return its trail rows."""
        case = ctx.case
        state = task.state
        spec = task.task_spec
        tid = str(task.id)
        detail: dict[str, Any] | None = None
        actor = "engine"
        if spec.manual and state == TaskState.READY:
            department, post = split_lane(getattr(spec, "lane", None), case.department)
            item = signer_of(task)
            due = step_due(task)
            calendar = self.calendar()
            provisional = any(timer_provisional(timer, calendar, ctx.now) for timer in step_timers(task))
            if tid in ctx.reopened_ids:  # a reset step keeps its task id: its record opens again
                ctx.connection.execute(_task_records.delete().where(_task_records.c.id == tid))
            fast_sql.execute(
                ctx.connection,
                INSERT_RECORD,
                dict(
                    id=tid,
                    case_id=case.id,
                    element_id=spec.bpmn_id,
                    name=spec.bpmn_name or spec.bpmn_id,
                    lane=getattr(spec, "lane", None),
                    department=department,
                    post=post,
                    assignee=item if isinstance(item, str) else None,
                    state=OPEN_USER_TASK,
                    created_at=ctx.now,
                    due_at=due,
                    due_provisional=provisional,
                    light=NONE,  # a new step is not yellow: its light follows its timers (step_lights.py)
                    light_next_at=None,
                    completed_at=None,
                    completed_by=None,
                    opinion=None,
                ),
            )
            ctx.opened.append({"id": tid, "element": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id})
        elif spec.manual and before == TaskState.READY:
            completed_by, opinion = ctx.completed_by.get(tid, (None, None))
            new_state = "completed" if state == TaskState.COMPLETED else "cancelled"
            if tid in ctx.skipped:
                new_state = "skipped"
                detail = {"skipped": True}
            fast_sql.execute(
                ctx.connection,
                CLOSE_RECORD,
                dict(task_id_=tid, state=new_state, completed_at=ctx.now, completed_by=completed_by, opinion=opinion),
            )
            if completed_by:
                actor = completed_by
                detail = {**(detail or {}), "opinion": opinion} if opinion else detail
        elif spec.manual and tid in ctx.skipped:  # opened and passed over within the same jump
            department, post = split_lane(getattr(spec, "lane", None), case.department)
            actor, opinion = ctx.completed_by[tid]
            detail = {"skipped": True, "opinion": opinion}
            fast_sql.execute(
                ctx.connection,
                INSERT_RECORD,
                dict(
                    id=tid,
                    case_id=case.id,
                    element_id=spec.bpmn_id,
                    name=spec.bpmn_name or spec.bpmn_id,
                    lane=getattr(spec, "lane", None),
                    department=department,
                    post=post,
                    assignee=None,
                    state="skipped",
                    created_at=ctx.now,
                    due_at=None,
                    due_provisional=False,
                    light="none",
                    light_next_at=None,
                    completed_at=ctx.now,
                    completed_by=actor,
                    opinion=opinion,
                ),
            )
        if timer_of(spec) is not None:
            self._project_timer(ctx, task)
        return [
            trail.event(
                "task",
                ctx.now,
                case_id=case.id,
                task_id=tid,
                element_id=spec.bpmn_id,
                from_state=TaskState.get_name(before).lower() if before is not None else None,
                to_state=TaskState.get_name(state).lower(),
                actor=actor,
                data_digest=trail.digest(task.data) if state == TaskState.COMPLETED else None,
                detail=detail,
            )
        ]

    def _project_timer(self, ctx: StepContext, task: SpiffTask) -> None:
        tid = str(task.id)
        due = timer_due(task)
        ctx.connection.execute(_timers.delete().where(_timers.c.task_id == tid))
        if task.state == TaskState.WAITING and due is not None:
            # a migrated case's timer counts from when its step opened, and waits out a running pause
            counted_from = ctx.timer_origins.get(tid, ctx.now)
            suspended = tid in ctx.timer_origins and ctx.case.paused_since is not None
            if not suspended:
                ctx.timers.append(due)
            ctx.connection.execute(
                _timers.insert().values(
                    task_id=tid,
                    case_id=ctx.case.id,
                    element_id=timer_element(task.task_spec),
                    due_at=due,
                    counted_from=counted_from,
                    provisional=timer_provisional(task, self.calendar(), counted_from),
                    suspended=suspended,
                )
            )

    @staticmethod
    def _outcome(wf: BpmnWorkflow, outcomes: dict[str, str]) -> str:
        """The outcome of the last end event reached that decides the case (``outcomes``: the deployed file's,
        by end event id; see definitions/outcomes.py)."""
        ends = [
            t
            for t in wf.get_tasks(state=TaskState.COMPLETED)
            if type(t.task_spec).__name__ == "EndEvent" and t.workflow is wf
        ]
        ends.sort(key=lambda t: t.last_state_change)
        for task in reversed(ends):
            outcome = outcomes.get(task.task_spec.bpmn_id or "")
            if outcome:
                return outcome
        return "completed"
