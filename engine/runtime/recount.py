"""Counting provisional deadlines again once the official arrangement is imported.

A limit counted over provisional calendar days (``deadlines/provisional.py``) carries a mark. After an official
arrangement is imported (``CalendarService.import_arrangement``), every open marked limit is counted again from its
original start on the calendar as it now is: a case's promised and statutory limits from acceptance, its waiting
``working_days(N)``/``working_hours(N)`` timers from when each started waiting, and so its open steps' limits, each
moved again by the pauses that ran since — in one step per case, so the workflow's timers, the projection and the
trail commit together — then, in one transaction, the limits kept outside cases' steps (the wiring table's
``recount`` hooks). Each change is a ``deadline_recounted`` trail event with the old and new instants; lights
follow; a limit that no longer crosses provisional days loses its mark.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from ..deadlines.lights import case_light
from ..definitions.timer_values import timer_of
from ..errors import Conflict, InvalidState, NotFound
from ..kernel import clock as clock_module
from ..kernel.db import Executor
from ..models import Case, CasePause, PendingTimer, TaskRecord
from ..trail import chain as trail
from . import case_lights
from .case_clock import set_timer_due
from .task_timers import counts_working_time, step_due, step_timers, timer_due

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..deadlines.working_time import WorkingCalendar
    from ..kernel import Clock, Database
    from ..trail.chain import TrailRow
    from .stepper import CaseStepper, StepContext

EVENT = "deadline_recounted"
ATTEMPTS = 3  # a concurrent step on the same case wins: the recount tries again
_cases = Case.__table__
_pauses = CasePause.__table__
_records = TaskRecord.__table__
_timers = PendingTimer.__table__
Pause = tuple[_dt.datetime, _dt.datetime]


def recounted(
    at: _dt.datetime,
    deadline: str,
    before: _dt.datetime | None,
    after: _dt.datetime,
    provisional: bool,
    actor: str,
    *,
    case_id: int | None = None,
    task_id: str | None = None,
    element_id: str | None = None,
    **detail: Any,
) -> TrailRow:
    """The trail row of one recounted limit, with its old and new instants."""
    return trail.event(
        EVENT,
        at,
        case_id=case_id,
        task_id=task_id,
        element_id=element_id,
        actor=actor,
        detail={
            "deadline": deadline,
            "from": before.isoformat() if before else None,
            "to": after.isoformat(),
            "provisional": provisional,
            **detail,
        },
    )


def after_pauses(
    calendar: WorkingCalendar, due: _dt.datetime, pauses: Sequence[Pause], since: _dt.datetime
) -> _dt.datetime:
    """``due`` moved by the working time of every pause that ended after ``since``, as each resume moved it."""
    for started, ended in pauses:
        if ended > since:
            paused = calendar.working_seconds(started, ended)
            if paused:
                due = calendar.add_working_seconds(due, paused)
    return due


def ended_pauses(executor: Executor, case_id: int) -> list[Pause]:
    return [
        (row.started_at, row.ended_at)
        for row in executor.execute(
            sa.select(_pauses.c.started_at, _pauses.c.ended_at)
            .where(_pauses.c.case_id == case_id, _pauses.c.ended_at.is_not(None))
            .order_by(_pauses.c.started_at)
        ).all()
    ]


class DeadlineRecount:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, stepper: CaseStepper) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.stepper = stepper

    def run(self, actor: str) -> dict[str, int]:
        """Count every open provisional limit again: ``cases`` recounted, ``deadlines`` moved or unmarked,
        ``failed`` cases left marked (another step kept winning; the next import or ``shenpi calendar recount``
        tries again)."""
        counts = {"cases": 0, "deadlines": 0, "failed": 0}
        for case_id, vertical in self._marked_cases():
            changed = self._one_case(case_id, vertical, actor)
            if changed is None:
                counts["failed"] += 1
            elif changed:
                counts["cases"] += 1
                counts["deadlines"] += changed
        calendar, now = self.calendars.calendar(), self.clock.now()
        with self.db.transaction() as session:
            rows = [row for hook in self.stepper.wiring.recount for row in hook(session, calendar, now, actor)]
            trail.append_outside_step(session, rows)
        counts["deadlines"] += sum(1 for row in rows if row["event"] == EVENT)
        return counts

    def _marked_cases(self) -> list[tuple[int, bool]]:
        """Running cases with a provisional limit, step limit or timer: (id, handled in another system)."""
        marked = sa.or_(
            _cases.c.limits_provisional.is_(True),
            sa.exists().where(
                _records.c.case_id == _cases.c.id, _records.c.state == "open", _records.c.due_provisional.is_(True)
            ),
            sa.exists().where(_timers.c.case_id == _cases.c.id, _timers.c.provisional.is_(True)),
        )
        with self.db.reading() as session:
            return [
                (row.id, row.channel == "vertical")
                for row in session.execute(
                    sa.select(_cases.c.id, _cases.c.channel)
                    .where(_cases.c.status == "running", marked)
                    .order_by(_cases.c.id)
                ).all()
            ]

    def _one_case(self, case_id: int, vertical: bool, actor: str) -> int | None:
        """The number of limits recounted on the case, or None when concurrent steps kept winning."""
        for _attempt in range(ATTEMPTS):
            try:
                if vertical:  # reported by data exchange: no workflow, only the case's limits
                    with self.db.transaction() as session:
                        events = self._limits(
                            session,
                            session.execute(sa.select(_cases).where(_cases.c.id == case_id).with_for_update()).one(),
                            actor,
                        )
                        trail.append_case_events(session, case_id, events)
                    return _changes(events)
                with self.stepper.step(case_id, actor) as ctx:
                    self.recount_in(ctx)
                return _changes(ctx.events)
            except Conflict:
                continue
            except (InvalidState, NotFound):  # ended or gone meanwhile: nothing open to recount
                return 0
        return None

    def recount_in(self, ctx: StepContext) -> None:
        """Within a step on the case: its provisional timers, step limits and case limits, counted again."""
        case = ctx.connection.execute(sa.select(_cases).where(_cases.c.id == ctx.case.id)).one()
        flags = self._timers(ctx)
        self._steps(ctx, flags, paused=case.paused_since is not None)
        ctx.events.extend(self._limits(ctx.connection, case, ctx.actor_id, ctx.case_values, ctx.now))

    def _timers(self, ctx: StepContext) -> dict[str, bool]:
        """Recount the case's provisional working-time timers from when each started waiting; every waiting timer's
        mark afterwards (task id → provisional)."""
        calendar = self.calendars.calendar()
        rows = {
            row.task_id: row
            for row in ctx.connection.execute(sa.select(_timers).where(_timers.c.case_id == ctx.case.id)).all()
        }
        flags = {task_id: bool(row.provisional) for task_id, row in rows.items()}
        pauses = ended_pauses(ctx.connection, ctx.case.id)
        for task in ctx.wf.get_tasks(state=TaskState.WAITING):
            row = rows.get(str(task.id))
            timer = timer_of(task.task_spec)
            if row is None or not row.provisional or row.counted_from is None or timer is None:
                continue
            if not counts_working_time(task):
                continue
            with clock_module.running_on(clock_module.FixedClock(row.counted_from)):
                counted = ctx.wf.script_engine.evaluate(task, timer.expression)
            due = after_pauses(calendar, _instant(counted), pauses, row.counted_from)
            provisional = calendar.provisional_between(row.counted_from, due)
            flags[row.task_id] = provisional
            if due == timer_due(task) and provisional:
                continue
            before = timer_due(task)
            set_timer_due(task, due)
            ctx.connection.execute(
                _timers.update().where(_timers.c.task_id == row.task_id).values(due_at=due, provisional=provisional)
            )
            if not row.suspended:
                ctx.timers.append(due)  # queued for Celery when due before the next sweep
            ctx.events.append(
                recounted(
                    ctx.now,
                    "timer",
                    before,
                    due,
                    provisional,
                    ctx.actor_id,
                    case_id=ctx.case.id,
                    task_id=row.task_id,
                    element_id=row.element_id,
                )
            )
        return flags

    def _steps(self, ctx: StepContext, flags: dict[str, bool], paused: bool) -> None:
        """Open steps whose limit comes from a recounted timer: the limit again and its mark."""
        for record in ctx.connection.execute(
            sa.select(_records).where(_records.c.case_id == ctx.case.id, _records.c.state == "open")
        ).all():
            task = ctx.wf.get_task_from_id(UUID(record.id))
            timers = step_timers(task) if task is not None else []
            due = step_due(task) if task is not None else None
            provisional = any(flags.get(str(timer.id), False) for timer in timers)
            if due is None or (due == record.due_at and provisional == record.due_provisional):
                continue
            values: dict[str, Any] = {"due_at": due, "due_provisional": provisional}
            ctx.events.append(
                recounted(
                    ctx.now,
                    "step",
                    record.due_at,
                    due,
                    provisional,
                    ctx.actor_id,
                    case_id=ctx.case.id,
                    task_id=record.id,
                    element_id=record.element_id,
                )
            )
            # its light stays: a step's light follows the timers that fired (step_lights.py)
            ctx.connection.execute(_records.update().where(_records.c.id == record.id).values(**values))

    def _limits(
        self,
        executor: Executor,
        case: sa.Row[Any],
        actor: str,
        values: dict[str, Any] | None = None,
        now: _dt.datetime | None = None,
    ) -> list[TrailRow]:
        """The case's promised and statutory limits counted again from acceptance (and moved by every pause since);
        the new column values go into ``values`` (a step's case values), or straight to the row."""
        if (
            not case.limits_provisional
            or case.accepted_at is None
            or case.promised_limit_days is None
            or case.statutory_limit_days is None
        ):
            return []
        calendar, now = self.calendars.calendar(), now or self.clock.now()
        pauses = ended_pauses(executor, case.id)
        promised, statutory = (
            after_pauses(calendar, calendar.add_working_days(case.accepted_at, days), pauses, case.accepted_at)
            for days in (case.promised_limit_days, case.statutory_limit_days)
        )
        provisional = calendar.provisional_between(case.accepted_at, max(promised, statutory))
        if (promised, statutory, provisional) == (case.promised_due_at, case.statutory_due_at, True):
            return []
        events = [
            recounted(now, name, before, after, provisional, actor, case_id=case.id)
            for name, before, after in (
                ("promised_due_at", case.promised_due_at, promised),
                ("statutory_due_at", case.statutory_due_at, statutory),
            )
            if before != after or not provisional
        ]
        changed: dict[str, Any] = {
            "promised_due_at": promised,
            "statutory_due_at": statutory,
            "limits_provisional": provisional,
            "paused_seconds": sum(calendar.working_seconds(started, ended) for started, ended in pauses),
        }
        if case.paused_since is None:
            light, changed["light_next_at"] = case_light(now, promised, statutory, calendar)
            if light != case.light:
                changed["light"] = light
                events += case_lights.light_changed(executor, case, case.light, light, now, calendar)
        if values is not None:
            values.update(changed)
        else:
            executor.execute(_cases.update().where(_cases.c.id == case.id).values(**changed))
        return events


def _changes(events: list[TrailRow]) -> int:
    return sum(1 for row in events if row["event"] == EVENT)


def _instant(value: object) -> _dt.datetime:
    instant = _dt.datetime.fromisoformat(str(value))
    return instant if instant.tzinfo else instant.replace(tzinfo=_dt.UTC)
