"""The one clock every part of Shenpi reads, SpiffWorkflow's timers included.

Production uses the system clock; tests and ``--as-of`` runs install a fixed or
shifted clock so that deadlines, timers and trail timestamps are reproducible.
"""
from __future__ import annotations

import datetime as _dt
import threading
from zoneinfo import ZoneInfo

UTC = _dt.timezone.utc
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """Source of the current instant (timezone-aware, UTC)."""

    def now(self) -> _dt.datetime:
        return _dt.datetime.now(UTC)

    def local_now(self) -> _dt.datetime:
        return self.now().astimezone(SHANGHAI)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and ``--as-of`` runs."""

    def __init__(self, instant: _dt.datetime):
        self._instant = _aware(instant)
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        return self._instant

    def set(self, instant: _dt.datetime) -> None:
        with self._lock:
            self._instant = _aware(instant)

    def advance(self, **delta) -> _dt.datetime:
        with self._lock:
            self._instant += _dt.timedelta(**delta)
            return self._instant


def _aware(instant: _dt.datetime) -> _dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must carry a timezone")
    return instant.astimezone(UTC)


def parse_instant(text: str) -> _dt.datetime:
    """Parse an ISO-8601 instant; a naive value is read as Asia/Shanghai local time."""
    value = _dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(UTC)


_current: Clock = Clock()


def current() -> Clock:
    return _current


def install(clock: Clock) -> Clock:
    """Make ``clock`` the process-wide clock (SpiffWorkflow's timers read it too)."""
    global _current
    _current = clock
    return clock


def now() -> _dt.datetime:
    return _current.now()


class _SpiffDatetime(_dt.datetime):
    """Stands in for ``datetime`` inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz=None):
        instant = _current.now()
        return instant.astimezone(tz) if tz is not None else instant.astimezone().replace(tzinfo=None)


def _route_spiff_timers_through_clock() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _SpiffDatetime


_route_spiff_timers_through_clock()
