"""Handling time in working days (deadlines/handling.py): the running sum over the month's days gives exactly what
the calendar counts hour by hour, over spans within a day, across days, weekends and the National Day holiday."""

from __future__ import annotations

import datetime as dt
import random

from engine.deadlines import WorkingCalendar
from engine.deadlines.handling import _Spans
from engine.kernel.clock import SHANGHAI


def test_the_running_sum_counts_as_the_calendar_does():
    calendar = WorkingCalendar()
    rng = random.Random(16)
    origin = dt.datetime(2026, 9, 25, 0, 0, tzinfo=SHANGHAI)  # across 国庆节 and its 调休 days
    pairs = []
    for _ in range(3000):
        start = origin + dt.timedelta(seconds=rng.randint(0, 86400 * 40))
        pairs.append(
            (start, start + dt.timedelta(seconds=rng.choice((0, 1, 600, 3600 * 5, 86400 * rng.randint(1, 30)))))
        )
    spans = _Spans(calendar, origin.date(), (origin + dt.timedelta(days=75)).date())
    assert [round(spans.seconds(a, b), 6) for a, b in pairs] == [
        round(calendar.working_seconds(a, b), 6) for a, b in pairs
    ]
    # outside the range it was built for, it asks the calendar
    far = dt.datetime(2026, 12, 1, 10, tzinfo=SHANGHAI)
    assert spans.seconds(far, far + dt.timedelta(days=3)) == calendar.working_seconds(far, far + dt.timedelta(days=3))
    # a Monday 09:00 to Wednesday 09:00 is two working days
    monday = dt.datetime(2026, 10, 12, 9, tzinfo=SHANGHAI)
    assert spans.seconds(monday, monday + dt.timedelta(days=2)) / calendar.day_seconds() == 2.0
