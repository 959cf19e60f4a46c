"""The case clock: limits from the catalogue run from acceptance, stop while paused, and drive the lights.

Intake (《行政许可法》 Art. 32): a case's first step gives it a 查询码 and its intake limit (the matter's
``intake_limit_days``, else ``SHENPI_INTAKE_LIMIT_DAYS``, counted in working days from receipt). Before the limit
the window accepts, refuses or sends the one-time 补正 notice (a pause, allowed before acceptance as after); when it
does none of these, the sweep (``deem_accepted``) accepts the case as of its receipt day, case by case, and the
wiring table's step hooks see an acceptance dated before its step (the intake_not_handled signal).
"""

from __future__ import annotations

import datetime as _dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..deadlines.lights import NONE, SEVERITY, case_light, due_today
from ..deadlines.working_time import WorkingCalendar
from ..errors import Conflict, InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.actors import Actor
from ..kernel import payloads
from ..models import Case, CasePause, PendingTimer, TaskRecord
from ..notices import triggers as notice_triggers
from ..trail import chain as trail
from . import case_lights
from .stepper import CaseStepper, StepContext
from .task_timers import counts_working_time, step_timers, timer_due
from .wiring import Transition

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task as SpiffTask

    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database
    from ..trail.chain import TrailRow

ACCEPTANCE_STEP = "Task_Accept"
PAUSE_KINDS = {
    "supplement": "补正材料",
    "hearing": "听证",
    "expert_review": "专家评审",
    "inspection": "检验检测",
    "site_survey": "现场勘查",
    "suspension": "中止",
}
_cases = Case.__table__
_records = TaskRecord.__table__
_timers = PendingTimer.__table__
_pauses = CasePause.__table__
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out at the window
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


class CaseClockService:
    def __init__(
        self, db: Database, clock: Clock, calendars: CalendarService, stepper: CaseStepper, intake_limit_days: int = 5
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.stepper = stepper
        self.intake_limit_days = intake_limit_days

    # --- receipt and acceptance -----------------------------------------------------------------
    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        """A case's first step: its 查询码 and intake limit. The acceptance step completed without a refusal:
        the case clock starts (a 补正 pause before acceptance ends with it)."""
        case = ctx.case
        if case.lock_version == 0:
            self._receive(ctx)
        if case.accepted_at is not None:
            return
        for task, _before in transitions:
            if (
                task.task_spec.bpmn_id == ACCEPTANCE_STEP
                and task.state == TaskState.COMPLETED
                and task.data.get("accept") != "refuse"
            ):
                if case.paused_since is not None:  # accepted once the 补正 materials came in: the pause ends
                    self.resume_in(ctx, "受理")
                self._accept(ctx)
                return

    def _receive(self, ctx: StepContext) -> None:
        days = (ctx.facts.matter_entry or {}).get("intake_limit_days") or self.intake_limit_days
        ctx.case_values.update(
            query_code=new_query_code(), intake_due_at=self.calendars.calendar().add_working_days(ctx.now, days)
        )

    def _accept(self, ctx: StepContext, at: _dt.datetime | None = None) -> None:
        """Start the clock at ``at`` (the step's instant; a deemed acceptance: the receipt)."""
        start = at or ctx.now
        limits = ctx.facts
        calendar = self.calendars.calendar()
        promised = calendar.add_working_days(start, limits.promised_limit_days)
        statutory = calendar.add_working_days(start, limits.statutory_limit_days)
        provisional = calendar.provisional_between(start, max(promised, statutory))
        light, next_at = case_light(ctx.now, promised, statutory, calendar)
        ctx.case_values.update(
            accepted_at=start,
            promised_due_at=promised,
            statutory_due_at=statutory,
            promised_limit_days=limits.promised_limit_days,
            statutory_limit_days=limits.statutory_limit_days,
            limits_provisional=provisional,
            light=light,
            light_next_at=next_at,
        )
        ctx.events.append(
            trail.event(
                "case_accepted",
                ctx.now,
                case_id=ctx.case.id,
                actor=ctx.actor_id,
                to_state=light,
                detail={
                    "promised_due_at": promised.isoformat(),
                    "statutory_due_at": statutory.isoformat(),
                    **({"provisional": True} if provisional else {}),
                    **({"deemed": True, "accepted_at": start.isoformat()} if start < ctx.now else {}),
                },
            )
        )
        # accepted already yellow (within 3 working days of its promise: one of 2 working days or less) or red, or on
        # its due date: the sweep will not see the change, so it is made here (seed 002 §1 二是; Art. 10)
        if light != NONE:
            ctx.events.extend(case_lights.light_changed(ctx.connection, ctx.case, NONE, light, ctx.now, calendar))
        ctx.events.extend(case_lights.due_today_once(ctx.connection, ctx.case, promised, ctx.now, calendar))

    def due_intake(self, as_of: _dt.datetime, limit: int = 500) -> list[int]:
        """Cases past their intake limit that the window neither accepted, refused nor sent a 补正 notice (the
        sweep's ``deemed_accepted`` work)."""
        with self.db.reading() as session:
            return list(
                session.scalars(
                    sa.select(Case.id)
                    .where(
                        Case.status == "running",
                        Case.accepted_at.is_(None),
                        Case.intake_due_at.is_not(None),
                        Case.intake_due_at <= as_of,
                        ~sa.exists().where(  # a 补正 notice in time answers the limit; a late one does not
                            CasePause.case_id == Case.id,
                            CasePause.kind == "supplement",
                            CasePause.started_at <= Case.intake_due_at,
                        ),
                    )
                    .order_by(Case.id)
                    .limit(limit)
                ).all()
            )

    def deem_accepted(self, case_id: int, as_of: _dt.datetime) -> int:
        """One case counts as accepted on its receipt day (《行政许可法》 Art. 32), one step at ``as_of``; 1 when it
        did."""
        return self._deem_one(case_id, as_of)

    def _deem_one(self, case_id: int, as_of: _dt.datetime) -> int:
        try:
            with self.stepper.step(case_id, "engine", at=as_of) as ctx:
                received = ctx.connection.execute(
                    sa.select(_cases.c.created_at).where(
                        _cases.c.id == case_id,
                        _cases.c.accepted_at.is_(None),
                        _cases.c.status == "running",
                        ~sa.exists().where(
                            _pauses.c.case_id == case_id,
                            _pauses.c.kind == "supplement",
                            _pauses.c.started_at <= _cases.c.intake_due_at,
                        ),
                    )
                ).scalar()
                if received is None:
                    raise _Handled
                self._accept(ctx, at=received)
        except (_Handled, Conflict, InvalidState):
            return 0
        return 1

    # --- pauses ---------------------------------------------------------------------------------
    def pause(
        self, case_id: int, kind: str, reason: str | None, actor: Actor, missing: list[str] | None = None
    ) -> dict[str, Any]:
        """Stop the clock. A supplement notice (补正, 一次性告知) must list every missing material at once;
        a later notice is judged by the violation rules (repeated_supplement_notice)."""
        if not isinstance(kind, str) or kind not in PAUSE_KINDS:
            raise InvalidInput("not_one_of", field="kind", allowed=list(PAUSE_KINDS))
        reason = payloads.opinion(reason)
        if not reason:
            raise InvalidInput("pause_reason_required", field="reason")
        if kind == "supplement":
            if (
                not isinstance(missing, list)
                or not missing
                or not all(isinstance(m, str) and m.strip() for m in missing)
            ):
                raise InvalidInput("supplement_missing_required", field="missing")
            missing = list(dict.fromkeys(m.strip() for m in missing))
        else:
            missing = None
        now = self.clock.now()
        with self.db.transaction() as session:
            case = self._case_for_update(session, case_id, actor)
            if case.accepted_at is None and kind != "supplement":  # before acceptance only the 补正 notice
                raise InvalidState("clock_not_started")
            if case.paused_since is not None:
                raise InvalidState("clock_already_paused", kind=case.pause_kind)
            events: list[TrailRow] = []
            if missing:
                events += self._check_one_time_notice(session, case, missing, actor, now)
            session.add(
                CasePause(
                    case_id=case_id, kind=kind, reason=reason, missing=missing, started_at=now, started_by=actor.id
                )
            )
            if missing:
                notice_triggers.supplement_requested(session, case, missing, now)
            case.paused_since, case.pause_kind, case.light_next_at = now, kind, None
            session.execute(
                _records.update()
                .where(_records.c.case_id == case_id, _records.c.state == "open")
                .values(light_next_at=None)
            )
            session.execute(_timers.update().where(_timers.c.case_id == case_id).values(suspended=True))
            trail.append_case_events(
                session,
                case_id,
                [
                    trail.event(
                        "clock_paused",
                        now,
                        case_id=case_id,
                        actor=actor.id,
                        to_state=kind,
                        detail={"kind": kind, "label": PAUSE_KINDS[kind], "reason": reason, "missing": missing},
                    )
                ]
                + events,
            )
        return self.clock_view(case_id)

    def _check_one_time_notice(
        self, session: Session, case: Case, missing: list[str], actor: Actor, now: _dt.datetime
    ) -> list[TrailRow]:
        """Every supplement notice runs the wiring table's supplement hooks (its 补正通知书; a later one is judged by
        the violation rules, engine/violations/hooks.py); their trail rows."""
        earlier = session.scalars(
            sa.select(CasePause.missing).where(CasePause.case_id == case.id, CasePause.kind == "supplement")
        ).all()
        return [
            row for hook in self.stepper.wiring.supplement for row in hook(session, case, missing, earlier, actor, now)
        ]

    def resume(self, case_id: int, actor: Actor, note: str | None = None) -> dict[str, Any]:
        """End the pause: limits, step deadlines and pending timers move by the working time it covered."""
        with self.db.reading() as session:
            self._check_actor(session.get(Case, case_id), case_id, actor)
        with self.stepper.step(case_id, actor.id) as ctx:
            self.resume_in(ctx, note)
        return self.clock_view(case_id)

    def resume_in(self, ctx: StepContext, note: str | None = None) -> None:
        """Resume within a step the caller holds (the caller has checked who may resume)."""
        case_id, actor_id = ctx.case.id, ctx.actor_id
        calendar = self.calendars.calendar()
        case = ctx.connection.execute(sa.select(_cases).where(_cases.c.id == case_id)).one()
        if case.paused_since is None:
            raise InvalidState("clock_not_paused")
        paused = calendar.working_seconds(case.paused_since, ctx.now)

        def shift(instant: _dt.datetime | None) -> _dt.datetime | None:
            return calendar.add_working_seconds(instant, paused) if instant is not None and paused else instant

        promised, statutory = shift(case.promised_due_at), shift(case.statutory_due_at)
        light, light_next = case_light(ctx.now, promised, statutory, calendar)
        ctx.case_values.update(
            promised_due_at=promised,
            statutory_due_at=statutory,
            # a 补正 before acceptance stops no statutory clock: it had not started
            paused_seconds=(case.paused_seconds or 0) + (paused if case.accepted_at is not None else 0),
            paused_since=None,
            pause_kind=None,
            light=light,
            light_next_at=light_next,
            limits_provisional=case.limits_provisional
            or counted_provisionally(calendar, case.accepted_at, promised, statutory),
        )
        ctx.connection.execute(
            CasePause.__table__.update()
            .where(CasePause.case_id == case_id, CasePause.ended_at.is_(None))
            .values(ended_at=ctx.now, ended_by=actor_id)
        )
        provisional_timers = self._shift_timers(ctx, shift, calendar)
        for record in ctx.connection.execute(
            sa.select(_records.c.id, _records.c.due_at, _records.c.due_provisional).where(
                _records.c.case_id == case_id, _records.c.state == "open"
            )
        ).all():
            due = shift(record.due_at)  # its light stays: only timers still waiting move
            task = ctx.wf.get_task_from_id(UUID(record.id))
            provisional = record.due_provisional or (
                task is not None and any(str(timer.id) in provisional_timers for timer in step_timers(task))
            )
            ctx.connection.execute(
                _records.update().where(_records.c.id == record.id).values(due_at=due, due_provisional=provisional)
            )
        events = []
        if promised is not None and SEVERITY.get(light, 0) > SEVERITY.get(case.light or NONE, 0):
            events += case_lights.light_changed(ctx.connection, ctx.case, case.light or NONE, light, ctx.now, calendar)
        # resumed on its due date: the sweep's look at the day's start was skipped while paused (Art. 10)
        events += case_lights.due_today_once(ctx.connection, ctx.case, promised, ctx.now, calendar)
        ctx.events.append(
            trail.event(
                "clock_resumed",
                ctx.now,
                case_id=case_id,
                actor=actor_id,
                from_state=case.pause_kind,
                to_state=light,
                detail={
                    "paused_working_days": round(paused / calendar.day_seconds(), 3),
                    "note": payloads.opinion(note),
                    "promised_due_at": promised.isoformat() if promised else None,
                },
            )
        )
        ctx.events.extend(events)

    @staticmethod
    def _shift_timers(
        ctx: StepContext, shift: Callable[[_dt.datetime], _dt.datetime | None], calendar: WorkingCalendar
    ) -> set[str]:
        """Move the case's waiting timers, in the workflow and in the pending-timer table; the ids of those
        counted (now or before) over provisional days."""
        rows = {
            row.task_id: row
            for row in ctx.connection.execute(
                sa.select(_timers.c.task_id, _timers.c.counted_from, _timers.c.provisional).where(
                    _timers.c.case_id == ctx.case.id
                )
            )
        }
        provisional: set[str] = set()
        for task in ctx.wf.get_tasks(state=TaskState.WAITING):
            due = timer_due(task)
            row = rows.get(str(task.id))
            if due is None or not isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
                continue
            moved = shift(due)
            assert moved is not None  # shift keeps an instant
            set_timer_due(task, moved)
            marked = row is not None and (
                row.provisional
                or counts_working_time(task)
                and counted_provisionally(calendar, row.counted_from, moved)
            )
            if marked:
                provisional.add(str(task.id))
            ctx.connection.execute(
                _timers.update().where(_timers.c.task_id == str(task.id)).values(due_at=moved, provisional=marked)
            )
        ctx.connection.execute(_timers.update().where(_timers.c.case_id == ctx.case.id).values(suspended=False))
        return provisional

    @staticmethod
    def _check_actor(case: Case | None, case_id: int, actor: Actor) -> None:
        if case is None:
            raise NotFound("case_not_found", case=case_id)
        if not actor.is_admin and actor.department != case.department:
            raise PermissionDenied("clock_not_allowed")

    def _case_for_update(self, session: Session, case_id: int, actor: Actor) -> Case:
        case = session.scalar(sa.select(Case).where(Case.id == case_id).with_for_update())
        self._check_actor(case, case_id, actor)
        assert case is not None  # _check_actor refuses a missing case
        if case.status != "running":
            raise InvalidState("case_ended", number=case.number)
        return case

    # --- reading and the sweep ------------------------------------------------------------------
    def clock_view(self, case_id: int) -> dict[str, Any]:
        with self.db.reading() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound("case_not_found", case=case_id)
            return clock_fields(case, self.calendars.calendar(), self.clock.now())

    def due_case_lights(self, as_of: _dt.datetime, limit: int = 5000) -> list[int]:
        """Running, unpaused cases whose light may change by ``as_of`` (the sweep's ``case_lights`` work)."""
        with self.db.reading() as session:
            return list(
                session.scalars(
                    sa.select(Case.id)
                    .where(Case.light_next_at <= as_of, Case.status == "running", Case.paused_since.is_(None))
                    .order_by(Case.light_next_at, Case.id)
                    .limit(limit)
                )
            )

    def refresh_case_light(self, case_id: int, as_of: _dt.datetime) -> int:
        """Set one case's light for ``as_of`` in a transaction of its own; 1 when it changed (a trail event and
        notices)."""
        with self.db.transaction() as session:
            case = session.scalar(
                sa.select(Case)
                .where(
                    Case.id == case_id,
                    Case.light_next_at <= as_of,
                    Case.status == "running",
                    Case.paused_since.is_(None),
                )
                .with_for_update()
            )
            if case is None:  # changed since it was selected
                return 0
            calendar = self.calendars.calendar()
            looked_for = case.light_next_at
            light, case.light_next_at = case_light(as_of, case.promised_due_at, case.statutory_due_at, calendar)
            rows = []
            due = case.promised_due_at
            if due is not None and case_lights.due_day_reached(looked_for, due, as_of, calendar):
                rows += case_lights.due_today_signal(session, case, due, as_of)
            if light != case.light:
                rows += case_lights.light_changed(session, case, case.light, light, as_of, calendar)
                case.light = light
            if rows:
                trail.append_case_events(session, case.id, rows)
            return 1 if rows else 0


class _Handled(Exception):
    """Raised inside a step to roll it back quietly: the case was accepted, refused or notified meanwhile."""


def clock_fields(case: Case | sa.Row[Any], calendar: WorkingCalendar, now: _dt.datetime) -> dict[str, Any]:
    paused = case.paused_seconds or 0.0
    if case.paused_since is not None:
        paused += calendar.working_seconds(case.paused_since, now)
    return {
        "accepted_at": _iso(case.accepted_at),
        "promised_due_at": _iso(case.promised_due_at),
        "statutory_due_at": _iso(case.statutory_due_at),
        "light": case.light or NONE,
        # Art. 10's 到期日 signal (今日到期), beside the light
        "due_today": case.status == "running"
        and case.paused_since is None
        and due_today(now, case.promised_due_at, calendar),
        "paused": case.paused_since is not None,
        "pause_kind": case.pause_kind,
        "paused_working_days": round(paused / calendar.day_seconds(), 3),
        "provisional": bool(case.limits_provisional),
    }


def counted_provisionally(calendar: WorkingCalendar, start: _dt.datetime | None, *dues: _dt.datetime | None) -> bool:
    """Whether limits running from ``start`` to ``dues`` cross provisional calendar days."""
    known = [due for due in dues if due is not None]
    return start is not None and bool(known) and calendar.provisional_between(start, max(known))


def set_timer_due(task: SpiffTask, due: _dt.datetime) -> None:
    """Move a waiting timer task's stored deadline (SpiffWorkflow's ``event_value``; a cycle's next instant)."""
    value = task.internal_data["event_value"]
    if isinstance(value, dict):
        value["next"] = due.isoformat()
    else:
        task.internal_data["event_value"] = due.isoformat()


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
