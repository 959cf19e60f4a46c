"""Where the engine reports what it measures, without knowing who listens: a ``Metrics`` sink with counters and
observations by name and labels. The engine counts into ``NULL_METRICS`` (nothing) unless the process that builds
it hands in a real sink (``web/metrics.py`` turns them into Prometheus metrics). Names are the metric's name
without the ``shenpi_`` prefix."""

from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        """Add ``amount`` to the counter ``name``."""

    def observe(self, name: str, value: float, **labels: str) -> None:
        """Record one observation (a duration, a lag) of the histogram ``name``."""


class NullMetrics:
    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        return None

    def observe(self, name: str, value: float, **labels: str) -> None:
        return None


NULL_METRICS: Metrics = NullMetrics()
