"""The clocks Shenpi reads, and the one place SpiffWorkflow's timers are routed through them.

Every engine holds its own clock (the system clock in production; a fixed or shifted one in tests and ``--as-of``
runs), so two engines in one process never share one by accident. SpiffWorkflow's timer module asks
``datetime.now()`` when a timer starts waiting or is checked: ``route_spiff_timers`` (called once when an engine is
built) makes that question read the clock of the engine whose step is running (``running_on``), and outside any
step the process default (``current``; the system clock unless a benchmark or the CLI installs another).
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

UTC = _dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """Source of the current instant (timezone-aware, UTC)."""

    def now(self) -> _dt.datetime:
        return _dt.datetime.now(UTC)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and ``--as-of`` runs."""

    def __init__(self, instant: _dt.datetime) -> None:
        self._instant = _aware(instant)
        self._lock = threading.Lock()

    def now(self) -> _dt.datetime:
        return self._instant

    def set(self, instant: _dt.datetime) -> None:
        with self._lock:
            self._instant = _aware(instant)

    def advance(self, **delta: float) -> _dt.datetime:
        with self._lock:
            self._instant += _dt.timedelta(**delta)
            return self._instant


class ShiftedClock(Clock):
    """The system clock moved by a fixed offset: it runs, but from another instant (benchmarks and crash tests run
    every process of a deployment on one such clock, so none depends on today's date)."""

    def __init__(self, offset: _dt.timedelta) -> None:
        self.offset = offset

    def now(self) -> _dt.datetime:
        return _dt.datetime.now(UTC) + self.offset


def clock_from_setting(value: str) -> Clock:
    """The clock ``SHENPI_CLOCK`` names: empty, the system clock; ``INSTANT@SECONDS``, a clock that reads INSTANT
    (ISO-8601) when the system clock reads SECONDS (Unix time) and runs on from there, so processes started at
    different moments with the same value agree."""
    if not value.strip():
        return Clock()
    instant, _, seconds = value.partition("@")
    anchor = _dt.datetime.fromtimestamp(float(seconds), UTC) if seconds.strip() else _dt.datetime.now(UTC)
    return ShiftedClock(parse_instant(instant.strip()) - anchor)


def clock_setting(instant: _dt.datetime, at_seconds: float) -> str:
    """The ``SHENPI_CLOCK`` value of a clock reading ``instant`` at Unix time ``at_seconds``."""
    return f"{_aware(instant).isoformat()}@{at_seconds:.6f}"


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


_default: Clock = Clock()
_running: ContextVar[Clock | None] = ContextVar("shenpi_step_clock", default=None)


def current() -> Clock:
    """The process default: what time means outside any engine's step."""
    return _default


def install(clock: Clock) -> Clock:
    """Make ``clock`` the process default (benchmarks, the CLI's ``--as-of``); engines keep their own."""
    global _default
    _default = clock
    return clock


def now() -> _dt.datetime:
    """The instant on the clock of the engine step running here, else on the process default."""
    return (_running.get() or _default).now()


@contextmanager
def running_on(clock: Clock) -> Iterator[Clock]:
    """Within this block (an engine's step), SpiffWorkflow's timers read ``clock``."""
    token = _running.set(clock)
    try:
        yield clock
    finally:
        _running.reset(token)


class _SpiffDatetime(_dt.datetime):
    """Stands in for ``datetime`` inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:  # type: ignore[override]  # a plain datetime, not Self
        instant = now()
        return instant.astimezone(tz) if tz is not None else instant.astimezone().replace(tzinfo=None)


def route_spiff_timers() -> None:
    """Make SpiffWorkflow's timers read ``now()`` (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _SpiffDatetime  # SpiffWorkflow has no type information: an Any module
