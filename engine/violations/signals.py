"""Correction signals (纠错信号): raising one (with its supervision item and trail row, in the caller's
transaction), correcting a yellow one, turning uncorrected yellows red, listing them in the reader's scope."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from ..deadlines.working_time import WorkingCalendar
from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.actors import Actor
from ..kernel import payloads
from ..kernel.clock import SHANGHAI
from ..kernel.db import Executor
from ..kernel.paging import PageArg, page_of_query
from ..models import Signal
from ..supervision.items import open_item
from ..trail import chain as trail
from ..trail.chain import TrailRow
from . import rule_config
from .rules import RED, RULES, YELLOW

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

# A rule's check: with the parameters of one level, (summary, detail) of the violation it finds, or None
Violation = Callable[[dict[str, Any]], "tuple[str, dict[str, Any]] | None"]
_Select = TypeVar("_Select", bound="sa.Select")

_signals = Signal.__table__
STATUSES = ("open", "corrected", "closed")
CORRECTION_DAYS = 1


def raise_signal(
    session: Executor,
    calendar: WorkingCalendar,
    now: _dt.datetime,
    name: str,
    level: str,
    *,
    subject: str,
    department: str,
    summary: str,
    case_id: int | None = None,
    official: str | None = None,
    detail: dict[str, Any] | None = None,
) -> TrailRow | None:
    """Insert the signal unless this rule already flagged ``subject``; returns its trail row (for the caller to
    append to the case chain or the system chain), or None when it was already raised."""
    if (
        session.execute(sa.select(_signals.c.id).where(_signals.c.rule == name, _signals.c.subject == subject)).first()
        is not None
    ):
        return None
    rule = RULES[name]
    color = rule.color
    signal_id, correct_by = open_signal(
        session,
        calendar,
        now,
        rule=name,
        label=rule.label,
        level=level,
        article=rule.article,
        color=color,
        subject=subject,
        department=department,
        summary=summary,
        case_id=case_id,
        official=official,
        detail=detail,
    )
    return trail.event(
        "signal_raised",
        now,
        case_id=case_id,
        actor="engine",
        element_id=name,
        to_state=color,
        detail={
            "signal": signal_id,
            "rule": name,
            "level": level,
            "article": rule.article,
            "summary": summary,
            "official": official,
            "correct_by": correct_by.isoformat() if correct_by else None,
        },
    )


def open_signal(
    session: Executor,
    calendar: WorkingCalendar,
    now: _dt.datetime,
    *,
    rule: str,
    label: str,
    level: str,
    article: str,
    color: str,
    subject: str,
    department: str,
    summary: str,
    case_id: int | None = None,
    official: str | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[int, _dt.datetime | None]:
    """Insert an open signal of ``article`` and ``color`` (a yellow one to be corrected within CORRECTION_DAYS
    working days) and open its 督办 item, summarised under ``label``, in the caller's transaction; returns the
    signal's id and the instant it must be corrected by (None for a red one). The caller writes its trail row."""
    correct_by = calendar.add_working_days(now, CORRECTION_DAYS) if color == YELLOW else None
    signal_id = session.execute(
        _signals.insert()
        .values(
            rule=rule,
            level=level,
            article=article,
            color=color,
            subject=subject,
            case_id=case_id,
            department=department,
            official=official,
            summary=summary,
            detail=detail,
            raised_at=now,
            correct_by=correct_by,
            correct_by_provisional=correct_by is not None and calendar.provisional_between(now, correct_by),
            status="open",
        )
        .returning(_signals.c.id)
    ).scalar_one()
    open_item(
        session,
        calendar,
        now,
        kind="signal",
        department=department,
        summary=f"【{label}】{summary}",
        case_id=case_id,
        signal_id=signal_id,
    )
    return signal_id, correct_by


def evaluate(
    session: Executor,
    calendar: WorkingCalendar,
    now: _dt.datetime,
    name: str,
    department: str,
    violation: Violation,
    **signal: Any,
) -> TrailRow | None:
    """Run ``violation(params) -> (summary, detail) | None`` at each level where the rule is enabled, most
    specific first; the first finding raises the signal. Returns the trail row or None."""
    for level, params in rule_config.applicable(session, name, department):
        found = violation(params)
        if found:
            summary, detail = found
            return raise_signal(
                session, calendar, now, name, level, department=department, summary=summary, detail=detail, **signal
            )
    return None


def check_reported_late(
    session: Executor,
    calendar: WorkingCalendar,
    now: _dt.datetime,
    *,
    department: str,
    fact: str,
    happened_at: _dt.datetime | None,
    reported_at: _dt.datetime | None,
    subject: str,
    case_id: int | None = None,
    official: str | None = None,
) -> TrailRow | None:
    """A fact reported more than ``days`` working days after it happened (for data exchanges, issue 7): raises
    ``reported_late`` in the caller's transaction and returns its trail row, or None."""
    if happened_at is None or reported_at is None or reported_at <= happened_at:
        return None
    delay = calendar.working_days_between(happened_at, reported_at)

    def violation(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        if delay <= params.get("days", 2):
            return None
        return (
            f"“{fact}”发生于 {local_minute(happened_at)}，{delay:.1f} 个工作日后才报送",
            {"fact": fact, "happened_at": happened_at.isoformat(), "reported_at": reported_at.isoformat()},
        )

    return evaluate(
        session,
        calendar,
        now,
        "reported_late",
        department,
        violation,
        subject=subject,
        case_id=case_id,
        official=official,
    )


def local_minute(instant: _dt.datetime) -> str:
    """An instant as Beijing time to the minute, for signal summaries."""
    return f"{instant.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def view(row: sa.Row) -> dict[str, Any]:
    rule = RULES.get(row.rule)
    return {
        "id": row.id,
        "rule": row.rule,
        "label": rule.label if rule else ("监察人员发出" if row.rule == "manual" else row.rule),
        "level": row.level,
        "article": row.article,
        "color": row.color,
        "subject": row.subject,
        "case_id": row.case_id,
        "department": row.department,
        "official": row.official,
        "summary": row.summary,
        "detail": row.detail,
        "raised_at": _iso(row.raised_at),
        "correct_by": _iso(row.correct_by),
        "correct_by_provisional": bool(row.correct_by_provisional),
        "corrected_at": _iso(row.corrected_at),
        "corrected_by": row.corrected_by,
        "correction": row.correction,
        "turned_red_at": _iso(row.turned_red_at),
        "status": row.status,
    }


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def signal_scope(query: _Select, actor: Actor) -> _Select:
    if actor.is_admin:
        return query
    if actor.is_supervisor:
        return query.where(
            _signals.c.department.in_(actor.supervised + ((actor.department,) if actor.department else ()))
        )
    if actor.department:
        return query.where(_signals.c.department == actor.department)
    raise PermissionDenied("signals_not_allowed")


class SignalService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    def list_signals(
        self,
        actor: Actor,
        color: str | None = None,
        status: str | None = None,
        department: str | None = None,
        case_id: int | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        query = self._query(actor, color, status, department, case_id).limit(min(max(int(limit), 1), 1000))
        with self.db.reading() as session:
            return [view(row) for row in session.execute(query).all()]

    def page_signals(
        self,
        actor: Actor,
        color: str | None = None,
        status: str | None = None,
        department: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """One page of the signals the actor sees, newest first."""
        query = self._query(actor, color, status, department, None)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=view)

    def departments(self, actor: Actor) -> list[str]:
        """The departments among the signals the actor sees, for the list's filter."""
        query = signal_scope(sa.select(_signals.c.department).distinct(), actor).order_by(_signals.c.department)
        with self.db.reading() as session:
            return [name for name in session.scalars(query) if name]

    @staticmethod
    def _query(
        actor: Actor, color: str | None, status: str | None, department: str | None, case_id: int | None
    ) -> sa.Select:
        if color is not None and color not in (YELLOW, RED):
            raise InvalidInput("not_one_of", field="color", allowed=["yellow", "red"])
        if status is not None and status not in STATUSES:
            raise InvalidInput("not_one_of", field="status", allowed=list(STATUSES))
        query = signal_scope(sa.select(_signals), actor)
        for column, value in (
            (_signals.c.color, color),
            (_signals.c.status, status),
            (_signals.c.department, department or None),
            (_signals.c.case_id, case_id),
        ):
            if value is not None:
                query = query.where(column == value)
        return query.order_by(_signals.c.id.desc())

    def get(self, signal_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            row = session.execute(signal_scope(sa.select(_signals), actor).where(_signals.c.id == signal_id)).first()
        if row is None:
            raise NotFound("signal_not_found", signal=signal_id)
        return view(row)

    def correct(self, signal_id: int, actor: Actor, correction: str | None) -> dict[str, Any]:
        """The department's head reports how a yellow signal was corrected (within 1 working day)."""
        text = payloads.opinion(correction)
        if not text:
            raise InvalidInput("correction_required", field="correction")
        now = self.clock.now()
        with self.db.transaction() as session:
            row = session.execute(sa.select(_signals).where(_signals.c.id == signal_id).with_for_update()).first()
            if row is None:
                raise NotFound("signal_not_found", signal=signal_id)
            if not actor.heads(row.department):
                raise PermissionDenied("signal_correction_not_allowed")
            if row.status != "open" or row.color != YELLOW:
                raise InvalidState("signal_not_correctable")
            session.execute(
                _signals.update()
                .where(_signals.c.id == signal_id)
                .values(status="corrected", corrected_at=now, corrected_by=actor.id, correction=text)
            )
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "signal_corrected",
                        now,
                        case_id=row.case_id,
                        actor=actor.id,
                        element_id=row.rule,
                        from_state="open",
                        to_state="corrected",
                        detail={"signal": signal_id, "correction": text},
                    )
                ],
            )
        return self.get(signal_id, actor)

    def report_fact(
        self,
        *,
        department: str,
        fact: str,
        happened_at: _dt.datetime,
        reported_at: _dt.datetime | None = None,
        subject: str,
        case_id: int | None = None,
        official: str | None = None,
    ) -> dict[str, Any] | None:
        """Judge one reported fact in its own transaction (issue 7's exchange API calls this, or
        ``check_reported_late`` inside its own transaction); the signal raised, or None."""
        reported_at = reported_at or self.clock.now()
        with self.db.transaction() as session:
            row = check_reported_late(
                session,
                self.calendars.calendar(),
                self.clock.now(),
                department=department,
                fact=fact,
                happened_at=happened_at,
                reported_at=reported_at,
                subject=subject,
                case_id=case_id,
                official=official,
            )
            trail.append_outside_step(session, [row])
        return json.loads(row["detail"]) if row else None

    def recount_provisional(
        self, session: Executor, calendar: WorkingCalendar, now: _dt.datetime, actor: str
    ) -> list[TrailRow]:
        """After an official calendar import: open yellow signals whose correction limit was counted over
        provisional days, counted again from when they were raised (in the caller's transaction)."""
        rows: list[TrailRow] = []
        for row in session.execute(
            sa.select(_signals)
            .where(_signals.c.correct_by_provisional.is_(True), _signals.c.status == "open", _signals.c.color == YELLOW)
            .order_by(_signals.c.id)
            .with_for_update()
        ).all():
            due = calendar.add_working_days(row.raised_at, CORRECTION_DAYS)
            provisional = calendar.provisional_between(row.raised_at, due)
            if due == row.correct_by and provisional:
                continue
            session.execute(
                _signals.update()
                .where(_signals.c.id == row.id)
                .values(correct_by=due, correct_by_provisional=provisional)
            )
            rows.append(
                trail.event(
                    "deadline_recounted",
                    now,
                    case_id=row.case_id,
                    actor=actor,
                    element_id=row.rule,
                    detail={
                        "deadline": "signal_correction",
                        "signal": row.id,
                        "from": _iso(row.correct_by),
                        "to": due.isoformat(),
                        "provisional": provisional,
                    },
                )
            )
        return rows

    def overdue_yellow(self, as_of: _dt.datetime, limit: int = 1000) -> list[int]:
        """Open yellow signals whose correction deadline has passed by ``as_of`` (the sweep's ``signals`` work)."""
        with self.db.reading() as session:
            return list(
                session.scalars(
                    sa.select(_signals.c.id)
                    .where(_signals.c.correct_by <= as_of, _signals.c.status == "open", _signals.c.color == YELLOW)
                    .order_by(_signals.c.correct_by, _signals.c.id)
                    .limit(limit)
                )
            )

    def turn_red(self, signal_id: int, as_of: _dt.datetime) -> int:
        """A yellow signal not corrected by its deadline turns red (Art. 11: within 1 working day), in a
        transaction of its own; 1 when it did."""
        with self.db.transaction() as session:
            row = session.execute(
                sa.select(_signals.c.id, _signals.c.case_id, _signals.c.rule)
                .where(
                    _signals.c.id == signal_id,
                    _signals.c.correct_by <= as_of,
                    _signals.c.status == "open",
                    _signals.c.color == YELLOW,
                )
                .with_for_update()
            ).first()
            if row is None:  # corrected since it was selected
                return 0
            session.execute(_signals.update().where(_signals.c.id == row.id).values(color=RED, turned_red_at=as_of))
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "signal_turned_red",
                        as_of,
                        case_id=row.case_id,
                        actor="engine",
                        element_id=row.rule,
                        from_state=YELLOW,
                        to_state=RED,
                        detail={"signal": row.id},
                    )
                ],
            )
            return 1

    def signal_place(self, signal_id: int) -> tuple[int | None, str | None]:
        """(case, rule) of a signal: where an incident of its deadline is."""
        with self.db.reading() as session:
            row = session.execute(
                sa.select(_signals.c.case_id, _signals.c.rule).where(_signals.c.id == signal_id)
            ).first()
            return (row.case_id, row.rule) if row else (None, None)
