"""Prometheus metrics (``GET /metrics``), every name prefixed ``shenpi_``.

- What the engine counts (completions, case starts and ends, sweep duration, due-timer lag, Celery task failures)
  reaches ``PrometheusMetrics``, the engine's ``Metrics`` sink (``engine/kernel/metrics.py``), handed to the
  engine by the processes that serve or work (``web/cli.py``); the engine itself never imports prometheus_client.
- Requests are counted and timed per route (the URL rule, never the raw path) by ``init_app``.
- Gauges read from the database at each scrape are **state gauges**: a name, a help text and a callable of the
  engine returning ``{label value: number}`` (``STATE_GAUGES``; ``state_gauge(...)`` adds one, e.g. open incidents).

Under gunicorn every worker writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR`` (``shenpi serve`` sets it
from ``Settings.metrics_path`` before any worker starts, creates the folder and removes the files of dead
processes), and a scrape adds them up. prometheus_client chooses between one process and many when it is first
imported, so it is imported here only inside functions.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
PREFIX = "shenpi_"
# Seconds: requests and the sweep are short, the timer lag can be minutes behind when a worker was down.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


@dataclass(frozen=True)
class Instrument:
    kind: str  # "counter" or "histogram"
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = REQUEST_BUCKETS


# What the engine reports through its sink, by the name it uses (engine/kernel/metrics.py).
ENGINE_INSTRUMENTS = {
    "task_completions": Instrument("counter", "User tasks completed"),
    "case_starts": Instrument("counter", "Cases started"),
    "case_ends": Instrument("counter", "Cases ended, by outcome", ("outcome",)),
    "sweep_seconds": Instrument("histogram", "Duration of one sweep of due timers and lights", (), LAG_BUCKETS),
    "timer_lag_seconds": Instrument(
        "histogram", "Due-timer lag: the instant a case's timers fired minus the earliest due time", (), LAG_BUCKETS
    ),
    "celery_task_failures": Instrument("counter", "Celery tasks that raised, by task", ("task",)),
}


@dataclass(frozen=True)
class StateGauge:
    name: str  # without the prefix
    help: str
    label: str  # the label the callable's keys go to ("" with one unlabelled value: key "")
    read: Callable[[Any], dict[str, float]]  # (engine) -> {label value: number}, read at each scrape


def _notice_depth(engine) -> dict[str, float]:
    return {status: float(n) for status, n in engine.notice_deliveries.queue_depth().items()}


def _outbox_depth(engine) -> dict[str, float]:
    return {status: float(n) for status, n in engine.outbox.queue_depth().items()}


def _open_incidents(engine) -> dict[str, float]:
    return {kind: float(n) for kind, n in engine.incidents.open_counts().items()}


# The state gauges, read at each scrape.
STATE_GAUGES: list[StateGauge] = [
    StateGauge(
        "open_incidents", "Open incidents (periodic work that failed on one case), by kind", "kind", _open_incidents
    ),
    StateGauge(
        "notice_deliveries", "Notice deliveries waiting (pending) or given up (failed)", "status", _notice_depth
    ),
    StateGauge(
        "outbox_records", "Upward-reporting records waiting (pending) or given up (failed)", "status", _outbox_depth
    ),
]


def state_gauge(name: str, help: str, label: str, read: Callable[[Any], dict[str, float]]) -> StateGauge:
    """Add a gauge read from ``read(engine)`` at every scrape (replacing one of the same name)."""
    gauge = StateGauge(name, help, label, read)
    STATE_GAUGES[:] = [g for g in STATE_GAUGES if g.name != name] + [gauge]
    return gauge


def multiprocess_dir() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def prepare_multiprocess_dir(folder: Path) -> Path:
    """Create the folder and remove the sample files of processes no longer alive (gunicorn's workers of an earlier
    run); files of live processes (a worker on this host) are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            path.unlink(missing_ok=True)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit``: fold a dead worker's gauges away (its counters stay in the files)."""
    if multiprocess_dir() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


_made: dict[str, Any] | None = None
_making = threading.Lock()


def _instruments() -> dict[str, Any]:
    """The metrics, made once per process: under a lock, since gunicorn's threads may ask first at the same moment
    (a second registration of the same names raises)."""
    global _made
    if _made is None:
        with _making:
            if _made is None:
                _made = _build_instruments()
    return _made


def _build_instruments() -> dict[str, Any]:
    from prometheus_client import Counter, Histogram

    made: dict[str, Any] = {}
    for name, spec in ENGINE_INSTRUMENTS.items():
        if spec.kind == "counter":
            made[name] = Counter(PREFIX + name, spec.help, spec.labels)
        else:
            made[name] = Histogram(PREFIX + name, spec.help, spec.labels, buckets=spec.buckets)
    made["http_requests"] = Counter(
        PREFIX + "http_requests", "HTTP requests, by route, method and status", ("route", "method", "status")
    )
    made["http_request_seconds"] = Histogram(
        PREFIX + "http_request_seconds",
        "HTTP request latency, by route and method",
        ("route", "method"),
        buckets=REQUEST_BUCKETS,
    )
    return made


class PrometheusMetrics:
    """The engine's ``Metrics`` sink over prometheus_client."""

    def count(self, name: str, amount: float = 1.0, **labels: str) -> None:
        metric = _instruments()[name]
        (metric.labels(**labels) if labels else metric).inc(amount)

    def observe(self, name: str, value: float, **labels: str) -> None:
        metric = _instruments()[name]
        (metric.labels(**labels) if labels else metric).observe(value)


SINK = PrometheusMetrics()


def render(engine) -> tuple[bytes, str]:
    """The exposition text: this process's (or, under gunicorn, every process's) samples and the state gauges."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

    _instruments()  # every metric exists (at zero) from the first scrape on
    if multiprocess_dir() is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    text = generate_latest(registry) + generate_latest(_StateRegistry(engine))
    return text, CONTENT_TYPE_LATEST


class _StateRegistry:
    """A registry of one collector: the state gauges, read now."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def collect(self) -> Iterable[Any]:
        from prometheus_client.core import GaugeMetricFamily

        for gauge in STATE_GAUGES:
            try:
                values = gauge.read(self.engine)
            except Exception:  # one source failing (the database away) leaves the others and the scrape standing
                log.exception("metrics: the state gauge %s could not be read", gauge.name)
                continue
            family = GaugeMetricFamily(PREFIX + gauge.name, gauge.help, labels=[gauge.label] if gauge.label else [])
            for key, value in sorted(values.items()):
                family.add_metric([key] if gauge.label else [], value)
            yield family


def init_app(app) -> None:
    """Count and time every request by its route (the URL rule: ``/api/v1/cases/<int:case_id>``)."""
    from flask import g, request

    @app.before_request
    def _start_timer():
        g.shenpi_started = time.perf_counter()

    @app.after_request
    def _record(response):
        started = g.pop("shenpi_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
            made = _instruments()
            made["http_requests"].labels(route, request.method, str(response.status_code)).inc()
            made["http_request_seconds"].labels(route, request.method).observe(time.perf_counter() - started)
        return response
