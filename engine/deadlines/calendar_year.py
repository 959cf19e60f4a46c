"""A year of the working-day calendar as twelve month grids: what each day is, and why."""

from __future__ import annotations

import calendar as _calendar
import datetime as _dt
from typing import Any

import chinese_calendar

from .working_time import WorkingCalendar, package_knows

# chinesecalendar names its holidays in English; the catalogue speaks Chinese.
HOLIDAY_NAMES = {holiday.value: getattr(holiday, "chinese", holiday.value) for holiday in chinese_calendar.Holiday}
KINDS = ("workday", "weekend", "holiday", "adjusted")


def day_kind(calendar: WorkingCalendar, day: _dt.date, named: bool = False) -> str:
    """``workday``/``weekend`` follow the weekday rule; ``holiday`` is a weekday off, ``adjusted`` (调休) a
    weekend day worked (a weekend day off inside a named holiday, or ``named``, is a holiday too)."""
    working = calendar.is_workday(day)
    weekday = day.weekday() < 5
    if working == weekday:
        return "workday" if working else ("holiday" if named or _named_holiday(calendar, day) else "weekend")
    return "adjusted" if working else "holiday"


def _named_holiday(calendar: WorkingCalendar, day: _dt.date) -> bool:
    if package_knows(day.year):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return bool(on_holiday and name)
    return calendar.holiday_name(day) is not None


def holiday_name(calendar: WorkingCalendar, day: _dt.date) -> str | None:
    name = calendar.holiday_name(day)
    return HOLIDAY_NAMES.get(name, name) if name else None


def year_view(
    calendar: WorkingCalendar, year: int, overrides: dict[_dt.date, tuple[bool, str | None]]
) -> list[dict[str, Any]]:
    """Twelve months, each with weeks (Monday first) of day cells; ``overrides`` maps a date to
    (workday, name) for days kept in the database."""
    months = []
    grid = _calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                override = overrides.get(day)
                cells.append(
                    {
                        "date": day,
                        "kind": day_kind(calendar, day, bool(override and override[1])),
                        "override": override is not None,
                        "provisional": calendar.is_provisional(day),
                        "name": (override[1] if override and override[1] else holiday_name(calendar, day)),
                    }
                )
            weeks.append(cells)
        counts = {kind: sum(1 for w in weeks for c in w if c and c["kind"] == kind) for kind in KINDS}
        months.append({"month": month, "weeks": weeks, "counts": counts})
    return months


def package_arrangement(year: int) -> list[dict[str, Any]]:
    """The year's holidays and adjusted working days as chinesecalendar knows them (rows to import)."""
    day, rows = _dt.date(year, 1, 1), []
    try:
        while day.year == year:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            working = chinese_calendar.is_workday(day)
            if working != (day.weekday() < 5) or (name and not working):
                rows.append({"day": day, "workday": working, "name": HOLIDAY_NAMES.get(name, name) if name else None})
            day += _dt.timedelta(days=1)
    except NotImplementedError:
        return []
    return rows
