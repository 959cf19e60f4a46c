"""The periodic part of the violation rules: the time-based rules look at recently ended cases that their rule has not
flagged yet — ended within the window of the rule's ``days``, already past the deadline its fewest ``days`` give, read
in the order of their end (ended-at index) from the sweep's mark (``SweepMark``: where the last run found nothing left
to judge) — and at cases started after their matter's withdrawal — each case judged in a transaction of its own (engine/incidents runs ``check_case`` on every
id ``due_cases`` selects). Uncorrected yellow signals turning red is ``SignalService.turn_red``."""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..deadlines.working_time import WorkingCalendar
from ..kernel.clock import SHANGHAI
from ..models import Case, IssuedDocument, Licence, Matter, MatterVersion, Signal, SweepMark
from ..trail import chain as trail
from . import rule_config
from .signals import evaluate

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database
    from ..trail.chain import TrailRow
    from .signals import SignalService

PUBLISHED_OUTCOMES = ("approved", "denied", "refused")
_cases = Case.__table__


def _unflagged(name: str) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(Signal.case_id == Case.id, Signal.rule == name)


def _local_day(instant: _dt.datetime) -> str:
    return f"{instant.astimezone(SHANGHAI):%Y-%m-%d}"


# The time-based rules the sweep checks case by case (each a kind of periodic work, ``rule:<name>``).
AFTER_END = ("licence_not_issued", "result_not_published", "refusal_without_reasons")
UNPUBLISHED = "unpublished_procedure"
CASE_RULES = (*AFTER_END, UNPUBLISHED)


class SignalSweep:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, signals: SignalService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.signals = signals

    def due_cases(self, name: str, as_of: _dt.datetime, limit: int = 2000) -> list[int]:
        """Cases rule ``name`` may find a violation in by ``as_of`` and has not flagged yet (the sweep's
        ``rule:<name>`` work): recently ended cases for the rules after the end, cases started after their matter's
        withdrawal for ``unpublished_procedure``."""
        with self.db.reading() as session:
            configs = rule_config.enabled_params(session, name) if name in AFTER_END else []
            query = self._candidates(session, name, as_of, configs)
            if query is None:
                return []
            if name not in AFTER_END:
                return [row.id for row in session.execute(query.limit(limit))]
            # Only the cases already past their deadline, read in the order of their end from where the last run
            # found nothing left to judge (keyset): neither a case not yet due nor one judged before is read again.
            digest = hashlib.sha256(json.dumps(configs, sort_keys=True, default=str).encode()).hexdigest()
            before = self._due_before(as_of, min(int(c.get("days", 1)) for c in configs))
            mark = session.get(SweepMark, f"rule:{name}")
            query = query.where(Case.ended_at < before)
            if mark is not None and mark.params == digest and mark.as_of <= as_of:
                query = query.where(Case.ended_at >= mark.at)
            rows = session.execute(query.order_by(None).order_by(Case.ended_at, Case.id).limit(limit)).all()
        # every case that ended before the first one still to judge has been judged (or is out of the rule's reach)
        start = rows[0].ended_at if rows else before
        if mark is None or mark.params != digest or mark.as_of > as_of or mark.at < start:
            self._move_mark(f"rule:{name}", start, as_of, digest)
        return [row.id for row in rows]

    def _move_mark(self, kind: str, at: _dt.datetime, as_of: _dt.datetime, digest: str) -> None:
        with self.db.transaction() as session:
            mark = session.get(SweepMark, kind, with_for_update=True)
            if mark is None:
                session.add(SweepMark(kind=kind, at=at, as_of=as_of, params=digest))
            elif mark.params != digest or mark.as_of > as_of or mark.at < at:
                mark.at, mark.as_of, mark.params = at, as_of, digest

    def _due_before(self, as_of: _dt.datetime, days: int) -> _dt.datetime:
        """The instant before which every case's end is more than ``days`` working days behind ``as_of`` (its
        deadline, the close of the ``days``-th working day after its end day, has passed): the sweep selects only
        those, never re-checking a case that is not yet due."""
        if days <= 0:
            return as_of
        calendar = self.calendars.calendar()
        day = as_of.astimezone(SHANGHAI).date()
        try:
            for _ in range(4 * days + 60):
                if calendar.add_working_days(calendar.start_of_day(day), days) < as_of:
                    return calendar.start_of_day(day + _dt.timedelta(days=1))
                day -= _dt.timedelta(days=1)
        except Exception:
            return as_of
        return as_of

    def check_case(self, name: str, case_id: int, as_of: _dt.datetime) -> int:
        """Judge rule ``name`` on one case in a transaction of its own; 1 when it raised a signal."""
        calendar = self.calendars.calendar()
        with self.db.transaction() as session:
            configs = rule_config.enabled_params(session, name) if name in AFTER_END else []
            query = self._candidates(session, name, as_of, configs)
            found = None if query is None else session.execute(query.where(Case.id == case_id)).first()
            if found is None:  # flagged, or no longer in reach, since it was selected
                return 0
            if name == UNPUBLISHED:
                row = self._started_after_withdrawal(session, calendar, as_of, found)
            else:
                row = self._late_after_end(session, calendar, as_of, name, found)
            trail.append_outside_step(session, [row])
            return 1 if row is not None else 0

    def _candidates(
        self, session: Session, name: str, as_of: _dt.datetime, configs: list[dict[str, Any]]
    ) -> sa.Select | None:
        """The cases rule ``name`` may flag; ``configs``: its enabled parameters (a rule after the end)."""
        if name == UNPUBLISHED:
            return self._withdrawn(session)
        conditions: tuple[sa.ColumnElement[bool], ...]
        if name == "licence_not_issued":
            wanted = {t for c in configs for t in c.get("matter_types", [])}
            matter_type = sa.select(Matter.matter_type).where(Matter.code == Case.matter_code).scalar_subquery()
            conditions = (
                Case.outcome == "approved",
                matter_type.in_(wanted),
                ~sa.exists().where(Licence.case_id == Case.id),
            )
        elif name == "result_not_published":
            conditions = (Case.outcome.in_(PUBLISHED_OUTCOMES), Case.result_published_at.is_(None))
        elif name == "refusal_without_reasons":
            decided = sa.exists().where(
                IssuedDocument.case_id == Case.id, IssuedDocument.kind.in_(("refusal_decision", "denial_decision"))
            )
            conditions = (Case.outcome.in_(("denied", "refused")), ~decided)
        else:
            raise ValueError(f"not a rule the sweep checks: {name}")
        return self._recent(configs, name, as_of, *conditions)

    @staticmethod
    def _recent(
        configs: list[dict[str, Any]], name: str, as_of: _dt.datetime, *conditions: sa.ColumnElement[bool]
    ) -> sa.Select | None:
        """Ended cases the rule has not flagged, within the window its longest enabled ``days`` can reach (twice
        as many calendar days, and two weeks for long holidays); None when the rule is enabled nowhere."""
        if not configs:
            return None
        window = _dt.timedelta(days=2 * max(int(c.get("days", 1)) for c in configs) + 14)
        return (
            sa.select(Case.id, Case.number, Case.department, Case.ended_at, Case.outcome, Case.matter_code)
            .where(
                Case.status == "ended",
                Case.ended_at >= as_of - window,
                Case.ended_at <= as_of,
                _unflagged(name),
                *conditions,
            )
            .order_by(Case.id)
        )

    @staticmethod
    def _late_after_end(
        session: Session, calendar: WorkingCalendar, as_of: _dt.datetime, name: str, case: sa.Row
    ) -> TrailRow | None:
        applies: Callable[[dict[str, Any]], bool] = lambda _params: True
        if name == "licence_not_issued":
            kind = session.scalar(sa.select(Matter.matter_type).where(Matter.code == case.matter_code))
            applies = functools.partial(_lists_matter_type, kind)

        def violation(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
            if not applies(params):
                return None
            deadline = calendar.add_working_days(case.ended_at, int(params.get("days", 1)))
            if as_of <= deadline:
                return None
            return (
                f"办件 {case.number} 于 {_local_day(case.ended_at)} 办结，"
                f"{params.get('days', 1)} 个工作日内{RULE_TEXT[name]}",
                {"outcome": case.outcome},
            )

        return evaluate(
            session, calendar, as_of, name, case.department, violation, subject=f"case:{case.id}", case_id=case.id
        )

    @staticmethod
    def _withdrawn(_session: Session) -> sa.Select:
        """Cases of a withdrawn matter started after its withdrawal (Art. 12: running a withdrawn matter)."""
        withdrawn = (
            sa.select(MatterVersion.code, sa.func.max(MatterVersion.at).label("at"))
            .join(Matter, Matter.code == MatterVersion.code)
            .where(Matter.published.is_(False), MatterVersion.kind == "withdrawn")
            .group_by(MatterVersion.code)
            .subquery()
        )
        return (
            sa.select(Case.id, Case.number, Case.department, Case.created_by, withdrawn.c.at)
            .join(withdrawn, withdrawn.c.code == Case.matter_code)
            .where(Case.created_at > withdrawn.c.at, _unflagged(UNPUBLISHED))
            .order_by(Case.id)
        )

    @staticmethod
    def _started_after_withdrawal(
        session: Session, calendar: WorkingCalendar, as_of: _dt.datetime, case: sa.Row
    ) -> TrailRow | None:
        summary = f"办件 {case.number} 在事项停办（{_local_day(case.at)}）之后启动"
        return evaluate(
            session,
            calendar,
            as_of,
            UNPUBLISHED,
            case.department,
            functools.partial(_withdrawn_finding, summary, case.at),
            subject=f"case:{case.id}",
            case_id=case.id,
        )


RULE_TEXT = {
    "licence_not_issued": "未发放电子证照",
    "result_not_published": "未公开办理结果",
    "refusal_without_reasons": "未出具载明理由的决定书",
}


def _lists_matter_type(kind: str | None, params: dict[str, Any]) -> bool:
    return kind in params.get("matter_types", [])


def _withdrawn_finding(summary: str, at: _dt.datetime, _params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return summary, {"withdrawn_at": at.isoformat()}
