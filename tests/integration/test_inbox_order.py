"""The inbox's order kept on each open step by triggers (engine/models/inbox_order.py) follows every change of the
step and of its case, the inbox reads its page in that order from its parts (own steps, the unit's unassigned ones),
and its count stops at a cap."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import Case, TaskRecord
from engine.worklists import inbox as inbox_module

from ..helpers import START, complete, open_task

SEVERITY = {"red": 3, "yellow": 2}


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def start(engine, name):
    return engine.cases.start_case("TEST-0001", {"name": name}, {}, ENGINE)


def expected_order(engine):
    """The open steps in the inbox's order, counted from the step and case rows as the inbox did before."""
    with engine.db.reading() as session:
        rows = session.execute(
            sa.select(TaskRecord, Case).join(Case, TaskRecord.case_id == Case.id).where(TaskRecord.state == "open")
        ).all()

    def key(row):
        task, case = row
        rank = -max(SEVERITY.get(task.light, 0), SEVERITY.get(case.light, 0))
        dues = [d for d in (task.due_at, case.promised_due_at) if d is not None]
        due = min(dues) if dues else None
        return (rank, due is None, due or START, -task.escalation_level, task.created_at, task.id)

    return [task.id for task, _case in sorted(rows, key=key)]


def kept_order(engine):
    """Every open step's stored order against its recount."""
    with engine.db.reading() as session:
        rows = session.execute(
            sa.select(TaskRecord, Case).join(Case, TaskRecord.case_id == Case.id).where(TaskRecord.state == "open")
        ).all()
    for task, case in rows:
        dues = [d for d in (task.due_at, case.promised_due_at) if d is not None]
        rank = -max(SEVERITY.get(task.light, 0), SEVERITY.get(case.light, 0))
        assert (task.inbox_rank, task.inbox_due) == (rank, min(dues) if dues else None), task.id


def test_the_order_follows_steps_and_cases_and_the_page_comes_in_it(five_step_engine, clock):
    engine = five_step_engine
    clerk = engine.identity.actor("clerk")
    cases = [start(engine, name) for name in ("甲", "乙", "丙", "丁", "戊", "己")]
    for case in cases[:4]:
        complete(engine, case["id"], {"accept": "accept"})  # accepted: a promised limit, a step deadline
    engine.tasks.claim(open_task(engine, cases[1]["id"])["id"], clerk)  # one of them the clerk's own
    with engine.db.transaction() as session:
        session.get(Case, cases[2]["id"]).light = "red"
        session.get(Case, cases[3]["id"]).promised_due_at = START - dt.timedelta(days=3)
    kept_order(engine)
    listed = engine.inbox.tasks(clerk, per_page=100)["items"]
    assert [i["id"] for i in listed] == expected_order(engine)
    assert listed[0]["case"] == cases[2]["id"]

    clock.set(at("2026-12-03T10:00"))
    engine.sweep()  # lights of steps and cases change in the sweep
    complete(engine, cases[0]["id"], {})
    kept_order(engine)
    everything = [i["id"] for i in engine.inbox.tasks(clerk, per_page=100)["items"]]
    assert everything == expected_order(engine)
    pages = [i["id"] for p in (1, 2, 3) for i in engine.inbox.tasks(clerk, page=p, per_page=2)["items"]]
    assert pages == everything
    mine = engine.inbox.tasks(clerk, scope="mine")["items"]
    assert [i["case"] for i in mine] == [cases[1]["id"]]
    group = [i["id"] for i in engine.inbox.tasks(clerk, scope="group", per_page=100)["items"]]
    assert group == [t for t in everything if t != mine[0]["id"]]
    full = engine.inbox.tasks(clerk, per_page=100)["items"]
    for light in ("red", "yellow", "none"):  # a filter keeps the order
        filtered = [i["id"] for i in engine.inbox.tasks(clerk, light=light, per_page=100)["items"]]
        assert filtered == [i["id"] for i in full if i["light"] == light]
    assert {i["light"] for i in full} >= {"yellow"}


def test_the_count_stops_at_its_cap(five_step_engine, monkeypatch):
    engine = five_step_engine
    for name in ("甲", "乙", "丙"):
        start(engine, name)
    clerk = engine.identity.actor("clerk")
    assert engine.inbox.tasks(clerk)["total"] == 3 and not engine.inbox.tasks(clerk)["more"]
    monkeypatch.setattr(inbox_module, "COUNT_CAP", 2)
    counted = engine.inbox.tasks(clerk, per_page=1)
    assert (counted["total"], counted["more"], counted["pages"]) == (2, True, 2)
