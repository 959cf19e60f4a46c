"""One definition of on time and of handling time, for the monthly report and the cockpit alike.

- **On time** (按时办结): a case ended by its *statutory* limit (``ended_at <= statutory_due_at``); a case with no
  limit (never accepted: refused at intake, withdrawn) counts as on time. Ended within its *promised* limit
  (承诺时限) is reported beside it, never in its place.
- **Handling time** (办理时间): from acceptance to the end, in working days of the calendar (statutory holidays and
  调休, office hours), less the working time the clock was paused (补正, special procedures, 中止). Cases never
  accepted have none.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Case, CasePause

if TYPE_CHECKING:
    from .working_time import WorkingCalendar


def on_time() -> sa.ColumnElement[bool]:
    """Ended by the statutory limit (or no limit ran)."""
    return sa.or_(Case.statutory_due_at.is_(None), Case.ended_at <= Case.statutory_due_at)


def within_promise() -> sa.ColumnElement[bool]:
    """Ended by the promised limit (or no limit ran)."""
    return sa.or_(Case.promised_due_at.is_(None), Case.ended_at <= Case.promised_due_at)


def ended_in(start: _dt.datetime, end: _dt.datetime) -> sa.ColumnElement[bool]:
    return sa.and_(Case.status == "ended", Case.ended_at >= start, Case.ended_at < end)


def ended_figures(
    session: Session,
    calendar: WorkingCalendar,
    start: _dt.datetime,
    end: _dt.datetime,
    units: Iterable[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per department, the cases ended in ``[start, end)``: ``ended``, ``on_time``, ``within_promise``,
    ``accepted`` and ``handling_days`` (the sum of their working days; divide by ``accepted``)."""
    query = sa.select(
        Case.department,
        sa.func.count().label("ended"),
        sa.func.count().filter(on_time()).label("on_time"),
        sa.func.count().filter(within_promise()).label("within_promise"),
    ).where(ended_in(start, end))
    if units is not None:
        query = query.where(Case.department.in_(list(units)))
    rows = {
        row.department: {**row._asdict(), "accepted": 0, "handling_days": 0.0}
        for row in session.execute(query.group_by(Case.department))
    }
    accepted = sa.select(Case.id, Case.department, Case.accepted_at, Case.ended_at).where(
        ended_in(start, end), Case.accepted_at.is_not(None)
    )
    if units is not None:
        accepted = accepted.where(Case.department.in_(list(units)))
    spans = session.execute(accepted).all()
    paused: dict[int, float] = defaultdict(float)
    if spans:
        pauses = session.execute(
            sa.select(CasePause.case_id, CasePause.started_at, CasePause.ended_at).where(
                CasePause.case_id.in_(accepted.with_only_columns(Case.id).scalar_subquery())
            )
        ).all()
        ends: dict[int, _dt.datetime] = {case_id: ended for case_id, _, _, ended in spans if ended is not None}
        for case_id, began, finished in pauses:
            if case_id in ends:
                stop = ends[case_id] if finished is None else min(finished, ends[case_id])
                paused[case_id] += calendar.working_seconds(began, stop)
    day = calendar.day_seconds()
    for case_id, department, accepted_at, ended_at in spans:
        assert accepted_at is not None and ended_at is not None  # selected so
        seconds = max(calendar.working_seconds(accepted_at, ended_at) - paused[case_id], 0.0)
        rows[department]["accepted"] += 1
        rows[department]["handling_days"] += seconds / day
    return rows


def average_days(figures: dict[str, Any]) -> float | None:
    """The average handling time in working days, to two places."""
    return round(figures["handling_days"] / figures["accepted"], 2) if figures.get("accepted") else None


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
