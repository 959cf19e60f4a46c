"""``shenpi serve``: gunicorn serving the application, and the embedded Celery worker when the broker is embedded.

The gunicorn master is the ``shenpi serve`` process itself: ``--workers`` processes with ``--threads`` threads
each, every worker building its own engine and application (no preloading, so each has its own database pool);
``kill -HUP`` reloads them gracefully (new workers, then the old ones finish their requests). SIGTERM (graceful)
or SIGINT (quick) stops the workers, and the master then stops the embedded Celery worker — started after the
sockets are bound, in a process group of its own (with its embedded beat), which is sent SIGTERM and, after a
grace period, SIGKILL — so nothing it started is left behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from engine.config import Settings

from . import logs, metrics

log = logging.getLogger(__name__)
GRACE_SECONDS = 15.0


class EmbeddedWorker:
    """``shenpi worker --beat`` as a child in its own process group; ``stop()`` ends the whole group."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> int:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "worker", "--beat"], env=os.environ.copy(), start_new_session=True
        )
        return self.process.pid

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        group = process.pid  # start_new_session: the group's id is the leader's pid
        _signal_group(group, signal.SIGTERM)
        try:
            process.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(group, signal.SIGKILL)
            process.wait(timeout=5)
        deadline = time.monotonic() + GRACE_SECONDS  # its children (the embedded beat) may outlive it a moment
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _group_alive(group):
            _signal_group(group, signal.SIGKILL)


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


class GunicornServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any], embedded: EmbeddedWorker | None) -> None:
        self.settings = settings
        self.options = options
        self.embedded = embedded
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("when_ready", self._when_ready)
        self.cfg.set("on_exit", self._on_exit)
        self.cfg.set("child_exit", _child_exit)
        self.cfg.set("post_fork", self._post_fork)

    def load(self):
        from engine.bootstrap import Shenpi

        from . import create_app

        return create_app(self.settings, Shenpi(self.settings, metrics=metrics.SINK))

    def _when_ready(self, _arbiter) -> None:
        if self.embedded is not None and self.embedded.process is None:
            log.info("embedded worker started (pid %s)", self.embedded.start())

    def _on_exit(self, _arbiter) -> None:
        if self.embedded is not None:
            self.embedded.stop()

    def _post_fork(self, _arbiter, _worker) -> None:
        logs.configure(self.settings)


class JsonGunicornLogger(glogging.Logger):
    """gunicorn's own messages (workers booting, timeouts) through the root logger, so they are JSON lines too."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.handlers = []
        self.error_log.propagate = True


def _child_exit(_arbiter, worker) -> None:
    metrics.mark_process_dead(worker.pid)


def serve(
    settings: Settings, host: str, port: int, workers: int, threads: int, timeout: int, embedded_worker: bool
) -> None:
    """Run gunicorn in this process until SIGTERM or SIGINT; the embedded worker goes with it."""
    folder = metrics.prepare_multiprocess_dir(settings.metrics_path)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)  # before any worker imports prometheus_client
    embedded = EmbeddedWorker() if embedded_worker else None
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,
        "graceful_timeout": min(timeout, 30),
        "proc_name": "shenpi-web",
        "accesslog": None,  # the application counts requests (/metrics) and logs what matters
        "errorlog": "-",
        "forwarded_allow_ips": "127.0.0.1,::1" if settings.proxy_count else "",
    }
    if settings.log_format == "json":
        options["logger_class"] = JsonGunicornLogger
    try:
        GunicornServer(settings, options, embedded).run()
    finally:
        if embedded is not None:
            embedded.stop()
