"""The cockpit's summary (running cases and open steps per department and light, kept by triggers in the transaction
of each change) equals a count of the case and step tables after a mix of operations, after the sweep folds it, and
after a rebuild; the overview reads it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, CockpitTally, TaskRecord

from ..helpers import accepted_case as start
from ..helpers import complete


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def recount(engine) -> Counter:
    """The buckets counted from the tables themselves, as the cockpit counted before the summary."""
    counts: Counter = Counter()
    with engine.db.reading() as session:
        for department, light, paused in session.execute(
            sa.select(Case.department, Case.light, Case.paused_since.is_not(None)).where(Case.status == "running")
        ):
            counts[("case", department, "paused" if paused else light or "none")] += 1
        for department, light in session.execute(
            sa.select(TaskRecord.department, TaskRecord.light).where(TaskRecord.state == "open")
        ):
            counts[("task", department, light or "none")] += 1
    return counts


def summary(engine) -> Counter:
    return Counter({(k, d, light): n for k, d, light, n in engine.cockpit.summary.counts(None)})


def rows(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(CockpitTally))


def test_the_summary_equals_a_recount_after_a_mix_of_operations(five_step_engine, clock):
    engine = five_step_engine
    clerk = engine.identity.actor("clerk")
    cases = [start(engine, name) for name in ("王五", "李四", "赵六", "钱七", "孙八")]
    fresh = engine.cases.start_case("TEST-0001", {"name": "周九"}, {}, ENGINE)  # not accepted: at the window
    assert summary(engine) == recount(engine) and summary(engine)
    clock.set(at("2026-11-24T10:00"))
    for data in ({}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, cases[0]["id"], data)  # ended
    complete(engine, cases[1]["id"], {})  # one step on
    engine.case_clock.pause(
        cases[2]["id"], "supplement", "一次性告知：缺少营业执照复印件", clerk, missing=["营业执照复印件"]
    )
    engine.cases.terminate(cases[3]["id"], ENGINE, "申请人撤回申请")
    assert summary(engine) == recount(engine)

    clock.set(at("2026-12-03T10:00"))
    engine.sweep()  # lights turn yellow; the sweep folds the summary too
    after = recount(engine)
    assert after[("case", "测试局", "yellow")] >= 2 and after[("case", "测试局", "paused")] == 1
    assert summary(engine) == after
    assert rows(engine) == len([n for n in after.values() if n])  # folded: one row per non-empty bucket

    engine.case_clock.resume(cases[2]["id"], clerk)
    clock.set(at("2026-12-22T09:00"))
    engine.sweep()
    complete(engine, fresh["id"], {"accept": "accept"})
    assert summary(engine) == recount(engine)
    assert recount(engine)[("case", "测试局", "red")] >= 1

    overview = engine.cockpit.overview(engine.identity.actor("supervisor"), record=False)
    counted = recount(engine)
    assert overview["cases"]["red"] == counted[("case", "测试局", "red")]
    assert sum(overview["tasks"].values()) == sum(n for (kind, *_), n in counted.items() if kind == "task")
    row = next(r for r in overview["departments"] if r["department"] == "测试局")
    assert row["running"] == sum(n for (kind, *_), n in counted.items() if kind == "case")


def test_a_rebuild_counts_the_tables_afresh(five_step_engine, clock):
    engine = five_step_engine
    for name in ("王五", "李四"):
        start(engine, name)
    with engine.db.transaction() as session:  # a summary gone wrong (a bulk load with its triggers off, say)
        session.add(CockpitTally(kind="case", department="测试局", light="red", n=7))
    assert summary(engine) != recount(engine)
    assert engine.cockpit.summary.rebuild() == len(recount(engine))
    assert summary(engine) == recount(engine)


def test_folding_keeps_every_count(five_step_engine, clock):
    engine = five_step_engine
    for name in ("王五", "李四", "赵六"):
        complete(engine, start(engine, name)["id"], {})
    before = summary(engine)
    assert rows(engine) > len(before)
    assert engine.cockpit.summary.due_departments(clock.now()) == ["测试局"]
    engine.cockpit.summary.fold("测试局", clock.now())
    assert summary(engine) == before == recount(engine)
    assert engine.cockpit.summary.due_departments(clock.now()) == []


def test_the_rebuild_command(five_step_engine, clock, monkeypatch):
    from click.testing import CliRunner

    from web import cli

    engine = five_step_engine
    start(engine, "王五")
    with engine.db.transaction() as session:
        session.execute(sa.delete(CockpitTally))  # the summary lost
    assert summary(engine) != recount(engine)
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    result = CliRunner().invoke(cli.main, ["cockpit", "rebuild"])
    assert result.exit_code == 0 and "cockpit summary rebuilt: 2 bucket(s)" in result.output
    assert summary(engine) == recount(engine)
