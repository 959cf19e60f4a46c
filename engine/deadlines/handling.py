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


class _Spans:
    """Working seconds between instants over many cases: the workdays of the range looked up once, whole days from a
    running sum, only the first and the last day counted against the office hours."""

    def __init__(self, calendar: WorkingCalendar, first: _dt.date, last: _dt.date) -> None:
        self.calendar, self.tz, self.first = calendar, calendar.tz, first
        full = calendar.day_seconds()
        self.workday: list[bool] = []
        self.before: list[float] = [0.0]  # working seconds of the days before first + n
        day = first
        while day <= last:
            self.workday.append(calendar.is_workday(day))
            self.before.append(self.before[-1] + (full if self.workday[-1] else 0.0))
            day += _dt.timedelta(days=1)
        self.hours = [
            (begin.hour * 3600 + begin.minute * 60 + begin.second, end.hour * 3600 + end.minute * 60 + end.second)
            for begin, end in calendar.office_hours
        ]

    def _within(self, index: int, low: float, high: float) -> float:
        """Working seconds of day ``first + index`` between two times of that day (seconds after midnight)."""
        if not self.workday[index]:
            return 0.0
        return sum(max(0.0, min(high, end) - max(low, begin)) for begin, end in self.hours)

    def seconds(self, start: _dt.datetime, end: _dt.datetime) -> float:
        if end <= start:
            return 0.0
        local_start, local_end = start.astimezone(self.tz), end.astimezone(self.tz)
        i, j = (local_start.date() - self.first).days, (local_end.date() - self.first).days
        if i < 0 or j >= len(self.workday):
            return self.calendar.working_seconds(start, end)
        low = local_start.hour * 3600 + local_start.minute * 60 + local_start.second + local_start.microsecond / 1e6
        high = local_end.hour * 3600 + local_end.minute * 60 + local_end.second + local_end.microsecond / 1e6
        if i == j:
            return self._within(i, low, high)
        return self._within(i, low, 86400.0) + self.before[j] - self.before[i + 1] + self._within(j, 0.0, high)


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
    spans: list[tuple[int, str, _dt.datetime, _dt.datetime]] = [
        (case_id, department, accepted_at, ended_at)
        for case_id, department, accepted_at, ended_at in session.execute(accepted)
        if accepted_at is not None and ended_at is not None
    ]
    if not spans:
        return rows
    tz = calendar.tz
    working = _Spans(
        calendar,
        min(span[2] for span in spans).astimezone(tz).date(),
        max(span[3] for span in spans).astimezone(tz).date(),
    )
    paused: dict[int, float] = defaultdict(float)
    ends = {span[0]: span[3] for span in spans}
    pauses = session.execute(
        sa.select(CasePause.case_id, CasePause.started_at, CasePause.ended_at).where(
            CasePause.case_id.in_(accepted.with_only_columns(Case.id).scalar_subquery())
        )
    )
    for case_id, began, finished in pauses:
        if case_id in ends:
            stop = ends[case_id] if finished is None else min(finished, ends[case_id])
            paused[case_id] += working.seconds(began, stop)
    day = calendar.day_seconds()
    for case_id, department, accepted_at, ended_at in spans:
        seconds = max(working.seconds(accepted_at, ended_at) - paused[case_id], 0.0)
        rows[department]["accepted"] += 1
        rows[department]["handling_days"] += seconds / day
    return rows


def average_days(figures: dict[str, Any]) -> float | None:
    """The average handling time in working days, to two places."""
    return round(figures["handling_days"] / figures["accepted"], 2) if figures.get("accepted") else None


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
