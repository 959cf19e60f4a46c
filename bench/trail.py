"""The supervision trail's costs: one append, verification, and a checkpoint run.

    .venv/bin/python bench/trail.py [--cases 10000] [--rows 10] [--pg URL]

append      median and p90 of one append of 3 rows to a case's chain, inside a transaction (what a step pays for
            the trail, without its commit): taking the rows' numbers before hashing them is one more query.
verify      `verify` over --cases case chains of --rows rows each: rows per second, chains only and against the
            checkpoints of every head.
checkpoint  one run that signs every chain's head (the first run on an existing trail), and two that find
            nothing moved: right after it (reading again the rows since the run before it, here all of them) and
            three intervals later (reading only rows numbered after it); the file's size.

Drops and recreates the tables of the database it is given (SQLite in a temporary folder; PostgreSQL only with
--pg, which must name a database of its own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import models  # noqa: E402,F401  (every table)
from engine.kernel.clock import FixedClock  # noqa: E402
from engine.kernel.db import Base, Database  # noqa: E402
from engine.models import Case, Matter, ProcessDefinition  # noqa: E402
from engine.trail import chain as trail  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
KEY = "bench-key-" + "0" * 32


def fresh(url: str) -> Database:
    database = Database(url)
    Base.metadata.drop_all(database.bind)
    Base.metadata.create_all(database.bind)
    with database.transaction() as session:
        trail.ensure_head(session)
    return database


def append_cost(database: Database, appends: int = 3000) -> tuple[float, float]:
    with database.transaction() as session:
        head = trail.append(session, [trail.event("case_started", NOW, case_id=1)], None)
    costs = []
    with database.connect() as connection:
        for i in range(appends):
            rows = [trail.event("task", NOW, case_id=1, task_id=f"t{i}", to_state=str(k)) for k in range(3)]
            started = time.perf_counter()
            head = trail.append(connection, rows, head)
            costs.append(time.perf_counter() - started)
    return statistics.median(costs), statistics.quantiles(costs, n=10)[-1]


def build(database: Database, cases: int, rows: int) -> None:
    """``cases`` cases, each a case_started row and a chain of ``rows`` rows, through trail.append."""
    case_table = Case.__table__
    with database.transaction() as session:
        session.execute(
            ProcessDefinition.__table__.insert().values(
                id=1,
                key="bench",
                version=1,
                name="基准流程",
                content_hash="0" * 64,
                filename="bench.bpmn",
                xml="<definitions/>",
                deployed_at=NOW,
            )
        )
        session.execute(
            Matter.__table__.insert().values(
                code="BENCH",
                key="bench",
                name="基准事项",
                department="基准局",
                matter_type="行政许可",
                statutory_limit_days=20,
                promised_limit_days=10,
                star_level=3,
                handling="承诺件",
                process_key="bench",
                published=True,
                entry={},
            )
        )
    for first in range(1, cases + 1, 500):
        with database.connect() as connection:
            for case_id in range(first, min(first + 500, cases + 1)):
                connection.execute(
                    case_table.insert().values(
                        id=case_id,
                        number=f"B{case_id:08d}",
                        matter_code="BENCH",
                        department="基准局",
                        definition_id=1,
                        applicant="{}",
                        status="running",
                        created_at=NOW,
                        lock_version=1,
                        trail_seq=0,
                        trail_hash="",
                    )
                )
                head = trail.append(connection, [trail.event("case_started", NOW, case_id=case_id)], None)
                position, last = trail.append(
                    connection,
                    [
                        trail.event("task", NOW, case_id=case_id, task_id=f"t{k}", to_state="completed")
                        for k in range(rows)
                    ],
                    head,
                )
                connection.execute(
                    case_table.update().where(case_table.c.id == case_id).values(trail_seq=position, trail_hash=last)
                )


def run(name: str, url: str, cases: int, rows: int) -> None:
    database = fresh(url)
    median, p90 = append_cost(database)
    print(f"{name}: append of 3 rows in a transaction: median {median * 1000:.3f} ms, p90 {p90 * 1000:.3f} ms")
    database = fresh(url)
    started = time.perf_counter()
    build(database, cases, rows)
    print(f"{name}: built {cases:,} chains of {rows} rows in {time.perf_counter() - started:.1f} s")
    try:
        from engine.trail.checkpoints import TrailCheckpoints
    except ImportError:  # a build before the checkpoints
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trail-checkpoints.jsonl"
        clock = FixedClock(NOW)
        checkpoints = TrailCheckpoints(database, clock, KEY, path, 300)
        plain = TrailCheckpoints(database, FixedClock(NOW), "", path, 300)
        started = time.perf_counter()
        result = plain.verify()
        took = time.perf_counter() - started
        print(
            f"{name}: verify, chains only: {result.checked:,} rows in {took:.2f} s "
            f"({result.checked / took:,.0f} rows/s), ok={result.ok}"
        )
        started = time.perf_counter()
        first = checkpoints.checkpoint()
        took = time.perf_counter() - started
        print(
            f"{name}: first checkpoint: {first.heads:,} heads in {len(first.lines)} lines, {took:.2f} s; "
            f"file {path.stat().st_size / 1e6:.1f} MB"
        )
        for which in ("right after", "three intervals later"):
            started = time.perf_counter()
            again = checkpoints.checkpoint()
            print(
                f"{name}: checkpoint {which}, nothing moved: {len(again.lines)} lines, "
                f"{(time.perf_counter() - started) * 1000:.1f} ms"
            )
            clock.advance(seconds=900)
        started = time.perf_counter()
        result = checkpoints.verify()
        took = time.perf_counter() - started
        print(
            f"{name}: verify against the checkpoints: {result.checked:,} rows, {result.anchored:,} heads in "
            f"{took:.2f} s ({result.checked / took:,.0f} rows/s), ok={result.ok}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--pg", help="a PostgreSQL database of the benchmark's own (its tables are dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/trail.db", args.cases, args.rows)
    if args.pg:
        run("postgresql", args.pg, args.cases, args.rows)


if __name__ == "__main__":
    main()
