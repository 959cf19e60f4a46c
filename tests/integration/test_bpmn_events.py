"""BPMN events as a matter's flow uses them: an event-based gateway waiting for a message or a timer, whichever comes
first (the other wait is dropped; SpiffWorkflow keeps both on the gateway, so both are projected from it); an error
end event caught by its subprocess's boundary; a non-interrupting escalation boundary; a signal between parallel
branches; an inclusive gateway opening the departments' reviews whose condition holds (按需并联); a standard loop. On both databases."""

from __future__ import annotations

import pytest

from engine.errors import NotFound
from engine.identity.actors import ENGINE, EXCHANGE, Actor

from ..helpers import FIVE_STEP_ENTRY, add_people, complete, open_task
from .bpmn_events_flows import ERROR_BOUNDARY, EVENT_GATEWAY, INCLUSIVE, LOOP, SIGNAL

WINDOW = Actor(id="window_api", name="补正材料接口", roles=(EXCHANGE,), department="测试局")


def publish(engine, content: str, key: str, code: str):
    engine.repository.deploy(content.encode(), f"{key}.bpmn", actor="admin")
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "code": code, "key": key, "process_file": f"{key}.bpmn"}, "admin")
    add_people(engine)
    return engine


@pytest.fixture
def waiting(bare_engine):
    """A case told to supplement its materials: it waits for them or for the end of the five days."""
    engine = publish(bare_engine, EVENT_GATEWAY, "wait_docs", "DOCS-1")
    case = engine.cases.start_case("DOCS-1", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {})
    assert [w["name"] for w in engine.messages.waiting(case["id"])] == ["补正材料"]
    return engine, case


def test_the_message_comes_first_and_the_timer_is_dropped(waiting, clock):
    engine, case = waiting
    engine.messages.deliver(WINDOW, "补正材料", case=case["number"], data={"documents": ["营业执照"]})
    assert open_task(engine, case["id"])["name"] == "审查"
    assert engine.messages.waiting(case["id"]) == []
    clock.advance(days=6)
    engine.periodic.run("timers")
    assert open_task(engine, case["id"])["name"] == "审查"  # the timer went with the path not taken
    complete(engine, case["id"], {})
    assert engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"


def test_the_timer_comes_first_and_the_message_is_no_longer_awaited(waiting, clock):
    engine, case = waiting
    clock.advance(days=5, seconds=1)
    engine.periodic.run("timers")
    ended = engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", "refused")
    assert engine.messages.waiting(case["id"]) == []
    with pytest.raises(NotFound):
        engine.messages.deliver(WINDOW, "补正材料", case=case["number"])


@pytest.fixture
def inspecting(bare_engine):
    """A case at its on-site inspection, inside a subprocess with an error boundary (核查不合格 ends it as denied) and
    a non-interrupting escalation boundary (提请领导关注 opens 领导阅示 beside it)."""
    engine = publish(bare_engine, ERROR_BOUNDARY, "site_check", "SITE-2")
    case = engine.cases.start_case("SITE-2", {"name": "张三"}, {}, ENGINE)
    assert open_task(engine, case["id"])["name"] == "核查"
    return engine, case


@pytest.mark.parametrize(("result", "outcome"), [("pass", "approved"), ("fail", "denied")])
def test_an_error_end_event_is_caught_by_the_boundary_of_its_subprocess(inspecting, result, outcome):
    engine, case = inspecting
    complete(engine, case["id"], {"result": result})
    if result == "pass":
        assert open_task(engine, case["id"])["name"] == "决定"
        complete(engine, case["id"], {})
    ended = engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", outcome)
    events = [e["event"] for e in engine.history.case_trail(case["id"], ENGINE)]
    assert "event_uncaught" not in events


def test_an_escalation_is_caught_beside_the_subprocess_which_goes_on(inspecting):
    engine, case = inspecting
    complete(engine, case["id"], {"result": "doubt"})
    names = sorted(t["name"] for t in engine.tasks.list_tasks(ENGINE, case=case["id"]))
    assert names == ["决定", "领导阅示"]
    for task in engine.tasks.list_tasks(ENGINE, case=case["id"]):
        engine.tasks.complete(task["id"], engine.identity.actor("clerk"), {}, "同意")
    ended = engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", "approved")


def test_a_signal_thrown_in_one_branch_releases_the_other(bare_engine):
    """The review waits for the signal 材料齐备, which the other branch throws once the materials are collected."""
    engine = publish(bare_engine, SIGNAL, "joint_check", "JOINT-2")
    case = engine.cases.start_case("JOINT-2", {"name": "张三"}, {}, ENGINE)
    assert open_task(engine, case["id"])["name"] == "收齐材料"
    complete(engine, case["id"], {})
    assert open_task(engine, case["id"])["name"] == "审查"
    complete(engine, case["id"], {})
    ended = engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", "approved")


@pytest.mark.parametrize(
    ("answers", "reviews"),
    [
        ({"fire": True, "environment": True}, ["消防审查", "环保审查"]),
        ({"fire": False, "environment": True}, ["环保审查"]),
        ({"fire": False, "environment": False}, ["规划审查"]),  # none holds: the default flow
    ],
)
def test_an_inclusive_gateway_opens_the_reviews_whose_condition_holds_and_waits_for_them(bare_engine, answers, reviews):
    """按需并联: the departments whose condition holds review in parallel; the decision waits for each of them."""
    engine = publish(bare_engine, INCLUSIVE, "joint_review", "JOINT-3")
    case = engine.cases.start_case("JOINT-3", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], answers)
    opened = engine.tasks.list_tasks(ENGINE, case=case["id"])
    assert sorted(t["name"] for t in opened) == sorted(reviews)
    assert {t["post"] for t in opened} == set(reviews)  # each review in its department's lane
    for done, task in enumerate(opened, start=1):
        engine.tasks.complete(task["id"], ENGINE, {}, "同意")
        names = open_task_names(engine, case["id"])
        assert names == (["决定"] if done == len(opened) else sorted(t["name"] for t in opened[done:]))
    engine.tasks.complete(open_task(engine, case["id"])["id"], ENGINE, {}, "同意")
    assert engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"


def open_task_names(engine, case_id) -> list[str]:
    return sorted(t["name"] for t in engine.tasks.list_tasks(ENGINE, case=case_id))


def test_a_standard_loop_repeats_its_step_while_its_condition_holds(bare_engine):
    """核对材料 loops while the materials are not complete (loopCondition ``not complete``), each round a step of its
    own in the inbox and the trail."""
    engine = publish(bare_engine, LOOP, "until_complete", "LOOP-1")
    case = engine.cases.start_case("LOOP-1", {"name": "张三"}, {}, ENGINE)
    rounds = []
    for complete_now in (False, False, True):
        task = open_task(engine, case["id"])
        rounds.append(task["id"])
        engine.tasks.complete(task["id"], ENGINE, {"complete": complete_now}, "核对")
    assert len(set(rounds)) == 3
    assert engine.tasks.list_tasks(ENGINE, case=case["id"]) == []
    assert engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"
