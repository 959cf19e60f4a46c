"""The lights as one pure function of (limit, now, calendar, timers fired) — engine/deadlines/lights.py.

Seed 002 §1 二是: "在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知,法定限期内仍未办结的,系统亮红灯示警".
Seed 002 Art. 10: "行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号。" — a signal (``due_today``), not a light.
"""

from __future__ import annotations

import datetime as dt

import pytest

from engine.deadlines import LIGHTS, WorkingCalendar, case_light, due_today, step_light, worse
from engine.kernel.clock import SHANGHAI

CAL = WorkingCalendar()
PROMISED = dt.datetime(2026, 12, 7, 17, 30, tzinfo=SHANGHAI)  # a Monday
STATUTORY = dt.datetime(2026, 12, 21, 17, 30, tzinfo=SHANGHAI)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_the_lights_run_in_one_order():
    assert LIGHTS == ("none", "yellow", "red")  # once none → yellow → green → red: green is a signal now
    assert worse("yellow", "red") == "red" and worse("none", "yellow") == "yellow" and worse(None, None) == "none"


@pytest.mark.parametrize(
    ("now", "light"),
    [
        ("2026-11-23T09:00", "none"),
        ("2026-12-02T17:29", "none"),  # more than 3 working days left
        ("2026-12-03T08:59", "none"),  # out of office hours: no working time passes
        ("2026-12-03T09:00", "yellow"),  # 3 working days left (Thursday, Friday and Monday)
        ("2026-12-07T09:00", "yellow"),  # the due date stays yellow
        ("2026-12-08T09:00", "yellow"),  # the promise passed: still yellow until the statutory limit
        ("2026-12-21T17:30", "yellow"),
        ("2026-12-21T17:31", "red"),
    ],
)
def test_a_case_light(now, light):
    assert case_light(at(now), PROMISED, STATUTORY, CAL)[0] == light


def test_the_next_look_is_the_next_change_or_the_due_date():
    """The sweep looks again when the light may change, and at the start of the due date (Art. 10's signal)."""
    assert case_light(at("2026-11-23T09:00"), PROMISED, STATUTORY, CAL)[1] == at("2026-12-03T09:00")
    assert case_light(at("2026-12-03T09:00"), PROMISED, STATUTORY, CAL)[1] == at("2026-12-07T00:00")
    after = case_light(at("2026-12-07T08:00"), PROMISED, STATUTORY, CAL)[1]
    assert after == STATUTORY + dt.timedelta(microseconds=1)
    assert case_light(at("2026-12-22T09:00"), PROMISED, STATUTORY, CAL) == ("red", None)
    assert case_light(at("2026-12-22T09:00"), None, None, CAL) == ("none", None)


def test_the_due_date_is_a_signal():
    assert due_today(at("2026-12-07T00:00"), PROMISED, CAL) and due_today(at("2026-12-07T17:30"), PROMISED, CAL)
    assert not due_today(at("2026-12-06T23:59"), PROMISED, CAL)
    assert not due_today(at("2026-12-07T17:31"), PROMISED, CAL)  # passed: no longer "due today"
    assert not due_today(at("2026-12-07T09:00"), None, CAL)


@pytest.mark.parametrize(
    ("warning_fired", "limit_fired", "light"),
    [(False, False, "none"), (True, False, "yellow"), (True, True, "red"), (False, True, "red")],
)
def test_a_step_light_follows_its_timers(warning_fired, limit_fired, light):
    """A brand-new step (no timer fired) is normal however near its limit."""
    assert step_light(warning_fired, limit_fired) == light
