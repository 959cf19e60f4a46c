"""What staff and supervisors wait for when the database holds a city's years of cases.

    .venv/bin/python bench/scale.py [--cases 1000000] [--pg URL] [--samples 40]

Builds --cases/10 cases on PostgreSQL, measures, grows the same database to --cases and measures again, then prints
the ratios (goal: flat, at most 1.3). The mix: about 70% ended, the rest open at their first, third or fourth step,
across 40 departments with 10 officials each. 160 template cases (40 departments × 4 states) are run through the
engine itself; every other case is a copy of one of them made by SQL (case row, workflow state, task projection and
trail rows), with its own number, applicant, official and dates.

inbox     an official's open tasks (first page)          search  case search by number / by applicant, as an official
case      GET /api/v1/cases/{id}: the case and its trail  cockpit the city supervisor's overview
sweep     one sweep of the due work when little is due

Goals (issue 14): every p95 at most 50 ms, the cockpit at most 300 ms. The engine runs on a fixed clock (Monday
2026-11-23 09:00, Asia/Shanghai). Drops and recreates the tables of the database it is given: name one of its own. `--measure` only measures what an
earlier run left there (to measure again on a quiet machine what was built under load).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.matter import bench_matter  # noqa: E402
from engine.bootstrap import Shenpi  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.identity.actors import ENGINE, OFFICIAL, SUPERVISOR, Actor  # noqa: E402
from engine.kernel import SHANGHAI, FixedClock  # noqa: E402
from engine.kernel.db import Base, Database  # noqa: E402
from engine.models import Department, User  # noqa: E402

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
FLOW = ROOT / "tests" / "fixtures" / "five_step.bpmn"
DEPARTMENTS = 40
OFFICIALS = 10
POSTS = ["受理窗口", "承办人", "审核人", "批准人", "制证发证"]
STEPS = ({}, {}, {"review": "approve"}, {"approval": "approve"}, {})
STATES = (0, 2, 3, 5)  # completions of a template: open at the 1st, 3rd and 4th step, or ended
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥建飞鹏辉斌宇浩凯健俊帆帅旭宁龙林欣"
# an applicant's name: surname and two given characters, about 190,000 names (a name matches a few cases at 1M)


def department_name(d: int) -> str:
    return f"第{d:02d}局"


def build(url: str) -> Shenpi:
    database = Database(url)
    Base.metadata.drop_all(database.bind)
    engine = Shenpi(Settings(database_url=url, workflow_cache_size=1000), database=database, clock=FixedClock(START))
    engine.init_db()
    with engine.db.transaction() as session:
        session.add(Department(id="C00", name="基准市人民政府", level="city"))
        session.add(Department(id="CJC", name="基准市监察局", level="city", parent_id="C00"))
        session.flush()
        for d in range(1, DEPARTMENTS + 1):
            session.add(Department(id=f"D{d:02d}", name=department_name(d), level="city", parent_id="C00"))
        session.flush()
        for d in range(1, DEPARTMENTS + 1):
            for o in range(OFFICIALS):
                uid = f"u{d:02d}{o}"
                session.add(
                    User(id=uid, name=f"官员{d:02d}{o}", department_id=f"D{d:02d}", posts=POSTS, roles=[OFFICIAL])
                )
        session.add(User(id="city_supervisor", name="市监察员", department_id="CJC", posts=[], roles=[SUPERVISOR]))
    for d in range(1, DEPARTMENTS + 1):
        flow = FLOW.read_bytes().replace(b'id="five_step"', f'id="scale_{d:02d}"'.encode())
        engine.repository.deploy(flow, f"scale_{d:02d}.bpmn", actor="bench")
        entry = bench_matter(
            f"SCALE-{d:04d}", f"scale_{d:02d}", f"基准事项{d:02d}", department_name(d), f"scale_{d:02d}.bpmn"
        )
        engine.catalogue.publish(entry, "bench")
        for completions in STATES:
            case = engine.cases.start_case(entry["code"], {"name": "模板"}, {}, ENGINE)
            task_id = case["tasks"][0]["id"]
            for step in range(completions):
                done = engine.tasks.complete(task_id, ENGINE, STEPS[step], "同意")
                task_id = done["next_tasks"][0]["id"] if done["next_tasks"] else None
    return engine


# A copy g of the template (department d, state s): d = g % 40, s from (g // 40) % 10 (0-6 ended, 7-9 open).
_TEMPLATE = """
WITH t AS (
    SELECT c.id, row_number() OVER (ORDER BY c.id) - 1 AS k FROM case_record c WHERE c.id <= :templates
), g AS (
    SELECT g, (g % 40) * 4 + CASE WHEN (g / 40) % 10 < 7 THEN 3 ELSE (g / 40) % 10 - 7 END AS k
    FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
)
SELECT g.g, t.id AS template,
    -- open cases are recent (up to four weeks old), ended ones spread over two years
    make_interval(days => (g.g % CASE WHEN c.status = 'running' THEN 20 ELSE 730 END)::int, mins => (g.g % 480)::int)
FROM g JOIN t ON t.k = g.k JOIN case_record c ON c.id = t.id
"""


COPIED = ("case_record", "task_record", "trail_entry", "workflow_journal", "workflow_snapshot")
# indexes that are not constraints are dropped before a large copy and made again after it (one sort each)
_SECONDARY = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
"""


def grow(engine: Shenpi, target: int, templates: int) -> float:
    """Copy templates until the database holds ``target`` cases; returns the seconds it took."""
    started = time.perf_counter()
    bind = engine.db.bind
    with bind.begin() as connection:
        have = connection.scalar(sa.text("SELECT max(id) FROM case_record"))
        first = max(have + 1, 1001)
        if first > target:
            return 0.0
        indexes = []
        if target - first > 50_000:
            indexes = list(connection.execute(sa.text(_SECONDARY), {"tables": list(COPIED)}))
            for name, _definition in indexes:
                connection.execute(sa.text(f'DROP INDEX "{name}"'))
        connection.execute(
            sa.text("CREATE TEMP TABLE copy_of (g bigint PRIMARY KEY, template int, shift interval) ON COMMIT DROP")
        )
        connection.execute(
            sa.text(f"INSERT INTO copy_of {_TEMPLATE}"), {"templates": templates, "first": first, "last": target}
        )
        connection.execute(
            sa.text(
                """
INSERT INTO case_record (id, number, matter_code, definition_id, department, applicant, status, outcome, lock_version,
    trail_seq, trail_hash, created_by, created_at, ended_at, accepted_at, promised_due_at, statutory_due_at,
    paused_seconds, paused_since, pause_kind, light, light_next_at, promised_limit_days, statutory_limit_days,
    limits_provisional, channel, onsite_visits, result_published_at)
SELECT o.g, to_char(c.created_at - o.shift, 'YYYYMMDD') || lpad(o.g::text, 6, '0'), c.matter_code, c.definition_id, c.department,
    json_build_object(
        'name',
        substr(:surnames, (o.g % :s)::int + 1, 1) || substr(:given, ((o.g / :s) % :n)::int + 1, 1)
            || substr(:given, ((o.g / (:s * :n)) % :n)::int + 1, 1),
        'phone', '138' || lpad((o.g % 100000000)::text, 8, '0')),
    c.status, c.outcome, c.lock_version, c.trail_seq, c.trail_hash, c.created_by,
    c.created_at - o.shift,
    c.ended_at - o.shift,
    c.accepted_at - o.shift,
    c.promised_due_at - o.shift,
    c.statutory_due_at - o.shift,
    c.paused_seconds, NULL, NULL, c.light,
    CASE WHEN c.status = 'running' THEN c.light_next_at + make_interval(days => 30) END,
    c.promised_limit_days, c.statutory_limit_days, c.limits_provisional, c.channel, c.onsite_visits,
    c.result_published_at
FROM copy_of o JOIN case_record c ON c.id = o.template
"""
            ),
            {"surnames": SURNAMES, "given": GIVEN, "s": len(SURNAMES), "n": len(GIVEN)},
        )
        connection.execute(
            sa.text(
                """
INSERT INTO workflow_snapshot (case_id, journal_seq, state)
SELECT o.g, s.journal_seq, s.state FROM copy_of o JOIN workflow_snapshot s ON s.case_id = o.template;
INSERT INTO workflow_journal (case_id, seq, delta)
SELECT o.g, j.seq, j.delta FROM copy_of o JOIN workflow_journal j ON j.case_id = o.template;
INSERT INTO task_record (id, case_id, element_id, name, lane, department, post, assignee, state, created_at, due_at,
    due_provisional, light, light_next_at, escalation_level, owner, escalated_at, completed_at, completed_by, opinion)
SELECT md5(o.g::text || t.id)::uuid::text, o.g, t.element_id, t.name, t.lane, t.department, t.post,
    CASE WHEN t.state = 'open' AND o.g % 3 = 0 THEN 'u' || lpad((o.g % 40 + 1)::text, 2, '0') || ((o.g / 40) % 10)::text END,
    t.state, t.created_at - o.shift, t.due_at - o.shift, t.due_provisional, t.light,
    CASE WHEN t.state = 'open' THEN t.light_next_at + make_interval(days => 30) END,
    t.escalation_level, t.owner, t.escalated_at, t.completed_at - o.shift,
    CASE WHEN t.completed_by IS NOT NULL THEN 'u' || lpad((o.g % 40 + 1)::text, 2, '0') || ((o.g / 40) % 10)::text END,
    t.opinion
FROM copy_of o JOIN task_record t ON t.case_id = o.template;
INSERT INTO trail_entry (chain, chain_seq, case_id, task_id, element_id, event, from_state, to_state, actor, at,
    data_digest, detail, prev_hash, hash, hash_version)
SELECT o.g, e.chain_seq, o.g, e.task_id, e.element_id, e.event, e.from_state, e.to_state, e.actor,
    e.at - o.shift, e.data_digest, e.detail, e.prev_hash, e.hash, e.hash_version
FROM copy_of o JOIN trail_entry e ON e.case_id = o.template AND e.chain = o.template;
"""
            )
        )
        connection.execute(sa.text("SELECT setval(pg_get_serial_sequence('case_record', 'id'), :n)"), {"n": target})
        connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _name, definition in indexes:
            connection.execute(sa.text(definition))
    with bind.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def timed(fn: Callable[[], object], samples: int) -> list[float]:
    fn()  # warm
    costs = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        costs.append(time.perf_counter() - started)
    return costs


def select_due(engine: Shenpi) -> int:
    """Every job of the sweep selecting its due ids (what a sweep reads before it does any work)."""
    return sum(len(job.select(START, job.limit)) for job in engine.periodic.jobs)


def measure(engine: Shenpi, cases: int, samples: int) -> dict[str, float]:
    rng = random.Random(cases)
    official = engine.identity.actor("u070")
    supervisor = engine.identity.actor("city_supervisor")
    bind = engine.db.bind
    with bind.connect() as connection:
        own = [
            tuple(r)
            for r in connection.execute(
                sa.text(
                    "SELECT id, number, applicant->>'name' FROM case_record WHERE department = :d AND id > 1000 "
                    "ORDER BY id DESC LIMIT 2000"
                ),
                {"d": department_name(7)},
            )
        ]
    picks = iter(rng.choices(own, k=samples * 4 + 4))

    def search_number(actor: Actor) -> Callable[[], object]:
        return lambda: engine.case_search.search(actor, text=next(picks)[1])

    def search_name(actor: Actor) -> Callable[[], object]:
        return lambda: engine.case_search.search(actor, text=next(picks)[2])

    def case_page() -> object:
        case_id = next(picks)[0]
        return engine.cases.get_case(case_id, official), engine.history.case_trail(case_id, official)

    figures = {
        "inbox_p95_ms": p(timed(lambda: engine.inbox.tasks(official), samples), 0.95),
        "search_number_p95_ms": p(timed(search_number(official), samples), 0.95),
        "search_name_p95_ms": p(timed(search_name(official), samples), 0.95),
        "search_number_supervisor_p95_ms": p(timed(search_number(supervisor), samples), 0.95),
        "case_p95_ms": p(timed(case_page, samples), 0.95),
        "cockpit_p95_ms": p(
            timed(lambda: engine.cockpit.overview(supervisor, record=False), max(5, samples // 4)), 0.95
        ),
        "sweep_select_ms": statistics.median(timed(lambda: select_due(engine), 5)) * 1000,
        "sweep_run_ms": statistics.median(timed(lambda: engine.sweep(START), 3)) * 1000,
    }
    print(f"scale: cases={cases} " + " ".join(f"{k}={v:.1f}" for k, v in figures.items()), flush=True)
    return figures


def measure_existing(url: str, samples: int) -> None:
    """Measure again what an earlier run left in ``url``, e.g. on a quiet machine after building under load."""
    engine = Shenpi(
        Settings(database_url=url, workflow_cache_size=1000), database=Database(url), clock=FixedClock(START)
    )
    with engine.db.bind.connect() as connection:
        cases = connection.execute(sa.text("SELECT count(*) FROM case_record")).scalar_one()
    measure(engine, cases, samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/shenpi_scale")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument(
        "--measure", action="store_true", help="only measure a database an earlier run built (no drop, no growth)"
    )
    args = parser.parse_args()
    if args.measure:
        measure_existing(args.pg, args.samples)
        return
    built = time.perf_counter()
    engine = build(args.pg)
    templates = DEPARTMENTS * len(STATES)
    print(f"templates: {templates} cases through the engine in {time.perf_counter() - built:.0f} s", flush=True)
    small = max(args.cases // 10, 2000)
    print(f"grow: {small} cases in {grow(engine, small, templates):.0f} s", flush=True)
    before = measure(engine, small, args.samples)
    print(f"grow: {args.cases} cases in {grow(engine, args.cases, templates):.0f} s", flush=True)
    after = measure(engine, args.cases, args.samples)
    print("ratio: " + " ".join(f"{k.removesuffix('_ms')}={after[k] / max(before[k], 0.01):.2f}" for k in after))


if __name__ == "__main__":
    main()
