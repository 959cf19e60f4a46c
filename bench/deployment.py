"""A deployment on this machine, for bench/http_load.py and the crash tests (tests/integration/test_crash.py).

PostgreSQL and Redis are given; ``shenpi serve`` (gunicorn), ``shenpi worker`` and ``shenpi beat`` run as
subprocesses, each in a process group of its own (so a ``kill -9`` hits one and ``stop`` ends every one, whatever
they started), all on one engine clock (``SHENPI_CLOCK``: the fixed instant ``START`` when the deployment starts,
running on from there), so nothing depends on today's date. The matter (the five-step flow) and its officials
with their API tokens are seeded through the engine; ``Client`` threads start cases and complete their steps
through the public HTTP API, each with its official's token, and record every answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.matter import bench_matter  # noqa: E402
from engine.bootstrap import Shenpi  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.identity.actors import OFFICIAL  # noqa: E402
from engine.kernel import SHANGHAI, FixedClock, clock_setting  # noqa: E402
from engine.models import Department, User  # noqa: E402

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # a Monday: limits count on the same days in every run
FIXTURES = ROOT / "tests" / "fixtures"
MATTER = "BENCH-0001"
POSTS = ["受理窗口", "承办人", "审核人", "批准人", "制证发证"]
# What each step of the five-step flow is completed with: its gateways' answers (approve at each).
STEP_DATA = {"Task_Review": {"review": "approve"}, "Task_Approve": {"approval": "approve"}}
ENTRY = bench_matter(MATTER, "five_step", "基准事项", "基准局", "five_step.bpmn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reset_database(url: str, env: dict[str, str]) -> None:
    """Create the database if missing, empty it, and build its tables with ``shenpi init-db`` (the migrations)."""
    target = sa.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    bind = sa.create_engine(target)
    with bind.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    bind.dispose()
    subprocess.run(
        [sys.executable, "-m", "web.cli", "init-db"], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True
    )


def seed_engine(url: str, folder: Path, clock: FixedClock | None = None) -> Shenpi:
    """An engine of this process on the deployment's database, on the fixed clock at START."""
    settings = Settings(
        database_url=url, broker_url="memory://", files_dir=folder / "files", state_dir=folder / "state"
    )
    return Shenpi(settings, clock=clock or FixedClock(START))


def seed(engine: Shenpi, officials: int) -> dict[str, str]:
    """The five-step matter (BENCH-0001 of 基准局) and ``officials`` officials holding its every post; their tokens."""
    engine.repository.deploy((FIXTURES / "five_step.bpmn").read_bytes(), "five_step.bpmn", actor="bench")
    engine.catalogue.publish(ENTRY, "bench")
    with engine.db.transaction() as session:
        session.add(Department(id="B00", name="基准市人民政府", level="city"))
        session.flush()
        session.add(Department(id="B01", name="基准局", level="city", parent_id="B00"))
        session.flush()
        for i in range(officials):
            session.add(
                User(id=f"official{i:02d}", name=f"办事员{i:02d}", department_id="B01", posts=POSTS, roles=[OFFICIAL])
            )
    return {f"official{i:02d}": engine.identity.create_token(f"official{i:02d}") for i in range(officials)}


class Deployment:
    """The processes of one deployment; a context manager that stops every one of them, also on errors."""

    def __init__(self, database_url: str, broker_url: str, folder: Path, clock_at: dt.datetime = START) -> None:
        self.folder = folder
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENPI_", "PROMETHEUS_"))}
        env.update(
            SHENPI_DATABASE_URL=database_url,
            SHENPI_BROKER_URL=broker_url,
            SHENPI_REDIS_URL=broker_url,
            SHENPI_STATE_DIR=str(folder / "state"),
            SHENPI_FILES_DIR=str(folder / "files"),
            SHENPI_TRAIL_CHECKPOINT_FILE=str(folder / "checkpoints.jsonl"),
            SHENPI_SECRET_KEY="deployment-secret-key",
            SHENPI_CLOCK=clock_setting(clock_at, time.time()),
            PYTHONPATH=str(ROOT),
        )
        self.env = env

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115  # the child keeps it
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", *args],
            cwd=self.folder,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def start_web(self, workers: int, threads: int = 4) -> subprocess.Popen[bytes]:
        process = self.start(
            "web",
            "serve",
            "--no-worker",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        )
        self.wait(lambda: self.get("/health/ready")[0] == 200, 120, "the web server")
        return process

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait(self, condition, seconds: float, what: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if result := condition():
                    return result
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited ({process.returncode}): see {self.folder / (name + '.log')}")
            time.sleep(0.2)
        raise TimeoutError(f"timed out waiting for {what}")

    def kill(self, name: str, signum: int = signal.SIGKILL) -> None:
        """Signal the whole process group of ``name`` and reap its leader."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        process.wait(timeout=30)

    def stop(self) -> None:
        for name in list(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.processes[name].pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in list(self.processes.values()):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # whatever the leader left in its group
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self.processes.clear()
        purge_broker(self.env["SHENPI_BROKER_URL"])  # no sweep or timer of this deployment reaches another

    def __enter__(self) -> Deployment:
        purge_broker(self.env["SHENPI_BROKER_URL"])  # what a crashed earlier run left queued
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def purge_broker(url: str) -> None:
    """Empty the Celery queue of a Redis broker, and the messages a killed worker held unacknowledged (Redis would
    hand them to the next worker on that database an hour later)."""
    if not url.startswith(("redis://", "rediss://")):
        return
    from kombu import Connection

    with Connection(url) as connection:
        client = connection.default_channel.client
        client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


@dataclass
class Answer:
    kind: str  # "start" or "complete"
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float
    task: str | None = None  # the completed task (kind "complete")
    case: int | None = None
    done_at: float = field(default_factory=time.perf_counter)  # when the answer came
    error: str | None = None  # a refusal's code and reason


@dataclass(eq=False)
class Client(threading.Thread):
    """One official working through the API: start a case, complete its steps to the end, again, until stopped.
    A request with no answer or an error answer leaves that case (its state is checked afterwards) for a new one."""

    base: str
    token: str
    stop_event: threading.Event
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread.__init__(self, daemon=True)
        self.http = _session()

    def post(self, kind: str, path: str, body: dict, **about) -> tuple[Answer, dict | None]:
        started = time.perf_counter()
        status, payload = self.http(self.base + path, body, self.token)
        answer = Answer(kind, status, time.perf_counter() - started, **about)
        if not 200 <= status < 300:
            error = (payload or {}).get("error") if isinstance(payload, dict) else None
            answer.error = f"{error.get('code')}: {str(error.get('message'))[:100]}" if isinstance(error, dict) else "-"
        self.answers.append(answer)
        return answer, payload

    def run(self) -> None:
        while not self.stop_event.is_set():
            answer, case = self.post("start", "/api/v1/cases", {"matter": MATTER, "applicant": {"name": "基准申请人"}})
            if not 200 <= answer.status < 300 or case is None:
                time.sleep(0.05)
                continue
            tasks = case["tasks"]
            while tasks and not self.stop_event.is_set():
                task = tasks[0]
                data = STEP_DATA.get(task["element"], {})
                answer, done = self.post(
                    "complete",
                    f"/api/v1/tasks/{task['id']}/complete",
                    {"data": data, "opinion": "同意"},
                    task=task["id"],
                    case=case["id"],
                )
                if not 200 <= answer.status < 300 or done is None:
                    time.sleep(0.05)
                    break
                tasks = done["next_tasks"]


def _session():
    """POST JSON with a bearer token over one keep-alive connection: (status, answer), status 0 when no answer came
    (refused, reset, timed out; the next request connects again). Plain ``http.client``: the load generator shares the
    machine with the deployment it measures, and ``requests`` spent about 1.7 CPU ms per request where this spends a
    fraction of it."""
    held: list[http.client.HTTPConnection] = []

    def post(url: str, body: dict, token: str) -> tuple[int, dict | None]:
        parts = urllib.parse.urlsplit(url)
        if not held:
            held.append(http.client.HTTPConnection(parts.hostname, parts.port, timeout=30))
        connection = held[0]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        try:
            connection.request("POST", parts.path, body=json.dumps(body).encode(), headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            held.clear()
            return 0, None
        if response.will_close:
            connection.close()
            held.clear()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, None

    return post


def run_clients(base: str, tokens: list[str], seconds: float, during=None) -> tuple[list[Answer], float]:
    """``len(tokens)`` clients for ``seconds`` (or while ``during()`` runs in this thread, then ``seconds`` more);
    every answer, and the seconds they really ran."""
    stop = threading.Event()
    clients = [Client(base, token, stop) for token in tokens]
    started = time.perf_counter()
    for client in clients:
        client.start()
    try:
        if during is not None:
            during()
        stop.wait(seconds)
    finally:
        stop.set()
        for client in clients:
            client.join(60)
    return [a for c in clients for a in c.answers], time.perf_counter() - started


def scratch_folder(prefix: str) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix=prefix)
