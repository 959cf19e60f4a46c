"""The values a timer may take: an ISO 8601 duration never negative nor longer than the set number of days, a date
within that many days of now, a cycle with a positive interval and at least one repetition. Deploy checks the
constants of a file (``bpmn_validation.py``), the evaluator what a timer expression gives (``expressions.py``).
"""

from __future__ import annotations

import datetime as _dt
import re

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from ..errors import Message

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.IGNORECASE,
)
_DAYS_PER = (366, 31, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)  # years ... seconds, generously
MAX_TIMER_TEXT = 100


def timer_of(spec: object) -> TimerEventDefinition | None:
    """The timer a task spec waits for: its own event definition, or the timer among several (an event-based
    gateway holds the definitions of the events after it, SpiffWorkflow moving them there)."""
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return definition
    if isinstance(definition, MultipleEventDefinition):
        return next((d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)), None)
    return None


def duration_days(value: str) -> float | None:
    """The days an ISO 8601 duration lasts at most (a year as 366 days, a month as 31), or None if ``value`` is not
    a duration SpiffWorkflow reads the same way (no sign, weeks alone, a time part after T)."""
    match = _DURATION.fullmatch(value.strip())
    if match is None or not any(match.groups()) or value.strip().upper().endswith("T"):
        return None
    if match.group(3) and any(match.group(i) for i in (1, 2, 4, 5, 6, 7)):
        return None
    try:
        TimerEventDefinition.parse_iso_duration(value.strip())  # only the last part may have a fraction, ...
    except Exception:
        return None
    numbers = [float(g.replace(",", ".")) if g else 0.0 for g in match.groups()]
    return sum(n * per for n, per in zip(numbers, _DAYS_PER, strict=True))


def _instant(value: str) -> _dt.datetime | None:
    try:
        instant = _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    try:
        return (instant if instant.tzinfo else instant.replace(tzinfo=_dt.UTC)).astimezone(_dt.UTC)
    except OverflowError:
        return None


def timer_problem(kind: str, value: object, now: _dt.datetime | None, max_days: int) -> Message | None:
    """What is wrong with a timer's value (``kind`` is ``timeDuration``, ``timeDate`` or ``timeCycle``), or None.
    Dates must lie within ``max_days`` of ``now`` (when known) and be representable; durations and cycle intervals
    at most ``max_days`` long; a cycle repeats at least once with an interval above zero."""
    if not isinstance(value, str) or len(value) > MAX_TIMER_TEXT or not value.strip():
        return Message("timer_value_invalid", kind=kind, value=repr(value)[:MAX_TIMER_TEXT])
    text = value.strip()
    if kind == "timeDuration":
        return _duration_problem(kind, text, max_days, allow_zero=True)
    if kind == "timeDate":
        return _date_problem(kind, text, now, max_days)
    match = re.fullmatch(r"R(\d*)/([^/]+)(?:/([^/]+))?", text, re.IGNORECASE)
    if match is None:
        return Message("timer_value_invalid", kind=kind, value=repr(text))
    count, first, second = match.groups()
    if count and int(count[:9]) == 0:
        return Message("timer_cycle_not_positive", kind=kind, value=repr(text))
    if second is None:
        interval, dates = first, []
    elif first.upper().startswith("P"):
        interval, dates = first, [second]
    else:
        interval, dates = second, [first]
    problem = _duration_problem(kind, interval, max_days, allow_zero=False)
    for date in dates:
        problem = problem or _date_problem(kind, date, now, max_days)
    if problem is None:
        try:
            TimerEventDefinition.parse_iso_recurring_interval(text)
        except Exception:  # SpiffWorkflow's own reading of what passed ours
            return Message("timer_value_invalid", kind=kind, value=repr(text))
    return problem


def _duration_problem(kind: str, text: str, max_days: int, allow_zero: bool) -> Message | None:
    days = duration_days(text)
    if days is None:
        return Message("timer_value_invalid", kind=kind, value=repr(text))
    if days <= 0 and not allow_zero:
        return Message("timer_cycle_not_positive", kind=kind, value=repr(text))
    if days > max_days:
        return Message("timer_too_long", kind=kind, value=repr(text), limit=max_days)
    return None


def _date_problem(kind: str, text: str, now: _dt.datetime | None, max_days: int) -> Message | None:
    instant = _instant(text)
    if instant is None or "W" in text.upper():
        return Message("timer_value_invalid", kind=kind, value=repr(text))
    if instant.year >= 9999 or instant.year <= 1:
        return Message("timer_date_unrepresentable", kind=kind, value=repr(text))
    if now is not None and abs(instant - now) > _dt.timedelta(days=max_days):
        return Message("timer_date_out_of_range", kind=kind, value=repr(text), limit=max_days)
    return None


_TIMER_KINDS: tuple[tuple[type[TimerEventDefinition], str], ...] = (
    (TimeDateEventDefinition, "timeDate"),
    (DurationTimerEventDefinition, "timeDuration"),
    (CycleTimerEventDefinition, "timeCycle"),
)


def timer_kind(timer: TimerEventDefinition) -> str:
    """The BPMN element a timer's value was written in: ``timeDate``, ``timeDuration`` or ``timeCycle``."""
    return next((kind for cls, kind in _TIMER_KINDS if isinstance(timer, cls)), "timeDate")
