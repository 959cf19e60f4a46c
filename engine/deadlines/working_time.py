"""Working-day arithmetic: Chinese statutory holidays, adjusted working days (调休), office hours, pauses.

Holidays come from the ``chinesecalendar`` package; days it does not know (it stops at 2026)
come from overrides kept in the database. A day with neither raises ``CalendarDataMissing``:
a deadline is never guessed.

Conventions (as in approval practice): a limit of N working days runs from the day after the
start and ends at the close of office on the N-th working day; pauses (补正, special procedures,
中止) extend it by the working time they covered.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import chinese_calendar

from ..kernel.clock import SHANGHAI
from ..errors import EngineError

DEFAULT_HOURS = ((_dt.time(9, 0), _dt.time(12, 0)), (_dt.time(13, 30), _dt.time(17, 30)))


class CalendarDataMissing(EngineError):
    code = "calendar_data_missing"
    status = 409

    def __init__(self, day: _dt.date):
        super().__init__("calendar_data_missing", day=day.isoformat(), year=day.year)
        self.day = day


@dataclass(frozen=True)
class Pause:
    start: _dt.datetime
    end: _dt.datetime | None = None   # None: still paused


@dataclass
class WorkingCalendar:
    """``overrides`` maps a date to True (working day) or False (day off); ``years`` are years whose
    arrangement was imported (outside the package's range, unlisted weekdays work and weekends are off)."""

    overrides: dict = field(default_factory=dict)
    years: frozenset = frozenset()
    office_hours: tuple = DEFAULT_HOURS
    tz: _dt.tzinfo = SHANGHAI

    _known: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def is_workday(self, day: _dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._lookup(day)
        return known

    def _lookup(self, day: _dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self.years:
                return day.weekday() < 5
            raise CalendarDataMissing(day) from None

    def holiday_name(self, day: _dt.date) -> str | None:
        try:
            return chinese_calendar.get_holiday_detail(day)[1]
        except NotImplementedError:
            return None

    # --- office periods ---------------------------------------------------------------------
    def _periods(self, day: _dt.date):
        for begin, end in self.office_hours:
            yield (_dt.datetime.combine(day, begin, self.tz), _dt.datetime.combine(day, end, self.tz))

    def day_seconds(self) -> float:
        return sum((_dt.datetime.combine(_dt.date.min, e) - _dt.datetime.combine(_dt.date.min, b)).total_seconds()
                   for b, e in self.office_hours)

    def close_of(self, day: _dt.date) -> _dt.datetime:
        return _dt.datetime.combine(day, self.office_hours[-1][1], self.tz)

    # --- arithmetic -------------------------------------------------------------------------
    def working_seconds(self, start: _dt.datetime, end: _dt.datetime, pauses=()) -> float:
        """Working time between two instants, less the working time covered by pauses."""
        if end <= start:
            return 0.0
        total = self._raw_seconds(start, end)
        for pause in pauses:
            p_start = max(start, pause.start)
            p_end = min(end, pause.end or end)
            if p_end > p_start:
                total -= self._raw_seconds(p_start, p_end)
        return max(total, 0.0)

    def _raw_seconds(self, start: _dt.datetime, end: _dt.datetime) -> float:
        total = 0.0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            if self.is_workday(day):
                for p_start, p_end in self._periods(day):
                    overlap = (min(end, p_end) - max(start, p_start)).total_seconds()
                    if overlap > 0:
                        total += overlap
            day += _dt.timedelta(days=1)
        return total

    def add_working_seconds(self, start: _dt.datetime, seconds: float, pauses=()) -> _dt.datetime:
        """The instant at which ``seconds`` of working time have run since ``start`` (pauses not counted)."""
        cursor = start
        remaining = seconds
        for pause in sorted(pauses, key=lambda p: p.start):
            if pause.end is not None and pause.end <= cursor:
                continue
            reach = self._advance(cursor, remaining)
            if pause.start >= reach:
                return reach
            remaining -= self._raw_seconds(cursor, max(cursor, pause.start))
            if pause.end is None:
                raise ValueError("the clock is paused: no deadline until the pause ends")
            cursor = max(cursor, pause.end)
        return self._advance(cursor, remaining)

    def _advance(self, start: _dt.datetime, seconds: float) -> _dt.datetime:
        remaining = seconds
        day = start.astimezone(self.tz).date()
        for _ in range(3700):  # ten years of days: a guard, never reached by real limits
            if self.is_workday(day):
                for p_start, p_end in self._periods(day):
                    begin = max(start, p_start)
                    if begin >= p_end:
                        continue
                    available = (p_end - begin).total_seconds()
                    if remaining <= available:
                        return (begin + _dt.timedelta(seconds=remaining)).astimezone(_dt.timezone.utc)
                    remaining -= available
            day += _dt.timedelta(days=1)
        raise ValueError("working time beyond ten years")

    def subtract_working_seconds(self, end: _dt.datetime, seconds: float) -> _dt.datetime:
        """The instant from which ``seconds`` of working time run until ``end``."""
        remaining = seconds
        day = end.astimezone(self.tz).date()
        for _ in range(3700):
            if self.is_workday(day):
                for p_start, p_end in reversed(list(self._periods(day))):
                    finish = min(end, p_end)
                    if finish <= p_start:
                        continue
                    available = (finish - p_start).total_seconds()
                    if remaining <= available:
                        return (finish - _dt.timedelta(seconds=remaining)).astimezone(_dt.timezone.utc)
                    remaining -= available
            day -= _dt.timedelta(days=1)
        raise ValueError("working time beyond ten years")

    def start_of_day(self, day: _dt.date) -> _dt.datetime:
        return _dt.datetime.combine(day, _dt.time(0), self.tz).astimezone(_dt.timezone.utc)

    def nth_working_day_after(self, day: _dt.date, n: int) -> _dt.date:
        while n > 0:
            day += _dt.timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def add_working_days(self, start: _dt.datetime, days: int, pauses=()) -> _dt.datetime:
        """Deadline of a limit of ``days`` working days counted from the day after ``start``."""
        if days < 0:
            raise ValueError("a limit cannot be negative")
        local = start.astimezone(self.tz)
        base = self.close_of(self.nth_working_day_after(local.date(), days)) if days else local
        deadline = base
        for _ in range(50):
            paused = sum(self._raw_seconds(max(start, p.start), min(deadline, p.end or deadline))
                         for p in pauses if (p.end or deadline) > start and p.start < deadline)
            if any(p.end is None and p.start < deadline for p in pauses):
                raise ValueError("the clock is paused: no deadline until the pause ends")
            extended = self._advance(base, paused) if paused else base
            if extended == deadline:
                break
            deadline = extended
        return deadline.astimezone(_dt.timezone.utc)

    def add_working_hours(self, start: _dt.datetime, hours: float, pauses=()) -> _dt.datetime:
        return self.add_working_seconds(start, hours * 3600, pauses)

    def working_days_between(self, start: _dt.datetime, end: _dt.datetime, pauses=()) -> float:
        """Elapsed working time in working days (of office hours)."""
        return self.working_seconds(start, end, pauses) / self.day_seconds()
