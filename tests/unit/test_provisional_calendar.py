"""The provisional calendar: for a year without the State Council's arrangement, the statutory holidays in force
(《全国年节及纪念日放假办法》, 2024), lunar dates and the Qingming solar term computed, weekends off, no 调休."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from engine.deadlines import WorkingCalendar, statutory_holidays
from engine.deadlines.provisional import _lunar, _solar_term
from engine.kernel.clock import SHANGHAI

D = dt.date

# The statutory days off of 2027 as the project published them before (processes/calendar/2027-statutory.json):
# 春节 from 除夕 (5 Feb) to 初三, 清明 5 April, 端午 9 June, 中秋 15 September.
STATUTORY_2027 = {
    D(2027, 1, 1): "元旦",
    D(2027, 2, 5): "春节",
    D(2027, 2, 6): "春节",
    D(2027, 2, 7): "春节",
    D(2027, 2, 8): "春节",
    D(2027, 4, 5): "清明节",
    D(2027, 5, 1): "劳动节",
    D(2027, 5, 2): "劳动节",
    D(2027, 6, 9): "端午节",
    D(2027, 9, 15): "中秋节",
    D(2027, 10, 1): "国庆节",
    D(2027, 10, 2): "国庆节",
    D(2027, 10, 3): "国庆节",
}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def local(instant: dt.datetime) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_2027_statutory_holidays():
    """《全国年节及纪念日放假办法》(2024): 元旦1天, 春节4天（除夕至初三）, 清明1天, 劳动节2天, 端午1天, 中秋1天, 国庆3天."""
    assert statutory_holidays(2027) == STATUTORY_2027
    assert len(statutory_holidays(2027)) == 1 + 4 + 1 + 2 + 1 + 1 + 3


def test_2028_lunar_dates_and_a_day_two_holidays_share():
    days = statutory_holidays(2028)
    assert [d for d, name in days.items() if "春节" in name] == [
        D(2028, 1, 25),
        D(2028, 1, 26),
        D(2028, 1, 27),
        D(2028, 1, 28),
    ]
    assert days[D(2028, 4, 4)] == "清明节" and days[D(2028, 5, 28)] == "端午节"
    assert days[D(2028, 10, 3)] == "国庆节、中秋节" and len(days) == 12  # 中秋 falls on 3 October


@pytest.mark.parametrize("year", range(2008, 2027))
def test_computed_festivals_are_days_off_in_every_official_arrangement(year):
    """Checked against the State Council's arrangements chinesecalendar holds (清明 is a holiday since 2008)."""
    for day in (_lunar(year, 1, 1), _solar_term(year, "清明"), _lunar(year, 5, 5), _lunar(year, 8, 15)):
        assert chinese_calendar.is_holiday(day), day


@pytest.mark.parametrize("year", [2025, 2026])
def test_under_the_2024_rules_every_provisional_day_off_is_off_officially(year):
    assert all(chinese_calendar.is_holiday(day) for day in statutory_holidays(year))


def test_provisional_weekends_are_off_and_there_is_no_adjusted_working_day():
    cal = WorkingCalendar()
    days = [D(2027, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    assert not any(cal.is_workday(day) for day in days if day.weekday() >= 5)
    assert [day for day in days if day.weekday() < 5 and not cal.is_workday(day)] == [
        day for day in STATUTORY_2027 if day.weekday() < 5
    ]
    assert cal.holiday_name(D(2027, 2, 5)) == "春节" and cal.holiday_name(D(2027, 2, 9)) is None


def test_limits_across_the_year_ends_are_counted_and_marked():
    cal = WorkingCalendar()
    start = at("2026-12-28T10:00")
    due = cal.add_working_days(start, 20)
    assert local(due) == "2027-01-26 17:30" and cal.provisional_between(start, due)
    start = at("2027-12-27T10:00")  # 2028: 元旦 Saturday, 春节 25–28 January (Tue–Fri)
    due = cal.add_working_days(start, 21)
    assert local(due) == "2028-01-31 17:30" and cal.provisional_between(start, due)
    assert local(cal.add_working_days(at("2028-01-24T10:00"), 1)) == "2028-01-31 17:30"


def test_an_imported_year_or_a_day_set_by_hand_is_not_provisional():
    imported = WorkingCalendar(overrides={D(2027, 1, 1): False}, years=frozenset({2027}))
    start = at("2026-12-28T10:00")
    assert not imported.provisional_between(start, imported.add_working_days(start, 20))
    assert imported.provisional_between(start, at("2028-01-03T10:00"))
    by_hand = WorkingCalendar(overrides={D(2027, 1, 4): False})
    assert not by_hand.is_provisional(D(2027, 1, 4)) and by_hand.is_provisional(D(2027, 1, 5))
    assert not by_hand.provisional_between(at("2027-01-04T10:00"), at("2027-01-04T16:00"))
    assert by_hand.provisional_between(at("2027-01-05T10:00"), at("2027-01-04T16:00"))  # either order
