"""The cockpit's summary (running cases and open steps per department and light, signals by colour and status, open
督办 items by light, complaints by status; kept by triggers in the transaction of each change) equals a count of those
tables after a mix of operations, after the sweep folds it, and after a rebuild; the overview reads it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, CockpitTally, Complaint, Signal, SupervisionItem, TaskRecord
from engine.supervision import open_item

from ..helpers import accepted_case as start
from ..helpers import add_signal, complete


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def recount(engine) -> Counter:
    """The buckets counted from the tables themselves, as the cockpit counted before the summary."""
    counts: Counter = Counter()
    with engine.db.reading() as session:
        for department, light, paused in session.execute(
            sa.select(Case.department, Case.light, Case.paused_since.is_not(None)).where(Case.status == "running")
        ):
            counts[("case", department, "paused" if paused else light or "none", "")] += 1
        for department, light in session.execute(
            sa.select(TaskRecord.department, TaskRecord.light).where(TaskRecord.state == "open")
        ):
            counts[("task", department, light or "none", "")] += 1
        for department, colour, status in session.execute(sa.select(Signal.department, Signal.color, Signal.status)):
            counts[("signal", department, colour, status)] += 1
        for department, light in session.execute(
            sa.select(SupervisionItem.department, SupervisionItem.light).where(SupervisionItem.status != "closed")
        ):
            counts[("item", department, light or "none", "")] += 1
        for department, status in session.execute(sa.select(Complaint.department, Complaint.status)):
            counts[("complain", department, "", status)] += 1
    return counts


def summary(engine) -> Counter:
    return Counter({(b.kind, b.department, b.light, b.state): b.n for b in engine.cockpit.summary.counts(None)})


def complain(engine, number, department="测试局", status="submitted"):
    now = engine.clock.now()
    with engine.db.transaction() as session:
        complaint = Complaint(
            number=number, department=department, subject="窗口态度差", content="工作人员不耐烦", status=status,
            submitted_at=now, status_changed_at=now,
        )  # fmt: skip
        session.add(complaint)
        session.flush()
        return complaint.id


def change(engine, model, row_id, **values):
    with engine.db.transaction() as session:
        session.execute(sa.update(model).where(model.id == row_id).values(**values))


def supervise(engine, case_id, department="测试局"):
    with engine.db.transaction() as session:
        return open_item(
            session, engine.calendars.calendar(), engine.clock.now(), kind="overdue_step", department=department,
            summary="环节超期", case_id=case_id,
        )  # fmt: skip


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
    red = add_signal(engine, "测试局", "red", cases[1]["id"], subject="fee:1")
    yellow = add_signal(engine, "测试局", "yellow", cases[2]["id"], subject="fee:2")
    moved = add_signal(engine, "测试局", "yellow", None, subject="fee:3")
    change(engine, Signal, yellow, status="corrected")
    change(engine, Signal, moved, department="其他局", color="red")
    change(engine, Signal, red, summary="环节超时（复核）")  # a change the summary does not count
    items = [supervise(engine, cases[1]["id"]), supervise(engine, None, "其他局")]
    change(engine, SupervisionItem, items[0], status="noticed")
    change(engine, SupervisionItem, items[1], status="closed")
    complaints = [complain(engine, f"TS-{n}") for n in range(3)]
    change(engine, Complaint, complaints[0], status="accepted")
    change(engine, Complaint, complaints[1], status="forwarded", department="其他局")
    assert summary(engine) == recount(engine)
    with engine.db.transaction() as session:
        session.execute(sa.delete(Complaint).where(Complaint.id == complaints[2]))
        session.execute(sa.delete(Signal).where(Signal.id == red))
    assert summary(engine) == recount(engine)

    clock.set(at("2026-12-03T10:00"))
    engine.sweep()  # lights turn yellow; the sweep folds the summary too
    after = recount(engine)
    assert after[("case", "测试局", "yellow", "")] >= 2 and after[("case", "测试局", "paused", "")] == 1
    assert summary(engine) == after
    assert rows(engine) == len([n for n in after.values() if n])  # folded: one row per non-empty bucket

    engine.case_clock.resume(cases[2]["id"], clerk)
    clock.set(at("2026-12-22T09:00"))
    engine.sweep()
    complete(engine, fresh["id"], {"accept": "accept"})
    assert summary(engine) == recount(engine)
    counted = recount(engine)
    assert counted[("case", "测试局", "red", "")] >= 1
    assert counted[("item", "测试局", "red", "")] + counted[("item", "测试局", "yellow", "")] >= 1  # opened on red

    overview = engine.cockpit.overview(engine.identity.actor("supervisor"), record=False)
    assert overview["cases"]["red"] == counted[("case", "测试局", "red", "")]
    assert sum(overview["tasks"].values()) == sum(n for (kind, *_), n in counted.items() if kind == "task")
    assert overview["signals"]["yellow"]["corrected"] == counted[("signal", "测试局", "yellow", "corrected")] == 1
    assert overview["signals_open"] == sum(
        n for (kind, _, _, state), n in counted.items() if kind == "signal" and state == "open"
    )
    assert sum(overview["items"].values()) == sum(n for (kind, *_), n in counted.items() if kind == "item")
    assert overview["complaints"]["accepted"] == 1 and overview["complaints"]["forwarded"] == 1
    row = next(r for r in overview["departments"] if r["department"] == "测试局")
    assert row["running"] == sum(n for (kind, d, *_), n in counted.items() if kind == "case" and d == "测试局")
    assert row["items_open"] == sum(n for (kind, d, *_), n in counted.items() if kind == "item" and d == "测试局")
    assert row["signals_open"] == sum(
        n for (kind, d, _, state), n in counted.items() if kind == "signal" and d == "测试局" and state == "open"
    )


def test_a_rebuild_counts_the_tables_afresh(five_step_engine, clock):
    engine = five_step_engine
    for name in ("王五", "李四"):
        start(engine, name)
    with engine.db.transaction() as session:  # a summary gone wrong (a bulk load with its triggers off, say)
        session.add(CockpitTally(kind="case", department="测试局", light="red", n=7))
        session.add(CockpitTally(kind="signal", department="测试局", light="red", state="open", n=2))
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
    add_signal(engine, "测试局", "yellow", None, subject="fee:1")
    with engine.db.transaction() as session:
        session.execute(sa.delete(CockpitTally))  # the summary lost
    assert summary(engine) != recount(engine)
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    result = CliRunner().invoke(cli.main, ["cockpit", "rebuild"])
    assert result.exit_code == 0 and "cockpit summary rebuilt: 3 bucket(s)" in result.output
    assert summary(engine) == recount(engine)
