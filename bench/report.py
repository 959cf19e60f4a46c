"""The monthly performance evaluation over 1,000,000 cases on PostgreSQL (target: within 5 s).

    .venv/bin/python bench/report.py [URL] [--cases N] [--departments N] [--runs N] [--keep]

URL defaults to $SHENPI_TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test. Everything is
made in a schema of its own (``bench_report``, dropped before and after unless --keep), so the database's public
schema — the test suite's — is left alone. Rows are generated inside PostgreSQL (INSERT … SELECT generate_series):
cases spread over the departments and November 2026 (90 % ended in the month, a tenth of them late, 70 % online),
one completed task per case over 10 officials per department, ratings for 30 % of the cases, signals for 2 %,
complaints and supervision items. Then ``PerformanceService.evaluate`` runs ``--runs`` times on a clock in December.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from engine.config import Settings  # noqa: E402
from engine.deadlines import CalendarService  # noqa: E402
from engine.kernel.clock import SHANGHAI, FixedClock  # noqa: E402
from engine.kernel.db import Base, Database  # noqa: E402
from engine.performance import PerformanceService  # noqa: E402
from engine.supervision.report_access import ReportAccessLog  # noqa: E402

SCHEMA = "bench_report"
MONTH = "2026-11"
START = "2026-11-01 00:00:00+08"  # the month, Beijing time

FILL = [
    """INSERT INTO department (id, name, level)
       SELECT 'B' || lpad(d::text, 3, '0'), '基准局' || lpad(d::text, 3, '0'), 'city'
       FROM generate_series(1, :departments) d""",
    """INSERT INTO user_account (id, name, department_id, posts, roles, active)
       SELECT 'u' || d || '_' || o, '人员' || d || '-' || o, 'B' || lpad(d::text, 3, '0'), '[]', '["official"]', true
       FROM generate_series(1, :departments) d, generate_series(1, 10) o""",
    """INSERT INTO process_definition (id, key, version, name, content_hash, filename, xml, deployed_at)
       VALUES (1, 'bench', 1, '基准流程', repeat('0', 64), 'bench.bpmn', '<definitions/>', now())""",
    """INSERT INTO matter (code, key, name, department, matter_type, statutory_limit_days, promised_limit_days,
                           star_level, handling, process_key, published, entry)
       SELECT 'M' || m, 'bench' || m, '事项' || m, '基准局' || lpad((m % :departments + 1)::text, 3, '0'), '行政许可',
              20, 10, 3, '承诺件', 'bench', true, json_build_object('online_depth', (m / :departments) % 4 + 1)
       FROM generate_series(1, :departments * 10) m""",
    "SELECT setseed(0.42)",
    """INSERT INTO case_record (id, number, matter_code, definition_id, department, applicant, status, outcome,
                                lock_version, trail_seq, trail_hash, created_at, accepted_at, ended_at,
                                statutory_due_at, promised_due_at, paused_seconds, light, channel, onsite_visits)
       SELECT i, 'B' || i, 'M' || m, 1, '基准局' || lpad((m % :departments + 1)::text, 3, '0'), '{}',
              CASE WHEN r < 0.1 THEN 'running' ELSE 'ended' END, CASE WHEN r < 0.1 THEN NULL ELSE 'approved' END,
              1, 0, '', t, t + interval '1 hour', CASE WHEN r < 0.1 THEN NULL ELSE t + interval '3 days' END,
              t + CASE WHEN r < 0.2 THEN interval '2 days' ELSE interval '20 days' END,
              t + interval '10 days', floor(r * 3) * 3600, 'none',
              CASE WHEN q < 0.7 THEN 'online' ELSE 'window' END, floor(q * 3)
       FROM (SELECT i, CAST(:start AS timestamptz) + (i::float / :cases) * interval '27 days' AS t,
                    floor(random() * :departments * 10)::int + 1 AS m, random() AS r, random() AS q
             FROM generate_series(1, :cases) i) s""",
    """INSERT INTO task_record (id, case_id, element_id, name, department, state, created_at, due_at, light,
                                escalation_level, completed_at, completed_by, assignee)
       SELECT 't' || c.id, c.id, 'Task_Approve', '审批', c.department, 'completed', c.created_at,
              c.created_at + interval '2 days', 'none', 0, c.created_at + random() * interval '60 hours',
              'u' || substr(c.department, 4)::int || '_' || floor(random() * 10 + 1), NULL
       FROM case_record c""",
    """INSERT INTO service_rating (case_id, matter_code, department, rater, overall, scores, rated_at)
       SELECT id, matter_code, department, 'citizen', 1 + floor(sqrt(random()) * 5), '{}', ended_at + interval '1 hour'
       FROM case_record WHERE ended_at IS NOT NULL AND id % 3 = 0""",
    """INSERT INTO violation_signal (rule, level, article, color, subject, case_id, department, official, summary,
                                     raised_at, status)
       SELECT 'overdue', 'common', '11', CASE WHEN id % 2 = 0 THEN 'red' ELSE 'yellow' END,
              CASE WHEN id % 7 = 0 THEN 'fee:' ELSE 'case:' END || id, id, department,
              'u' || substr(department, 4)::int || '_' || floor(random() * 10 + 1), '基准',
              created_at + interval '2 days', 'open'
       FROM case_record WHERE id % 50 = 0""",
    """INSERT INTO complaint (number, anonymous, department, subject, content, status, submitted_at,
                              status_changed_at, upheld, result_at, light)
       SELECT 'TSB' || id, true, department, '基准', '基准', 'closed', created_at, created_at, id % 2000 = 0,
              created_at + interval '5 days', 'none'
       FROM case_record WHERE id % 1000 = 0""",
    """INSERT INTO supervision_item (kind, department, summary, status, opened_at, due_at, closed_at, light,
                                     escalation_level)
       SELECT 'overdue_step', department, '基准', 'open', created_at, created_at + interval '10 days',
              CASE WHEN id % 400 = 0 THEN created_at + interval '5 days' END, 'none', 0
       FROM case_record WHERE id % 200 = 0""",
]


def build(engine: sa.Engine, cases: int, departments: int) -> dict:
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    Base.metadata.create_all(engine)
    indexes = [index for table in Base.metadata.sorted_tables for index in table.indexes]
    timings = {}
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # generated rows: no FK triggers
        for index in indexes:  # bulk loading is faster with the indexes built afterwards
            index.drop(conn)
        for statement in FILL:
            started = time.perf_counter()
            conn.execute(sa.text(statement), {"cases": cases, "departments": departments, "start": START})
            timings[statement.split()[2] if statement.startswith("INSERT") else statement] = (
                time.perf_counter() - started
            )
        started = time.perf_counter()
        for index in indexes:
            index.create(conn)
        timings["indexes"] = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    with engine.connect() as conn:
        counts = {
            table: conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            for table in (
                "case_record",
                "task_record",
                "service_rating",
                "violation_signal",
                "complaint",
                "supervision_item",
                "matter",
            )
        }
    return {"counts": counts, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url",
        nargs="?",
        default=os.environ.get("SHENPI_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help=f"keep the {SCHEMA} schema afterwards")
    args = parser.parse_args()
    engine = sa.create_engine(args.url, connect_args={"options": f"-csearch_path={SCHEMA}"})
    try:
        started = time.perf_counter()
        built = build(engine, args.cases, args.departments)
        print("insert seconds: " + ", ".join(f"{table} {sec:.1f}" for table, sec in built["timings"].items()))
        print(
            f"built in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{table} {count:,}" for table, count in built["counts"].items())
        )
        clock = FixedClock(dt.datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
        database = Database(bind=engine)
        calendars = CalendarService(database, clock, Settings().office_hours)
        service = PerformanceService(database, clock, ReportAccessLog(database, clock), calendars)
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = service.evaluate(MONTH)
            seconds.append(time.perf_counter() - started)
        ended = sum(d["indicators"]["cases_ended"] for d in result["departments"])
        print(
            f"evaluate({MONTH}): {len(result['departments'])} departments, {len(result['officials'])} officials, "
            f"{ended:,} cases ended in the month"
        )
        print(
            f"seconds: best {min(seconds):.2f}, median {statistics.median(seconds):.2f} over {args.runs} runs "
            f"(target 5.00) — {'OK' if min(seconds) <= 5 else 'TOO SLOW'}; load average {os.getloadavg()[0]:.1f}"
        )
        top = result["departments"][0]
        print(f"first place: {top['name']} {top['score']} {top['indicators']}")
    finally:
        if not args.keep:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


if __name__ == "__main__":
    main()
