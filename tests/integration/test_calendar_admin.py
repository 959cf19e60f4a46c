"""The calendar as administrators keep it: overrides, clearing them, importing a year, the year view."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.bootstrap import Shenpi
from engine.deadlines import calendar_service
from engine.errors import InvalidInput
from engine.kernel.db import Database

from ..helpers import events


def kind_of(view: dict, day: dt.date) -> dict:
    month = view["months"][day.month - 1]
    return next(c for week in month["weeks"] for c in week if c and c["date"] == day)


def test_override_changes_the_working_day_and_is_recorded(bare_engine):
    day = dt.date(2026, 12, 7)  # a Monday
    assert bare_engine.calendars.calendar().is_workday(day)
    bare_engine.calendars.set_day(day, False, "临时停电", "admin")
    assert not bare_engine.calendars.calendar().is_workday(day)
    cell = kind_of(bare_engine.calendars.year_view(2026), day)
    assert cell["kind"] == "holiday" and cell["override"] and cell["name"] == "临时停电"
    bare_engine.calendars.clear_day(day, "admin")
    assert bare_engine.calendars.calendar().is_workday(day)
    with pytest.raises(InvalidInput):
        bare_engine.calendars.clear_day(day, "admin")
    assert [e["detail"].get("cleared") for e in events(bare_engine, "calendar_changed")] == [None, True]


def test_year_view_shows_holidays_adjusted_days_and_provisional_years(bare_engine):
    view = bare_engine.calendars.year_view(2026)
    assert not view["provisional"] and view["office_hours"][0] == ("09:00", "12:00")
    assert kind_of(view, dt.date(2026, 10, 1))["kind"] == "holiday"
    assert kind_of(view, dt.date(2026, 10, 1))["name"] == "国庆节"
    assert kind_of(view, dt.date(2026, 2, 14))["kind"] == "adjusted"
    assert kind_of(view, dt.date(2026, 12, 5))["kind"] == "weekend"
    future = bare_engine.calendars.year_view(2031)
    assert future["provisional"] and kind_of(future, dt.date(2031, 3, 3))["kind"] == "workday"
    spring = kind_of(future, dt.date(2031, 1, 23))  # 正月初一 2031 is Thursday 23 January
    assert (spring["kind"], spring["name"], spring["provisional"]) == ("holiday", "春节", True)


def test_a_year_is_imported_from_chinesecalendar_only_when_it_knows_it(bare_engine):
    assert bare_engine.calendars.import_package_year(2026, "admin")["days"] > 20
    assert bare_engine.calendars.year_view(2026)["imported"]["source"].startswith("chinesecalendar")
    with pytest.raises(InvalidInput, match="2031"):
        bare_engine.calendars.import_package_year(2031, "admin")
    assert events(bare_engine, "calendar_imported")[-1]["detail"]["year"] == 2026


def test_a_change_made_by_another_process_is_counted_there_too(bare_engine, monkeypatch):
    """Web workers, Celery workers and commands each count with the calendar they keep in memory: a change made by
    one (an override, its removal, a year's import) is read again by the others, at most RECHECK_SECONDS later."""
    url = bare_engine.db.bind.url.render_as_string(hide_password=False)
    other = Shenpi(bare_engine.settings, database=Database(url), clock=bare_engine.clock)
    day, new_year = dt.date(2026, 12, 7), dt.date(2027, 1, 1)
    assert other.calendars.calendar().is_workday(day)
    monkeypatch.setattr(calendar_service, "RECHECK_SECONDS", 3600.0)
    bare_engine.calendars.set_day(day, False, "临时停电", "admin")
    assert not bare_engine.calendars.calendar().is_workday(day)  # the process that made it: at once
    assert other.calendars.calendar().is_workday(day)  # another: not before it looks again
    monkeypatch.setattr(calendar_service, "RECHECK_SECONDS", 0.0)
    assert not other.calendars.calendar().is_workday(day)
    bare_engine.calendars.clear_day(day, "admin")
    assert other.calendars.calendar().is_workday(day)
    assert not other.calendars.calendar().is_official(2027)
    bare_engine.calendars.import_arrangement(
        2027, [{"day": new_year, "workday": False, "name": "元旦"}], "国务院办公厅通知", "admin"
    )
    assert other.calendars.calendar().is_official(2027) and not other.calendars.calendar().is_workday(new_year)
    other.db.bind.dispose()
