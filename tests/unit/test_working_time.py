"""Working-day arithmetic across holidays, adjusted working days, lunch breaks and pauses."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.deadlines.working_time import WorkingCalendar
from engine.kernel.clock import SHANGHAI

CAL = WorkingCalendar()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def local(instant: dt.datetime) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_national_day_week_and_the_adjusted_saturday():
    # 2025: 1–8 October off; Saturday 11 October is a working day.
    assert local(CAL.add_working_days(at("2025-09-30T10:00"), 3)) == "2025-10-11 17:30"
    assert local(CAL.add_working_days(at("2025-09-26T10:00"), 1)) == "2025-09-28 17:30"  # Sunday 28 Sept works


def test_spring_festival():
    # 2026: 15–23 February off; Saturdays 14 and 28 February are working days.
    assert local(CAL.add_working_days(at("2026-02-13T15:00"), 2)) == "2026-02-24 17:30"
    assert local(CAL.add_working_days(at("2026-02-24T09:00"), 4)) == "2026-02-28 17:30"


def test_plain_week_and_zero_day_limit():
    assert local(CAL.add_working_days(at("2026-11-23T10:00"), 5)) == "2026-11-30 17:30"
    assert CAL.add_working_days(at("2026-11-23T10:00"), 0) == at("2026-11-23T10:00")


def test_office_hours_and_lunch_break():
    assert CAL.working_seconds(at("2026-11-23T11:00"), at("2026-11-23T14:00")) == 1.5 * 3600
    assert CAL.working_seconds(at("2026-11-21T09:00"), at("2026-11-22T18:00")) == 0  # a weekend
    assert local(CAL.add_working_hours(at("2026-11-27T16:30"), 2)) == "2026-11-30 10:00"
    assert local(CAL.add_working_hours(at("2026-11-23T11:30"), 1)) == "2026-11-23 14:00"
    assert CAL.working_days_between(at("2026-11-23T09:00"), at("2026-11-24T17:30")) == 2


def test_year_without_an_arrangement_is_counted_provisionally_and_says_so():
    """A year chinesecalendar does not know is counted, never refused: 1 January 2027 is a statutory day off."""
    due = CAL.add_working_days(at("2026-12-30T10:00"), 5)
    assert local(due) == "2027-01-07 17:30"
    assert CAL.provisional_between(at("2026-12-30T10:00"), due)
    assert not CAL.provisional_between(at("2026-11-23T10:00"), at("2026-12-31T17:30"))


def test_imported_year_and_overrides():
    cal = WorkingCalendar(overrides={dt.date(2027, 1, 1): False, dt.date(2026, 11, 24): False}, years=frozenset({2027}))
    assert local(cal.add_working_days(at("2026-12-30T10:00"), 2)) == "2027-01-04 17:30"
    assert local(cal.add_working_days(at("2026-11-23T10:00"), 1)) == "2026-11-25 17:30"


@settings(max_examples=120, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 10, 31)),
    seconds=st.integers(min_value=0, max_value=20 * 7 * 3600),
)
def test_adding_then_measuring_working_time_round_trips(start, seconds):
    begin = start.replace(tzinfo=SHANGHAI)
    end = CAL.add_working_seconds(begin, seconds)
    assert end >= begin
    assert abs(CAL.working_seconds(begin, end) - seconds) < 1e-6
