"""Warning lights: one meaning everywhere (seed 002 §1, 深府〔2007〕32号 Art. 10).

Seed 002 §1 二是: "在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知,法定限期内仍未办结的,系统亮红灯示警".
The lights run in one order only, normal → yellow → red:

- a **case** (``case_light``): normal until 3 working days before its (promised) limit, yellow from then (and once
  the promise has passed), red once the statutory limit has passed;
- a **step** (``step_light``): follows its own BPMN timers — yellow when its warning timer has fired, red when its
  limit timer has fired; a step whose timers have not fired is normal, however near its limit;
- a 督办 item or a complaint: ``case_light`` against its own limit.

Art. 10's green warning on the due date ("行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号") is not a light: it
is a signal (a notice to the department and a 今日到期 badge, ``due_today``). Every function here is pure — only
(limit, now, calendar, timers fired) — so every page, the API, the sweep and summaries read the same light.
"""

from __future__ import annotations

import datetime as _dt

from .working_time import WorkingCalendar

NONE, YELLOW, RED = "none", "yellow", "red"
LIGHTS = (NONE, YELLOW, RED)  # in their order: a light only moves right while its limit stands
SEVERITY = {NONE: 0, YELLOW: 1, RED: 2}
WARNING_DAYS = 3


def case_light(
    now: _dt.datetime, due: _dt.datetime | None, statutory_due: _dt.datetime | None, calendar: WorkingCalendar
) -> tuple[str, _dt.datetime | None]:
    """A case's light at ``now`` and the next instant the sweep must look at it again (None: never): the light
    may change then, or the due date (Art. 10's signal) begins."""
    if due is None:
        return NONE, None
    statutory_due = statutory_due or due
    yellow_from = calendar.subtract_working_seconds(due, WARNING_DAYS * calendar.day_seconds())
    if now > statutory_due:
        return RED, None
    light = YELLOW if now >= yellow_from else NONE
    red_from = statutory_due + _dt.timedelta(microseconds=1)
    boundaries = [t for t in (yellow_from, due_day_start(due, calendar), red_from) if t > now]
    return light, min(boundaries) if boundaries else red_from


# Supervision items and complaints light their own limit the same way.
light_at = case_light


def step_light(warning_fired: bool, limit_fired: bool) -> str:
    """A step's light from its own timers: red once its limit timer fired, yellow once its warning timer did."""
    if limit_fired:
        return RED
    return YELLOW if warning_fired else NONE


def due_day_start(due: _dt.datetime, calendar: WorkingCalendar) -> _dt.datetime:
    """The start of the (local) day a limit falls on: Art. 10's 到期日."""
    return calendar.start_of_day(due.astimezone(calendar.tz).date())


def due_today(now: _dt.datetime, due: _dt.datetime | None, calendar: WorkingCalendar) -> bool:
    """Whether ``now`` falls on the due date of a limit not yet passed (Art. 10: the 今日到期 signal)."""
    if due is None or now > due:
        return False
    return due.astimezone(calendar.tz).date() == now.astimezone(calendar.tz).date()


def worse(a: str | None, b: str | None) -> str:
    """The more severe of two lights."""
    a, b = a or NONE, b or NONE
    return a if SEVERITY.get(a, 0) >= SEVERITY.get(b, 0) else b
