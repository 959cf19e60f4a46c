"""Task completions per second: naive SpiffWorkflow vs the engine vs the database floor.

    .venv/bin/python bench/engine_throughput.py [--cases N] [--runs N] [--pg URL | --no-pg]

naive   plain SpiffWorkflow, spec parsed once, full serializer JSON round-trip before every step, in memory.
engine  the engine API; every completion its own committed transaction (workflow journal, task projection,
        trail) with production durability (SQLite WAL + synchronous=FULL; PostgreSQL defaults).
floor   the rows the engine wrote per completion (journal, task projection, trail, case version), written by
        plain SQL on a raw connection with no reads and no engine work; same database and durability.
long    CPU cost (this process) of completing step ~200 of a case that loops back for revision, against step 2:
        CPU time, so that other work on a shared machine does not decide the ratio.
limit   1 / (1/in-memory SpiffWorkflow rate + 1/floor rate): the best a durable engine on SpiffWorkflow could do.
cpu     CPU milliseconds per completion of this process (time.process_time) and, for PostgreSQL on this host, of
        the database's server processes serving it (/proc); "engine/limit by cpu" compares the engine's CPU with
        in-memory SpiffWorkflow's plus the floor's. On a shared machine the rates are noisy, CPU time much less so.

With ``--runs N`` the in-memory, engine and floor measurements are repeated N times (new cases each time) and every
figure is the median of the runs.

The engine runs on a fixed clock (Monday 2026-11-23 09:00, Asia/Shanghai), so the figures never depend on today's
date: limits and timers are counted on the same working days in every run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser import BpmnParser  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from bench.matter import bench_matter  # noqa: E402
from engine.bootstrap import Shenpi  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.identity.actors import ENGINE  # noqa: E402
from engine.kernel import SHANGHAI, FixedClock  # noqa: E402
from engine.kernel.db import Base, Database  # noqa: E402
from engine.models import TrailEntry, WorkflowJournal  # noqa: E402

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
FLOW = ROOT / "tests" / "fixtures" / "five_step.bpmn"
ANSWERS = {"review": "approve", "approval": "approve"}
ENTRY = bench_matter("BENCH-0001", "five_step", "基准事项", "基准局", "five_step.bpmn")


@dataclass
class Measured:
    """One measurement: completions per second (wall clock) and CPU milliseconds per completion, of this process
    and of the database server's processes serving it (PostgreSQL on this host; None otherwise)."""

    rate: float
    cpu_ms: float
    server_ms: float | None = None

    @property
    def total_ms(self) -> float:
        return self.cpu_ms + (self.server_ms or 0.0)


def median(measured: list[Measured]) -> Measured:
    servers = [m.server_ms for m in measured if m.server_ms is not None]
    return Measured(
        statistics.median(m.rate for m in measured),
        statistics.median(m.cpu_ms for m in measured),
        statistics.median(servers) if servers else None,
    )


class ServerClock:
    """CPU seconds spent by the PostgreSQL backends of one database, read from /proc (the server on this host)."""

    def __init__(self, url: sa.URL | str) -> None:
        # a connection of its own (not from the engine's pool), left out of the count
        self.bind = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.available = self.bind.dialect.name == "postgresql" and Path("/proc/self/stat").exists()

    def _pids(self) -> list[int]:
        with self.bind.connect() as connection:
            return list(
                connection.exec_driver_sql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).scalars()
            )

    def read(self) -> dict[int, float] | None:
        if not self.available:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        seconds = {}
        for pid in self._pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                self.available = False  # another host, or no access: no server figure
                return None
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return seconds

    @staticmethod
    def spent(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
        if before is None or after is None:
            return None
        return sum(total - before.get(pid, 0.0) for pid, total in after.items())


def spiff_rate(cases: int, round_trip: bool) -> Measured:
    """Plain SpiffWorkflow with the spec parsed once; ``round_trip`` serializes and restores before every step."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(FLOW))
    spec = parser.get_spec("five_step")
    serializer = BpmnWorkflowSerializer()
    completions = 0
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(cases):
        wf = BpmnWorkflow(spec)
        wf.do_engine_steps()
        while not wf.is_completed():
            if round_trip:
                wf = serializer.deserialize_json(serializer.serialize_json(wf))
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(ANSWERS)
            task.run()
            wf.do_engine_steps()
            completions += 1
    cpu_ms = (time.process_time() - cpu) * 1000 / completions
    return Measured(completions / (time.perf_counter() - started), cpu_ms)


def fresh_engine(url: str) -> Shenpi:
    database = Database(url)
    Base.metadata.drop_all(database.bind)
    engine = Shenpi(Settings(database_url=url, workflow_cache_size=100_000), database=database, clock=FixedClock(START))
    engine.init_db()
    engine.repository.deploy(FLOW.read_bytes(), "five_step.bpmn")
    engine.catalogue.publish(ENTRY, "bench")
    return engine


def engine_rate(engine: Shenpi, cases: int) -> tuple[Measured, dict]:
    firsts = [
        engine.cases.start_case("BENCH-0001", {"name": "基准"}, {}, ENGINE)["tasks"][0]["id"] for _ in range(cases)
    ]
    with engine.db.reading() as session:
        trail_before = session.query(TrailEntry).count()
    server = ServerClock(engine.db.bind.url)
    completions = 0
    server_before = server.read()
    started, cpu = time.perf_counter(), time.process_time()
    for task_id in firsts:
        while task_id:
            done = engine.tasks.complete(task_id, ENGINE, ANSWERS, "同意")
            completions += 1
            task_id = done["next_tasks"][0]["id"] if done["next_tasks"] else None
    rate = completions / (time.perf_counter() - started)
    cpu_ms = (time.process_time() - cpu) * 1000 / completions
    server_s = server.spent(server_before, server.read())
    with engine.db.reading() as session:
        journal = [len(d.delta) for d in session.query(WorkflowJournal).filter(WorkflowJournal.seq < 10_000_000)]
        trail_rows = session.query(TrailEntry).count() - trail_before
    shape = {
        "journal_bytes": int(statistics.mean(journal)) if journal else 0,
        "trail_rows": trail_rows / completions,
        "completions": completions,
    }
    return Measured(rate, cpu_ms, server_s * 1000 / completions if server_s is not None else None), shape


def floor_rate(engine: Shenpi, completions: int, shape: dict) -> Measured:
    """The engine's rows for each completion, by plain SQL on a raw DBAPI connection. The trail rows per completion
    are the engine's on average (3.4 means 3 or 4 rows in the proportion that gives 3.4, not 3 each time)."""
    server = ServerClock(engine.db.bind.url)
    raw = engine.db.bind.raw_connection()
    dbapi = raw.driver_connection
    sqlite = engine.db.dialect == "sqlite"
    mark = "?" if sqlite else "%s"
    delta = "x" * shape["journal_bytes"]
    rows_per = shape["trail_rows"]
    cur = dbapi.cursor()
    case_id = 1
    ids = [f"00000000-0000-0000-0000-{i:012d}" for i in range(completions + 1)]
    q = lambda sql: sql.replace("?", mark)
    if sqlite:
        dbapi.isolation_level = None
    cur.execute(
        q(
            "INSERT INTO task_record (id, case_id, element_id, name, lane, department, post, state, created_at, "
            "light, escalation_level) VALUES (?, ?, 'Task_X', '步骤', '承办人', '基准局', '承办人', 'open', "
            "'2026-01-01 00:00:00', 'none', 0)"
        ),
        (ids[0], case_id),
    )
    if not sqlite:
        dbapi.commit()
    server_before = server.read()
    started, cpu = time.perf_counter(), time.process_time()
    position = 10_000_000
    for i in range(completions):
        first, last = position + int(i * rows_per), position + int((i + 1) * rows_per)
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(
            q("INSERT INTO workflow_journal (case_id, seq, delta) VALUES (?, ?, ?)"), (case_id, position + i, delta)
        )
        cur.execute(
            q(
                "UPDATE task_record SET state = 'completed', completed_at = ?, completed_by = 'bench', opinion = '同意' WHERE id = ?"
            ),
            ("2026-01-01 00:00:01", ids[i]),
        )
        cur.execute(
            q(
                "INSERT INTO task_record (id, case_id, element_id, name, lane, department, post, state, created_at, "
                "light, escalation_level) VALUES (?, ?, 'Task_X', '步骤', '承办人', '基准局', '承办人', 'open', "
                "'2026-01-01 00:00:00', 'none', 0)"
            ),
            (ids[i + 1], case_id),
        )
        cur.executemany(
            q(
                "INSERT INTO trail_entry (chain, chain_seq, case_id, task_id, element_id, event, from_state, "
                "to_state, actor, at, data_digest, detail, prev_hash, hash) VALUES (?, ?, ?, ?, 'Task_X', 'task', "
                "'ready', 'completed', 'bench', '2026-01-01 00:00:01', ?, NULL, ?, ?)"
            ),
            [(case_id, seq, case_id, ids[i], "d" * 64, "p" * 64, "h" * 64) for seq in range(first, last)],
        )
        cur.execute(
            q("UPDATE case_record SET lock_version = lock_version + 1, trail_seq = ?, trail_hash = ? WHERE id = ?"),
            (last, "h" * 64, case_id),
        )
        if sqlite:
            cur.execute("COMMIT")
        else:
            dbapi.commit()
    rate = completions / (time.perf_counter() - started)
    cpu_ms = (time.process_time() - cpu) * 1000 / completions
    raw.close()
    server_s = server.spent(server_before, server.read())
    with engine.db.bind.begin() as connection:  # the next run's floor starts from an empty slate again
        connection.exec_driver_sql("DELETE FROM trail_entry WHERE chain_seq >= 10000000 AND actor = 'bench'")
        connection.exec_driver_sql("DELETE FROM workflow_journal WHERE seq >= 10000000")
        connection.execute(sa.text("DELETE FROM task_record WHERE id LIKE :ids"), {"ids": "00000000-0000-0000-0000-%"})
    return Measured(rate, cpu_ms, server_s * 1000 / completions if server_s is not None else None)


def long_case(engine: Shenpi, loops: int = 100) -> tuple[float, float]:
    """Median CPU cost of completing steps 2-11 and steps ~200-209 of one case that loops for revision."""
    task_id = engine.cases.start_case("BENCH-0001", {"name": "长案"}, {}, ENGINE)["tasks"][0]["id"]
    costs = []
    step = 0
    while task_id and step < 2 * loops + 12:
        step += 1
        review = "revise" if step < 2 * loops + 2 else "approve"
        t = time.process_time()
        done = engine.tasks.complete(task_id, ENGINE, {"review": review, "approval": "approve"}, None)
        costs.append(time.process_time() - t)
        task_id = done["next_tasks"][0]["id"] if done["next_tasks"] else None
    early = statistics.median(costs[1:11])
    late = statistics.median(costs[2 * loops - 10 : 2 * loops])
    return early, late


def run_database(name: str, url: str, args: argparse.Namespace, naive: Measured, in_memory: list[Measured]) -> None:
    engine = fresh_engine(url)
    engines, floors = [], []
    for run in range(args.runs):
        measured, shape = engine_rate(engine, args.cases)
        engines.append(measured)
        floors.append(floor_rate(engine, shape["completions"], shape))
        if run + 1 < args.runs:
            in_memory.append(spiff_rate(args.cases, round_trip=False))  # beside each run: the machine's load varies
    spiff, measured, floor = median(in_memory), median(engines), median(floors)
    rate = measured.rate
    early, late = long_case(engine)
    print(
        f"{name}: engine {rate:,.0f} completions/s ({shape['trail_rows']:.1f} trail rows and "
        f"{shape['journal_bytes']} journal bytes per completion); floor {floor.rate:,.0f}/s"
    )
    print(
        f"{name}: long case (CPU): step 2 {early * 1000:.2f} ms, step 200 {late * 1000:.2f} ms, ratio {late / early:.2f}"
    )
    print(f"{name}: engine/naive={rate / naive.rate:.2f} engine/floor={rate / floor.rate:.2f}")
    # The best a durable engine on SpiffWorkflow could do here: SpiffWorkflow's own work plus the rows, nothing else.
    limit = 1 / (1 / spiff.rate + 1 / floor.rate)
    print(f"{name}: engine/limit={rate / limit:.2f} (limit {limit:,.0f}/s)")
    server = lambda m: f" + server {m.server_ms:.3f}" if m.server_ms is not None else ""
    print(
        f"{name}: cpu ms/completion: engine {measured.cpu_ms:.3f}{server(measured)}; in-memory SpiffWorkflow "
        f"{spiff.cpu_ms:.3f}; floor {floor.cpu_ms:.3f}{server(floor)}; engine/limit by cpu="
        f"{(spiff.total_ms + floor.total_ms) / measured.total_ms:.2f} (median of {args.runs} run(s))"
    )
    engine.db.bind.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--runs", type=int, default=1, help="repeat the measurements; figures are their medians")
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "SHENPI_BENCH_PG_URL",
            os.environ.get("SHENPI_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ),
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    naive = spiff_rate(args.cases, round_trip=True)
    print(f"naive: {naive.rate:,.0f} completions/s (full JSON round-trip per step, in memory)")
    in_memory = [spiff_rate(args.cases, round_trip=False)]
    print(f"in-memory SpiffWorkflow, cached spec, no persistence: {in_memory[0].rate:,.0f} completions/s")
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run_database("sqlite", f"sqlite:///{tmp}/bench.db", args, naive, list(in_memory))
    if not args.no_pg:
        try:
            run_database("postgresql", args.pg, args, naive, list(in_memory))
        except Exception as exc:
            print(f"postgresql: skipped ({exc.__class__.__name__}: {str(exc).splitlines()[0]})")


if __name__ == "__main__":
    main()
