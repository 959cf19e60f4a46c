"""Warning lights (seed 002, Shenzhen measures Art. 10 and the Qitaihe practice).

- yellow: 3 working days or fewer remain before the (promised) limit, or the promise has passed;
- green: the due date itself (到期日);
- red: the statutory limit has passed.
A light only changes at known instants, so each case and task stores the next one and the sweep
re-evaluates just those that are due.
"""

from __future__ import annotations

import datetime as _dt

from .working_time import WorkingCalendar

NONE, YELLOW, GREEN, RED = "none", "yellow", "green", "red"
WARNING_DAYS = 3


def light_at(
    now: _dt.datetime, due: _dt.datetime | None, statutory_due: _dt.datetime | None, calendar: WorkingCalendar
) -> tuple[str, _dt.datetime | None]:
    """The light at ``now`` and the next instant at which it may change (None: it will not)."""
    if due is None:
        return NONE, None
    statutory_due = statutory_due or due
    due_day = due.astimezone(calendar.tz).date()
    green_from = calendar.start_of_day(due_day)
    green_until = calendar.start_of_day(due_day + _dt.timedelta(days=1))
    yellow_from = calendar.subtract_working_seconds(due, WARNING_DAYS * calendar.day_seconds())
    if now > statutory_due:
        light = RED
    elif green_from <= now < green_until:
        light = GREEN
    elif now >= yellow_from:
        light = YELLOW
    else:
        light = NONE
    boundaries = [t for t in (yellow_from, green_from, green_until, statutory_due) if t > now]
    if light != RED and not boundaries:
        boundaries = [statutory_due]
    next_change = min(boundaries) if boundaries and light != RED else None
    if next_change is not None and next_change == statutory_due:
        next_change = statutory_due + _dt.timedelta(microseconds=1)
    return light, next_change
