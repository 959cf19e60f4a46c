"""The periodic part of the violation rules: uncorrected yellow signals turn red, and the time-based rules look
at recently ended cases (status index, ended within ``LOOKBACK``) that their rule has not flagged yet."""
from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa

from .models import Case, IssuedDocument, Licence, Matter, MatterVersion, Signal
from .signals import evaluate, lenient, write_events
from .working_time import CalendarDataMissing

LOOKBACK = _dt.timedelta(days=90)
_cases = Case.__table__


def _unflagged(name: str):
    return ~sa.exists().where(Signal.case_id == Case.id, Signal.rule == name)


def _local_day(instant) -> str:
    from .clock import SHANGHAI

    return f"{instant.astimezone(SHANGHAI):%Y-%m-%d}"


class SignalSweep:
    def __init__(self, db, clock, calendars, signals):
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.signals = signals

    def sweep(self, as_of: _dt.datetime | None = None) -> int:
        """Turn overdue yellows red and run the time-based rules; the number of signals raised or turned red."""
        as_of = as_of or self.clock.now()
        changed = self.signals.turn_overdue_red(as_of)
        calendar = lenient(self.calendars.calendar())
        with self.db.transaction() as session:
            rows = self._late_after_end(session, calendar, as_of) + self._started_after_withdrawal(
                session, calendar, as_of)
            write_events(session, rows)
        return changed + len(rows)

    def _recent(self, name: str, as_of, *conditions):
        return (sa.select(Case.id, Case.number, Case.department, Case.ended_at, Case.outcome, Case.matter_code,
                          Case.result_published_at)
                .where(Case.status == "ended", Case.ended_at >= as_of - LOOKBACK, Case.ended_at <= as_of,
                       _unflagged(name), *conditions).order_by(Case.id).limit(2000))

    def _late_after_end(self, session, calendar, as_of) -> list:
        rows = []

        def check(name, case, what):
            def violation(params):
                try:
                    deadline = calendar.add_working_days(case.ended_at, int(params.get("days", 1)))
                except CalendarDataMissing:
                    return None
                if as_of <= deadline or not what(params, deadline):
                    return None
                return (f"办件 {case.number} 于 {_local_day(case.ended_at)} 办结，"
                        f"{params.get('days', 1)} 个工作日内{RULE_TEXT[name]}", {"outcome": case.outcome})
            rows.append(evaluate(session, calendar, as_of, name, case.department, violation,
                                 subject=f"case:{case.id}", case_id=case.id))

        licensed = sa.exists().where(Licence.case_id == Case.id)
        for case in session.execute(self._recent("licence_not_issued", as_of, Case.outcome == "approved",
                                                 ~licensed)).all():
            matter_type = session.scalar(sa.select(Matter.matter_type).where(Matter.code == case.matter_code))
            check("licence_not_issued", case, lambda p, _d: matter_type in p.get("matter_types", []))
        for case in session.execute(self._recent(
                "result_not_published", as_of, Case.outcome.in_(("approved", "denied", "refused")),
                sa.or_(Case.result_published_at.is_(None), Case.result_published_at > Case.ended_at))).all():
            check("result_not_published", case,
                  lambda _p, deadline, c=case: c.result_published_at is None or c.result_published_at > deadline)
        decided = sa.exists().where(IssuedDocument.case_id == Case.id,
                                    IssuedDocument.kind.in_(("refusal_decision", "denial_decision")))
        for case in session.execute(self._recent("refusal_without_reasons", as_of,
                                                 Case.outcome.in_(("denied", "refused")), ~decided)).all():
            check("refusal_without_reasons", case, lambda _p, _d: True)
        return rows

    def _started_after_withdrawal(self, session, calendar, as_of) -> list:
        """Cases of a withdrawn matter started after its withdrawal (Art. 12: running a withdrawn matter)."""
        withdrawn = sa.select(MatterVersion.code, sa.func.max(MatterVersion.at).label("at")).join(
            Matter, Matter.code == MatterVersion.code).where(
            Matter.published.is_(False), MatterVersion.kind == "withdrawn").group_by(MatterVersion.code).subquery()
        found = session.execute(sa.select(Case.id, Case.number, Case.department, Case.created_by, withdrawn.c.at)
                                .join(withdrawn, withdrawn.c.code == Case.matter_code)
                                .where(Case.created_at > withdrawn.c.at, _unflagged("unpublished_procedure"))
                                .order_by(Case.id).limit(2000)).all()
        rows = []
        for case in found:
            summary = f"办件 {case.number} 在事项停办（{_local_day(case.at)}）之后启动"
            rows.append(evaluate(session, calendar, as_of, "unpublished_procedure", case.department,
                                 lambda _p, s=summary: (s, {"withdrawn_at": case.at.isoformat()}),
                                 subject=f"case:{case.id}", case_id=case.id))
        return rows


RULE_TEXT = {"licence_not_issued": "未发放电子证照", "result_not_published": "未公开办理结果",
             "refusal_without_reasons": "未出具载明理由的决定书"}
