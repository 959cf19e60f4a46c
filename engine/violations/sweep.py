"""The periodic part of the violation rules: uncorrected yellow signals turn red, and the time-based rules look
at recently ended cases (status index, ended within the window of the rule's ``days``) that their rule has not flagged yet."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..deadlines.working_time import WorkingCalendar
from ..kernel.clock import SHANGHAI
from ..models import Case, IssuedDocument, Licence, Matter, MatterVersion, Signal
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


class SignalSweep:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, signals: SignalService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.signals = signals

    def sweep(self, as_of: _dt.datetime | None = None) -> int:
        """Turn overdue yellows red and run the time-based rules; the number of signals raised or turned red."""
        as_of = as_of or self.clock.now()
        changed = self.signals.turn_overdue_red(as_of)
        calendar = self.calendars.calendar()
        with self.db.transaction() as session:
            rows = self._late_after_end(session, calendar, as_of) + self._started_after_withdrawal(
                session, calendar, as_of
            )
            trail.append_outside_step(session, rows)
        return changed + len(rows)

    @staticmethod
    def _recent(
        session: Session, name: str, as_of: _dt.datetime, *conditions: sa.ColumnElement[bool]
    ) -> tuple[sa.Select | None, list[dict[str, Any]]]:
        """Ended cases the rule has not flagged, within the window its longest enabled ``days`` can reach (twice
        as many calendar days, and two weeks for long holidays); None when the rule is enabled nowhere."""
        configs = rule_config.enabled_params(session, name)
        if not configs:
            return None, []
        window = _dt.timedelta(days=2 * max(int(c.get("days", 1)) for c in configs) + 14)
        query = (
            sa.select(Case.id, Case.number, Case.department, Case.ended_at, Case.outcome, Case.matter_code)
            .where(
                Case.status == "ended",
                Case.ended_at >= as_of - window,
                Case.ended_at <= as_of,
                _unflagged(name),
                *conditions,
            )
            .order_by(Case.id)
            .limit(2000)
        )
        return query, configs

    def _late_after_end(
        self, session: Session, calendar: WorkingCalendar, as_of: _dt.datetime
    ) -> list[TrailRow | None]:
        rows: list[TrailRow | None] = []

        def check(name: str, case: sa.Row, applies: Callable[[dict[str, Any]], bool] = lambda _params: True) -> None:
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

            rows.append(
                evaluate(
                    session,
                    calendar,
                    as_of,
                    name,
                    case.department,
                    violation,
                    subject=f"case:{case.id}",
                    case_id=case.id,
                )
            )

        def each(name: str, *conditions: sa.ColumnElement[bool]) -> tuple[Any, list[dict[str, Any]]]:
            query, configs = self._recent(session, name, as_of, *conditions)
            return (session.execute(query).all() if query is not None else []), configs

        wanted = {
            t for c in rule_config.enabled_params(session, "licence_not_issued") for t in c.get("matter_types", [])
        }
        matter_type = sa.select(Matter.matter_type).where(Matter.code == Case.matter_code).scalar_subquery()
        found, _ = each(
            "licence_not_issued",
            Case.outcome == "approved",
            matter_type.in_(wanted),
            ~sa.exists().where(Licence.case_id == Case.id),
        )
        for case in found:
            kind = session.scalar(sa.select(Matter.matter_type).where(Matter.code == case.matter_code))
            check("licence_not_issued", case, functools.partial(_lists_matter_type, kind))  # called at once
        found, _ = each(
            "result_not_published", Case.outcome.in_(PUBLISHED_OUTCOMES), Case.result_published_at.is_(None)
        )
        for case in found:
            check("result_not_published", case)
        decided = sa.exists().where(
            IssuedDocument.case_id == Case.id, IssuedDocument.kind.in_(("refusal_decision", "denial_decision"))
        )
        found, _ = each("refusal_without_reasons", Case.outcome.in_(("denied", "refused")), ~decided)
        for case in found:
            check("refusal_without_reasons", case)
        return rows

    def _started_after_withdrawal(
        self, session: Session, calendar: WorkingCalendar, as_of: _dt.datetime
    ) -> list[TrailRow | None]:
        """Cases of a withdrawn matter started after its withdrawal (Art. 12: running a withdrawn matter)."""
        withdrawn = (
            sa.select(MatterVersion.code, sa.func.max(MatterVersion.at).label("at"))
            .join(Matter, Matter.code == MatterVersion.code)
            .where(Matter.published.is_(False), MatterVersion.kind == "withdrawn")
            .group_by(MatterVersion.code)
            .subquery()
        )
        found = session.execute(
            sa.select(Case.id, Case.number, Case.department, Case.created_by, withdrawn.c.at)
            .join(withdrawn, withdrawn.c.code == Case.matter_code)
            .where(Case.created_at > withdrawn.c.at, _unflagged("unpublished_procedure"))
            .order_by(Case.id)
            .limit(2000)
        ).all()
        rows: list[TrailRow | None] = []
        for case in found:
            summary = f"办件 {case.number} 在事项停办（{_local_day(case.at)}）之后启动"
            rows.append(
                evaluate(
                    session,
                    calendar,
                    as_of,
                    "unpublished_procedure",
                    case.department,
                    functools.partial(_withdrawn_finding, summary, case.at),
                    subject=f"case:{case.id}",
                    case_id=case.id,
                )
            )
        return rows


RULE_TEXT = {
    "licence_not_issued": "未发放电子证照",
    "result_not_published": "未公开办理结果",
    "refusal_without_reasons": "未出具载明理由的决定书",
}


def _lists_matter_type(kind: str | None, params: dict[str, Any]) -> bool:
    return kind in params.get("matter_types", [])


def _withdrawn_finding(summary: str, at: _dt.datetime, _params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return summary, {"withdrawn_at": at.isoformat()}
