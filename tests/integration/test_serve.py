"""`shenpi serve` as an operator runs it: gunicorn with two workers and the embedded Celery worker (with beat) on
SQLite and the filesystem broker, in a folder of its own. Metrics add up across the workers, HUP reloads the
workers, and SIGTERM or SIGINT leaves no process behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ..helpers import free_port, operator_env, wait_for

pytestmark = pytest.mark.slow


def get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def gunicorn_workers(master: psutil.Process) -> set[int]:
    return {p.pid for p in master.children() if "serve" in p.cmdline()}


def is_embedded_worker(process: psutil.Process) -> bool:
    return process.cmdline()[-2:] == ["worker", "--beat"]


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_runs_gunicorn_and_the_embedded_worker_and_a_signal_stops_everything(tmp_path, stop_with):
    port = free_port()
    env = operator_env(tmp_path)
    if stop_with == signal.SIGINT:
        env["SHENPI_LOG_FORMAT"] = "json"  # gunicorn's own lines too
    serve = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "wb"),  # noqa: SIM115
    )
    master = psutil.Process(serve.pid)
    try:
        wait_for(lambda: get(port, "/health/live")[0] == 200, 90, "the server")
        # the embedded worker and its beat: a child of the master with a child of its own
        embedded = wait_for(
            lambda: [p for p in master.children() if is_embedded_worker(p) and p.children()],
            90,
            "the embedded worker and its beat",
        )
        assert len(gunicorn_workers(master)) == 2
        status, body = get(port, "/health/ready")
        assert status == 200, body

        # until both workers have answered (which one accepts a connection is the kernel's choice): each keeps
        # its own multiprocess file, and /metrics adds them up
        files = tmp_path / "state" / "metrics"
        sent, deadline = 0, time.monotonic() + 60
        while sent < 10 or len(list(files.glob("counter_*.db"))) < 2:
            assert time.monotonic() < deadline, f"one worker answered all {sent} requests"
            assert get(port, "/api/v1/matters")[0] == 200
            sent += 1
        status, body = get(port, "/metrics")
        assert status == 200
        counted = sum(
            sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples
            if sample.name == "shenpi_http_requests_total" and sample.labels["route"] == "/api/v1/matters"
        )
        assert counted == sent  # every worker's requests, added up from the multiprocess files

        if stop_with == signal.SIGTERM:  # HUP: new workers replace the old ones, the server keeps answering
            before = gunicorn_workers(master)
            serve.send_signal(signal.SIGHUP)
            wait_for(lambda: len(gunicorn_workers(master) - before) == 2, 60, "the reloaded workers")
            wait_for(lambda: get(port, "/health/live")[0] == 200, 30, "the reloaded server")

        started = master.children(recursive=True)
        assert embedded[0] in started and len(started) >= 4
        serve.send_signal(stop_with)
        assert serve.wait(timeout=90) == 0
        wait_for(lambda: not any(alive(p) for p in started), 30, "every process serve started to end")
        if stop_with == signal.SIGINT:
            lines = (tmp_path / "serve.log").read_text().splitlines()
            booted = [json.loads(line) for line in lines if "Booting worker" in line]
            assert len(booted) == 2 and all(line["logger"] == "gunicorn.error" for line in booted)
    finally:
        for process in [master, *(master.children(recursive=True) if alive(master) else [])]:
            if alive(process):
                process.kill()
