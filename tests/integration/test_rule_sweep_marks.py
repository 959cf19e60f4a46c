"""The sweep's rules after a case's end select only the cases already past their deadline, read in the order of their
end from the sweep's mark: a case judged once is not read again, a case not yet due is not read at all, a case whose
judging fails is tried again, and a run at an earlier instant (or with other parameters) reads its whole window."""

from __future__ import annotations

import datetime as dt

from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import SweepMark

from ..helpers import APPROVE, complete

RULE = "result_not_published"


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def ended_case(engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for step in APPROVE:
        complete(engine, case["id"], step)
    return case["id"]


def due(engine, when):
    return engine.violations.sweep.due_cases(RULE, when)


def mark(engine):
    with engine.db.reading() as session:
        found = session.get(SweepMark, f"rule:{RULE}")
        return None if found is None else found.at


def flagged(engine):
    return {s["case_id"] for s in engine.violations.signals.list_signals(ENGINE) if s["rule"] == RULE}


def test_only_cases_past_their_deadline_are_read_and_each_once(five_step_engine, clock):
    """Seed rule: 办件办结后 days 个工作日内未公开办理结果 (days 1: due at the close of the next working day)."""
    engine = five_step_engine
    monday = ended_case(engine)  # ends Monday 2026-11-23: due at the close of Tuesday
    clock.set(at("2026-11-24T10:00"))
    tuesday = ended_case(engine)  # due at the close of Wednesday
    assert due(engine, at("2026-11-24T17:00")) == []  # nobody past the deadline: nothing read
    assert due(engine, at("2026-11-25T09:00")) == [monday]

    clock.set(at("2026-11-25T09:00"))
    engine.sweep()
    assert flagged(engine) == {monday}
    assert due(engine, at("2026-11-25T09:00")) == []
    assert mark(engine) >= at("2026-11-24T00:00")  # Monday's end is behind the mark: never read again

    clock.set(at("2026-11-26T09:00"))
    engine.sweep()
    assert flagged(engine) == {monday, tuesday}
    assert due(engine, at("2026-11-26T09:00")) == []


def test_a_case_whose_judging_fails_holds_the_mark_and_is_tried_again(five_step_engine, clock, monkeypatch):
    engine = five_step_engine
    broken, fine = ended_case(engine), ended_case(engine)
    sweep = engine.violations.sweep
    judge = type(sweep)._late_after_end

    def failing(session, calendar, as_of, name, case):
        if case.id == broken:
            raise RuntimeError("a notice that cannot be built")
        return judge(session, calendar, as_of, name, case)

    monkeypatch.setattr(type(sweep), "_late_after_end", staticmethod(failing))
    clock.set(at("2026-11-25T09:00"))
    assert engine.sweep()["incidents"]["opened"] >= 1
    assert flagged(engine) == {fine}
    assert due(engine, clock.now()) == [broken]  # the mark stays at it: every later run reads it again
    monkeypatch.setattr(type(sweep), "_late_after_end", staticmethod(judge))
    clock.set(at("2026-11-27T09:00"))  # after the incident's backoff
    engine.sweep()
    assert flagged(engine) == {broken, fine}


def test_an_earlier_instant_or_other_parameters_read_the_whole_window(five_step_engine, clock):
    engine = five_step_engine
    case_id = ended_case(engine)
    assert due(engine, at("2026-11-26T09:00")) == [case_id]
    due(engine, at("2026-12-20T09:00"))  # a sweep --as-of far ahead moves the mark past the case
    assert due(engine, at("2026-11-26T09:00")) == [case_id]  # a run at an earlier instant does not trust it
    due(engine, at("2026-11-30T09:00"))
    engine.violations.rules.set_config(engine.identity.actor("admin"), RULE, "common", True, {"days": 2}, None)
    assert due(engine, at("2026-11-30T09:00")) == [case_id]  # other parameters: the window again
