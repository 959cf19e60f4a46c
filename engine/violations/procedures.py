"""The periodic rules about how long a procedure may take: special procedures (现场勘查, 技术论证) paused beyond their
working days, and 即办件 still open after their acceptance day (001 (一)1(4): 即办件在受理窗口完成 … 涉及现场查勘、技术论证的
… 有关科室在2个工作日—20个工作日内完成). Each pause or case is judged in a transaction of its own; the 即办件 that ends on
a later day is the end hook's (engine/violations/hooks.py)."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..kernel.clock import SHANGHAI
from ..models import Case, CasePause, Matter, Signal
from ..trail import chain as trail
from . import rule_config
from .hooks import IMMEDIATE, local_day
from .signals import evaluate, local_minute

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

OVERRUN, IMMEDIATE_RULE = "special_procedure_overrun", "immediate_not_same_day"
PAUSE_LABELS = {
    "site_survey": "现场勘查",
    "expert_review": "专家评审（技术论证）",
    "hearing": "听证",
    "inspection": "检验检测",
}
# A bound on what the sweep reads: pauses started within this many days (beyond any configured limit)
HORIZON_DAYS = 400
ENDED_WINDOW = 14  # an ended pause is judged within this many days of its end


class ProcedureSweep:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- special procedures ----------------------------------------------------------------------
    def due_overruns(self, as_of: _dt.datetime, limit: int = 2000) -> list[int]:
        """Pauses of a special procedure that may have run beyond their working days by ``as_of``, not flagged."""
        with self.db.reading() as session:
            query = self._overrun_candidates(session, as_of)
            return [] if query is None else list(session.scalars(query.limit(limit)))

    def check_overrun(self, pause_id: int, as_of: _dt.datetime) -> int:
        """Judge one pause in a transaction of its own; 1 when it raised a signal."""
        calendar = self.calendars.calendar()
        with self.db.transaction() as session:
            query = self._overrun_candidates(session, as_of)
            if query is None or session.scalar(query.where(CasePause.id == pause_id)) is None:
                return 0
            pause, case = session.execute(
                sa.select(CasePause, Case).join(Case, Case.id == CasePause.case_id).where(CasePause.id == pause_id)
            ).one()
            end = pause.ended_at or as_of

            def violation(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
                if pause.kind not in params.get("kinds", []):
                    return None
                days = int(params.get("days", 20))
                bound = calendar.add_working_days(pause.started_at, days)
                if end <= bound:
                    return None
                taken = calendar.working_days_between(pause.started_at, end)
                state = "历时" if pause.ended_at else "已进行"
                return (
                    f"办件 {case.number} 的{PAUSE_LABELS.get(pause.kind, pause.kind)}自 {local_minute(pause.started_at)} "
                    f"起{state} {taken:.1f} 个工作日，超过 {days} 个工作日（{local_minute(bound)}）",
                    {"pause": pause.id, "kind": pause.kind, "days": days, "bound": bound.isoformat()},
                )

            row = evaluate(
                session,
                calendar,
                as_of,
                OVERRUN,
                case.department,
                violation,
                subject=f"pause:{pause.id}",
                case_id=case.id,
                official=pause.started_by,
            )
            trail.append_outside_step(session, [row])
            return 1 if row is not None else 0

    def pause_place(self, pause_id: int) -> tuple[int | None, str | None]:
        with self.db.reading() as session:
            case_id = session.scalar(sa.select(CasePause.case_id).where(CasePause.id == pause_id))
            return case_id, f"pause:{pause_id}"

    @staticmethod
    def _overrun_candidates(session: Session, as_of: _dt.datetime) -> sa.Select | None:
        """Pauses of the kinds an enabled level names, started at least the fewest days a level allows ago (in
        calendar days: a working-day limit is never shorter), still running or ended within the last two weeks, and
        not flagged by the rule."""
        configs = rule_config.enabled_params(session, OVERRUN)
        kinds = sorted({kind for c in configs for kind in c.get("kinds", [])})
        if not kinds:
            return None
        shortest = _dt.timedelta(days=min(int(c.get("days", 20)) for c in configs))
        subject = sa.literal("pause:", sa.String) + sa.cast(CasePause.id, sa.String)
        return (
            sa.select(CasePause.id)
            .where(
                CasePause.kind.in_(kinds),
                CasePause.started_at <= as_of - shortest,
                CasePause.started_at >= as_of - _dt.timedelta(days=HORIZON_DAYS),
                sa.or_(CasePause.ended_at.is_(None), CasePause.ended_at >= as_of - _dt.timedelta(days=ENDED_WINDOW)),
                ~sa.exists().where(Signal.rule == OVERRUN, Signal.subject == subject),
            )
            .order_by(CasePause.id)
        )

    # --- 即办件 ----------------------------------------------------------------------------------------
    def due_immediate(self, as_of: _dt.datetime, limit: int = 2000) -> list[int]:
        """Running 即办件 accepted before ``as_of``'s day (Beijing time), not flagged."""
        with self.db.reading() as session:
            return list(session.scalars(self._immediate_candidates(self._day_start(as_of)).limit(limit)))

    def check_immediate(self, case_id: int, as_of: _dt.datetime) -> int:
        calendar = self.calendars.calendar()
        with self.db.transaction() as session:
            found = session.execute(
                sa.select(Case.id, Case.number, Case.department, Case.accepted_at).where(
                    Case.id == case_id, Case.id.in_(self._immediate_candidates(self._day_start(as_of)))
                )
            ).first()
            if found is None:
                return 0
            summary = (
                f"即办件 {found.number} 于 {local_minute(found.accepted_at)} 受理，"
                f"至 {local_day(as_of):%Y-%m-%d} 仍未办结，未当日办结"
            )
            row = evaluate(
                session,
                calendar,
                as_of,
                IMMEDIATE_RULE,
                found.department,
                lambda params: (summary, {"accepted_at": found.accepted_at.isoformat()}),
                subject=f"case:{found.id}",
                case_id=found.id,
            )
            trail.append_outside_step(session, [row])
            return 1 if row is not None else 0

    @staticmethod
    def _day_start(as_of: _dt.datetime) -> _dt.datetime:
        day = local_day(as_of)
        return _dt.datetime.combine(day, _dt.time(0), SHANGHAI).astimezone(_dt.UTC)

    @staticmethod
    def _immediate_candidates(day_start: _dt.datetime) -> sa.Select:
        return (
            sa.select(Case.id)
            .join(Matter, Matter.code == Case.matter_code)
            .where(
                Case.status == "running",
                Case.accepted_at < day_start,
                Matter.handling == IMMEDIATE,
                ~sa.exists().where(Signal.case_id == Case.id, Signal.rule == IMMEDIATE_RULE),
            )
            .order_by(Case.id)
        )
