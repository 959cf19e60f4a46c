"""Working-day arithmetic: Chinese statutory holidays, adjusted working days (调休), office hours.

A day is official when its year's arrangement is known: from the ``chinesecalendar`` package (it stops at 2026) or
imported into the database; days set by hand are kept in the database too and win over both. Every other day is
provisional (``provisional.py``): the statutory holidays in force, weekends off, no adjusted working days. A deadline
is never refused for want of data; one counted over provisional days says so (``provisional_between``) and is
counted again when the official arrangement is imported (``runtime/recount.py``).

Conventions (as in approval practice): a limit of N working days runs from the day after the
start and ends at the close of office on the N-th working day; pauses (补正, special procedures,
中止) extend it by the working time they covered, when the case clock resumes (``runtime/case_clock.py``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import chinese_calendar

from ..kernel.clock import SHANGHAI
from . import provisional

# (begin, end) of each office period of a working day, in order
OfficeHours = tuple[tuple[_dt.time, _dt.time], ...]
DEFAULT_HOURS: OfficeHours = ((_dt.time(9, 0), _dt.time(12, 0)), (_dt.time(13, 30), _dt.time(17, 30)))


@cache
def package_knows(year: int) -> bool:
    """Whether ``chinesecalendar`` has the State Council's arrangement of ``year``."""
    try:
        chinese_calendar.is_workday(_dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass
class WorkingCalendar:
    """``overrides`` maps a date to True (working day) or False (day off); ``years`` are years whose official
    arrangement was imported (outside the package's range, unlisted weekdays work and weekends are off)."""

    overrides: dict[_dt.date, bool] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    office_hours: OfficeHours = DEFAULT_HOURS
    tz: _dt.tzinfo = SHANGHAI

    _known: dict[_dt.date, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def is_workday(self, day: _dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._lookup(day)
        return known

    def _lookup(self, day: _dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_knows(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year in self.years:
            return day.weekday() < 5
        return day.weekday() < 5 and day not in provisional.statutory_holidays(day.year)

    def is_official(self, year: int) -> bool:
        """Whether the State Council's arrangement of ``year`` is known (imported or in the package)."""
        return year in self.years or package_knows(year)

    def is_provisional(self, day: _dt.date) -> bool:
        """A day counted on the provisional calendar: its year has no official arrangement and nobody set it."""
        return not self.is_official(day.year) and day not in self.overrides

    def provisional_between(self, start: _dt.datetime, end: _dt.datetime) -> bool:
        """Whether any day from ``start``'s to ``end``'s (either order) is provisional: a limit counted over that
        span is provisional."""
        first, last = sorted((start.astimezone(self.tz).date(), end.astimezone(self.tz).date()))
        for year in range(first.year, last.year + 1):
            if self.is_official(year):
                continue
            day, until = max(first, _dt.date(year, 1, 1)), min(last, _dt.date(year, 12, 31))
            while day <= until:
                if day not in self.overrides:
                    return True
                day += _dt.timedelta(days=1)
        return False

    def holiday_name(self, day: _dt.date) -> str | None:
        """The name of the holiday ``day`` belongs to (chinesecalendar's English name, or the provisional
        calendar's Chinese one), if any."""
        if package_knows(day.year):
            return chinese_calendar.get_holiday_detail(day)[1]
        if day.year in self.years:
            return None
        return provisional.statutory_holidays(day.year).get(day)

    # --- office periods ---------------------------------------------------------------------
    def _periods(self, day: _dt.date) -> Iterator[tuple[_dt.datetime, _dt.datetime]]:
        for begin, end in self.office_hours:
            yield (_dt.datetime.combine(day, begin, self.tz), _dt.datetime.combine(day, end, self.tz))

    def day_seconds(self) -> float:
        return sum(
            (_dt.datetime.combine(_dt.date.min, e) - _dt.datetime.combine(_dt.date.min, b)).total_seconds()
            for b, e in self.office_hours
        )

    def close_of(self, day: _dt.date) -> _dt.datetime:
        return _dt.datetime.combine(day, self.office_hours[-1][1], self.tz)

    # --- arithmetic -------------------------------------------------------------------------
    def working_seconds(self, start: _dt.datetime, end: _dt.datetime) -> float:
        """Working time between two instants."""
        if end <= start:
            return 0.0
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

    def add_working_seconds(self, start: _dt.datetime, seconds: float) -> _dt.datetime:
        """The instant at which ``seconds`` of working time have run since ``start``."""
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
                        return (begin + _dt.timedelta(seconds=remaining)).astimezone(_dt.UTC)
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
                        return (finish - _dt.timedelta(seconds=remaining)).astimezone(_dt.UTC)
                    remaining -= available
            day -= _dt.timedelta(days=1)
        raise ValueError("working time beyond ten years")

    def start_of_day(self, day: _dt.date) -> _dt.datetime:
        return _dt.datetime.combine(day, _dt.time(0), self.tz).astimezone(_dt.UTC)

    def nth_working_day_after(self, day: _dt.date, n: int) -> _dt.date:
        while n > 0:
            day += _dt.timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def add_working_days(self, start: _dt.datetime, days: int) -> _dt.datetime:
        """Deadline of a limit of ``days`` working days counted from the day after ``start`` (a pause, when the
        case clock resumes, moves the deadline by the working time it took: ``runtime/case_clock.py``)."""
        if days < 0:
            raise ValueError("a limit cannot be negative")
        local = start.astimezone(self.tz)
        deadline = self.close_of(self.nth_working_day_after(local.date(), days)) if days else local
        return deadline.astimezone(_dt.UTC)

    def add_working_hours(self, start: _dt.datetime, hours: float) -> _dt.datetime:
        return self.add_working_seconds(start, hours * 3600)

    def working_days_between(self, start: _dt.datetime, end: _dt.datetime) -> float:
        """Elapsed working time in working days (of office hours)."""
        return self.working_seconds(start, end) / self.day_seconds()
