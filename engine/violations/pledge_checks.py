"""告知承诺制 under supervision: a pledge found false at its post-approval check, and a check not recorded in time.

A false pledge means the approval was given on a condition the applicant did not meet — 深府〔2007〕32号 Art. 12(五)
"对不符合法定条件的审批项目准予行政审批的" — so the check raises ``pledge_false`` (red) in the transaction that records it
(the wiring table's ``pledge_false`` hook); the bureau's investigation (Art. 13) establishes whether anyone erred.
A check still not recorded when the matter's ``pledge_check_days`` working days after the approval have passed is a
duty of supervision left undone — Art. 8(四) "对审批事项履行监督检查职责的情况", a minor case of Art. 11(十) — and
the sweep raises ``pledge_check_overdue`` (yellow) once per pledge, each in a transaction of its own.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..casefiles.pledges import check_days, check_due
from ..models import Case, MaterialPledge, Matter, Signal
from ..trail import chain as trail
from . import rule_config
from .signals import evaluate, local_minute

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database
    from ..trail.chain import TrailRow

FALSE, OVERDUE = "pledge_false", "pledge_check_overdue"


def _subject(pledge_id: int) -> str:
    return f"pledge:{pledge_id}"


class PledgeChecks:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- the hook: a pledge found false --------------------------------------------------------------
    def on_false_pledge(
        self, session: Session, pledge: MaterialPledge, case: Case, actor_id: str, now: _dt.datetime
    ) -> list[TrailRow]:
        summary = (
            f"办件 {case.number} 以承诺代替“{pledge.material}”，准予许可后核查承诺不实：{(pledge.finding or '')[:200]}"
        )
        row = evaluate(
            session,
            self.calendars.calendar(),
            now,
            FALSE,
            case.department,
            lambda params: (summary, {"pledge": pledge.id, "material": pledge.material, "checked_by": actor_id}),
            subject=_subject(pledge.id),
            case_id=case.id,
        )
        return [row] if row is not None else []

    # --- the sweep: checks overdue -------------------------------------------------------------------
    def due_pledges(self, as_of: _dt.datetime, limit: int = 2000) -> list[int]:
        """Unchecked pledges of approved cases whose check fell due before ``as_of``, not flagged. The candidates
        are the pending checks (unchecked pledges, a short list in practice) ended at least a day before."""
        calendar = self.calendars.calendar()
        with self.db.reading() as session:
            query = self._candidates(session, as_of)
            if query is None:
                return []
            due = []
            for row in session.execute(query):
                found = check_due(calendar, row.ended_at, row.entry or {})
                if found is not None and found < as_of:
                    due.append(row.id)
                    if len(due) >= limit:
                        break
            return due

    def check_pledge(self, pledge_id: int, as_of: _dt.datetime) -> int:
        """Judge one pledge in a transaction of its own; 1 when it raised a signal."""
        calendar = self.calendars.calendar()
        with self.db.transaction() as session:
            query = self._candidates(session, as_of)
            found = None if query is None else session.execute(query.where(MaterialPledge.id == pledge_id)).first()
            if found is None:  # checked or flagged since it was selected
                return 0
            entry = found.entry or {}
            found_due = check_due(calendar, found.ended_at, entry)
            if found_due is None or found_due >= as_of:
                return 0
            due: _dt.datetime = found_due
            summary = (
                f"办件 {found.number} 于 {local_minute(found.ended_at)} 准予许可，以承诺代替的“{found.material}”"
                f"应在 {check_days(entry)} 个工作日内（{local_minute(due)} 前）核查，至今未记录核查结果"
            )
            row = evaluate(
                session,
                calendar,
                as_of,
                OVERDUE,
                found.department,
                lambda params: (summary, {"pledge": found.id, "material": found.material, "due": due.isoformat()}),
                subject=_subject(found.id),
                case_id=found.case_id,
            )
            trail.append_outside_step(session, [row])
            return 1 if row is not None else 0

    def pledge_place(self, pledge_id: int) -> tuple[int | None, str | None]:
        with self.db.reading() as session:
            case_id = session.scalar(sa.select(MaterialPledge.case_id).where(MaterialPledge.id == pledge_id))
            return case_id, _subject(pledge_id)

    @staticmethod
    def _candidates(session: Session, as_of: _dt.datetime) -> sa.Select | None:
        if not rule_config.enabled_params(session, OVERDUE):
            return None
        subject = sa.literal("pledge:", sa.String) + sa.cast(MaterialPledge.id, sa.String)
        return (
            sa.select(
                MaterialPledge.id,
                MaterialPledge.case_id,
                MaterialPledge.material,
                Case.number,
                Case.department,
                Case.ended_at,
                Matter.entry,
            )
            .join(Case, Case.id == MaterialPledge.case_id)
            .join(Matter, Matter.code == Case.matter_code)
            .where(
                MaterialPledge.checked_at.is_(None),
                Case.status == "ended",
                Case.outcome == "approved",
                Case.ended_at <= as_of - _dt.timedelta(days=1),
                ~sa.exists().where(Signal.rule == OVERDUE, Signal.subject == subject),
            )
            .order_by(Case.ended_at, MaterialPledge.id)
        )
