"""Task completions per second: naive SpiffWorkflow vs the engine vs the database floor.

    .venv/bin/python bench/engine_throughput.py [--cases N] [--pg URL | --no-pg]

naive   plain SpiffWorkflow, spec parsed once, full serializer JSON round-trip before every step, in memory.
engine  the engine API; every completion its own committed transaction (workflow journal, task projection,
        trail) with production durability (SQLite WAL + synchronous=FULL; PostgreSQL defaults).
floor   the rows the engine wrote per completion (journal, task projection, trail, case version), written by
        plain SQL on a raw connection with no reads and no engine work; same database and durability.
long    cost of completing step ~200 of a case that loops back for revision, against step 2.
limit   1 / (1/in-memory SpiffWorkflow rate + 1/floor rate): the best a durable engine on SpiffWorkflow could do.

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser import BpmnParser  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine.bootstrap import Shenpi  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.identity.actors import ENGINE  # noqa: E402
from engine.kernel import SHANGHAI, FixedClock  # noqa: E402
from engine.kernel.db import Base, Database  # noqa: E402
from engine.models import TrailEntry, WorkflowJournal  # noqa: E402

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
FLOW = ROOT / "tests" / "fixtures" / "five_step.bpmn"
ANSWERS = {"review": "approve", "approval": "approve"}
ENTRY = dict(
    code="BENCH-0001",
    key="five_step",
    name="基准事项",
    department="基准局",
    type="行政许可",
    legal_basis=["《行政许可法》"],
    statutory_limit_days=20,
    promised_limit_days=10,
    handling="承诺件",
    star_level=3,
    process_file="five_step.bpmn",
    conditions=[],
    materials=[],
)


def spiff_rate(cases: int, round_trip: bool) -> float:
    """Plain SpiffWorkflow with the spec parsed once; ``round_trip`` serializes and restores before every step."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(FLOW))
    spec = parser.get_spec("five_step")
    serializer = BpmnWorkflowSerializer()
    completions = 0
    started = time.perf_counter()
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
    return completions / (time.perf_counter() - started)


def fresh_engine(url: str) -> Shenpi:
    database = Database(url)
    Base.metadata.drop_all(database.engine)
    engine = Shenpi(Settings(database_url=url, workflow_cache_size=100_000), database=database, clock=FixedClock(START))
    engine.init_db()
    engine.repository.deploy(FLOW.read_bytes(), "five_step.bpmn")
    engine.catalogue.publish(ENTRY, "bench")
    return engine


def engine_rate(engine: Shenpi, cases: int) -> tuple[float, dict]:
    firsts = [
        engine.runtime.start_case("BENCH-0001", {"name": "基准"}, {}, ENGINE)["tasks"][0]["id"] for _ in range(cases)
    ]
    with engine.db.reading() as session:
        trail_before = session.query(TrailEntry).count()
    completions = 0
    started = time.perf_counter()
    for task_id in firsts:
        while task_id:
            done = engine.tasks.complete(task_id, ENGINE, ANSWERS, "同意")
            completions += 1
            task_id = done["next_tasks"][0]["id"] if done["next_tasks"] else None
    rate = completions / (time.perf_counter() - started)
    with engine.db.reading() as session:
        journal = [len(d.delta) for d in session.query(WorkflowJournal)]
        trail_rows = session.query(TrailEntry).count() - trail_before
    shape = {
        "journal_bytes": int(statistics.mean(journal)) if journal else 0,
        "trail_rows": trail_rows / completions,
        "completions": completions,
    }
    return rate, shape


def floor_rate(engine: Shenpi, completions: int, shape: dict) -> float:
    """The engine's rows for each completion, by plain SQL on a raw DBAPI connection."""
    raw = engine.db.engine.raw_connection()
    dbapi = raw.driver_connection
    sqlite = engine.db.dialect == "sqlite"
    mark = "?" if sqlite else "%s"
    delta = "x" * shape["journal_bytes"]
    rows_per = max(1, round(shape["trail_rows"]))
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
    started = time.perf_counter()
    position = 10_000_000
    for i in range(completions):
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
            [
                (case_id, position + i * rows_per + k, case_id, ids[i], "d" * 64, "p" * 64, "h" * 64)
                for k in range(rows_per)
            ],
        )
        cur.execute(
            q("UPDATE case_record SET lock_version = lock_version + 1, trail_seq = ?, trail_hash = ? WHERE id = ?"),
            (position + i * rows_per, "h" * 64, case_id),
        )
        if sqlite:
            cur.execute("COMMIT")
        else:
            dbapi.commit()
    rate = completions / (time.perf_counter() - started)
    raw.close()
    return rate


def long_case(engine: Shenpi, loops: int = 100) -> tuple[float, float]:
    """Median cost of completing steps 2-11 and steps ~200-209 of one case that loops for revision."""
    task_id = engine.runtime.start_case("BENCH-0001", {"name": "长案"}, {}, ENGINE)["tasks"][0]["id"]
    costs = []
    step = 0
    while task_id and step < 2 * loops + 12:
        step += 1
        review = "revise" if step < 2 * loops + 2 else "approve"
        t = time.perf_counter()
        done = engine.tasks.complete(task_id, ENGINE, {"review": review, "approval": "approve"}, None)
        costs.append(time.perf_counter() - t)
        task_id = done["next_tasks"][0]["id"] if done["next_tasks"] else None
    early = statistics.median(costs[1:11])
    late = statistics.median(costs[2 * loops - 10 : 2 * loops])
    return early, late


def run_database(name: str, url: str, cases: int, naive_rate: float, spiff_in_memory: float) -> None:
    engine = fresh_engine(url)
    rate, shape = engine_rate(engine, cases)
    floor = floor_rate(engine, shape["completions"], shape)
    early, late = long_case(engine)
    print(
        f"{name}: engine {rate:,.0f} completions/s ({shape['trail_rows']:.1f} trail rows and "
        f"{shape['journal_bytes']} journal bytes per completion); floor {floor:,.0f}/s"
    )
    print(f"{name}: long case: step 2 {early * 1000:.2f} ms, step 200 {late * 1000:.2f} ms, ratio {late / early:.2f}")
    print(f"{name}: engine/naive={rate / naive_rate:.2f} engine/floor={rate / floor:.2f}")
    # The best a durable engine on SpiffWorkflow could do here: SpiffWorkflow's own work plus the rows, nothing else.
    limit = 1 / (1 / spiff_in_memory + 1 / floor)
    print(f"{name}: engine/limit={rate / limit:.2f} (limit {limit:,.0f}/s)")
    engine.db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "SHENPI_BENCH_PG_URL",
            os.environ.get("SHENPI_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ),
    )
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    naive_rate = spiff_rate(args.cases, round_trip=True)
    print(f"naive: {naive_rate:,.0f} completions/s (full JSON round-trip per step, in memory)")
    in_memory = spiff_rate(args.cases, round_trip=False)
    print(f"in-memory SpiffWorkflow, cached spec, no persistence: {in_memory:,.0f} completions/s")
    with tempfile.TemporaryDirectory() as tmp:
        run_database("sqlite", f"sqlite:///{tmp}/bench.db", args.cases, naive_rate, in_memory)
    if not args.no_pg:
        try:
            run_database("postgresql", args.pg, args.cases, naive_rate, in_memory)
        except Exception as exc:
            print(f"postgresql: skipped ({exc.__class__.__name__}: {str(exc).splitlines()[0]})")


if __name__ == "__main__":
    main()
