"""Clerks' operations on open tasks: permissions, trail rows, and no effect on the case clock."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.identity.actors import ENGINE
from engine.models import Notice, User

from ..helpers import complete, open_task


@pytest.fixture
def ops(five_step_engine):
    with five_step_engine.db.transaction() as session:
        session.add(
            User(
                id="head", name="科长", department_id="T01", posts=["受理窗口", "承办人", "负责人"], roles=["official"]
            )
        )
        session.add(User(id="handler", name="承办甲", department_id="T01", posts=["承办人"], roles=["official"]))
    return five_step_engine


def actor(engine, user_id):
    return engine.identity.actor(user_id)


def started(engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, actor(engine, "citizen"))
    return case, open_task(engine, case["id"])


def last_event(engine, case_id):
    return engine.history.case_trail(case_id, ENGINE)[-1]


def notices(engine, user_id):
    with engine.db.reading() as session:
        return [
            n.kind for n in session.scalars(sa.select(Notice).where(Notice.recipient == user_id).order_by(Notice.id))
        ]


def test_assign_only_by_the_head_to_a_holder_of_the_post(ops):
    case, task = started(ops)
    with pytest.raises(PermissionDenied):
        ops.task_ops.assign(task["id"], "clerk2", actor(ops, "clerk"))
    with pytest.raises(InvalidInput):
        ops.task_ops.assign(task["id"], "handler", actor(ops, "head"))  # not a 受理窗口
    with pytest.raises(InvalidInput):
        ops.task_ops.assign(task["id"], "outsider", actor(ops, "head"))  # another department
    assigned = ops.task_ops.assign(task["id"], "clerk2", actor(ops, "head"), "窗口甲休假")
    assert assigned["assignee"] == "clerk2"
    event = last_event(ops, case["id"])
    assert (event["event"], event["actor"], event["detail"]["reason"]) == ("task_assigned", "head", "窗口甲休假")
    assert notices(ops, "clerk2") == ["task_assigned"]


def test_unclaim(ops):
    case, task = started(ops)
    with pytest.raises(Conflict):
        ops.task_ops.unclaim(task["id"], actor(ops, "clerk"))
    ops.tasks.claim(task["id"], actor(ops, "clerk"))
    with pytest.raises(PermissionDenied):
        ops.task_ops.unclaim(task["id"], actor(ops, "clerk2"))
    assert ops.task_ops.unclaim(task["id"], actor(ops, "clerk"))["assignee"] is None
    assert last_event(ops, case["id"])["event"] == "task_unclaimed"


def test_transfer_needs_a_reason_and_the_holder(ops):
    case, task = started(ops)
    ops.tasks.claim(task["id"], actor(ops, "clerk"))
    with pytest.raises(InvalidInput):
        ops.task_ops.transfer(task["id"], "clerk2", actor(ops, "clerk"), " ")
    with pytest.raises(PermissionDenied):
        ops.task_ops.transfer(task["id"], "clerk2", actor(ops, "clerk2"), "抢过来")
    moved = ops.task_ops.transfer(task["id"], "clerk2", actor(ops, "clerk"), "外出培训")
    assert moved["assignee"] == "clerk2"
    with pytest.raises(PermissionDenied):
        ops.tasks.complete(task["id"], actor(ops, "clerk"), {}, None)
    ops.tasks.complete(task["id"], actor(ops, "clerk2"), {}, "受理")
    assert [e["event"] for e in ops.history.case_trail(case["id"], ENGINE)].count("task_transferred") == 1


def test_delegate_and_take_back(ops):
    case, task = started(ops)
    ops.tasks.claim(task["id"], actor(ops, "clerk"))
    delegated = ops.task_ops.delegate(task["id"], "clerk2", actor(ops, "clerk"), "请核对材料")
    assert (delegated["assignee"], delegated["owner"]) == ("clerk2", "clerk")
    with pytest.raises(Conflict):
        ops.task_ops.delegate(task["id"], "head", actor(ops, "clerk2"))
    back = ops.task_ops.give_back(task["id"], actor(ops, "clerk2"), "材料齐全")
    assert (back["assignee"], back["owner"]) == ("clerk", None)
    events = [e["event"] for e in ops.history.case_trail(case["id"], ENGINE)]
    assert events[-2:] == ["task_delegated", "task_delegation_returned"]
    assert notices(ops, "clerk") == ["task_returned"]


def test_urge_is_limited_per_day_and_needs_sight_of_the_case(ops, clock):
    case, task = started(ops)
    ops.tasks.claim(task["id"], actor(ops, "clerk"))
    with pytest.raises(PermissionDenied):
        ops.task_ops.urge(task["id"], actor(ops, "outsider"))
    ops.task_ops.urge(task["id"], actor(ops, "citizen"), "请尽快受理")
    with pytest.raises(Conflict):
        ops.task_ops.urge(task["id"], actor(ops, "citizen"))
    clock.advance(days=1)
    ops.task_ops.urge(task["id"], actor(ops, "citizen"))
    assert notices(ops, "clerk") == ["task_urged", "task_urged"]


def test_carbon_copy_grants_read_only_sight(ops):
    case, task = started(ops)
    ops.tasks.claim(task["id"], actor(ops, "clerk"))
    with pytest.raises(PermissionDenied):
        ops.cases.get_case(case["id"], actor(ops, "outsider"))
    with pytest.raises(InvalidInput):
        ops.task_ops.carbon_copy(task["id"], "outsider", actor(ops, "clerk"))
    ops.task_ops.carbon_copy(task["id"], ["outsider"], actor(ops, "clerk"), "供参阅")
    assert ops.cases.get_case(case["id"], actor(ops, "outsider"))["id"] == case["id"]
    with pytest.raises(PermissionDenied):
        ops.tasks.complete(task["id"], actor(ops, "outsider"), {}, None)
    assert notices(ops, "outsider") == ["carbon_copy"]


def test_operations_leave_the_case_clock_alone(ops):
    case, task = started(ops)
    complete(ops, case["id"], {"accept": "accept"})
    before = ops.cases.get_case(case["id"], ENGINE)["clock"]
    handle = open_task(ops, case["id"])
    ops.tasks.claim(handle["id"], actor(ops, "handler"))
    ops.task_ops.delegate(handle["id"], "head", actor(ops, "handler"))
    ops.task_ops.give_back(handle["id"], actor(ops, "head"))
    ops.task_ops.urge(handle["id"], actor(ops, "citizen"))
    assert ops.cases.get_case(case["id"], ENGINE)["clock"] == before
    assert ops.history.verify().ok


def test_operations_over_http(ops):
    from web import create_app

    client = create_app(shenpi=ops, testing=True).test_client()
    case, task = started(ops)
    head = {"Authorization": f"Bearer {ops.identity.create_token('head')}"}
    clerk = {"Authorization": f"Bearer {ops.identity.create_token('clerk')}"}
    assert client.post(f"/api/v1/tasks/{task['id']}/assign", headers=clerk, json={"to": "clerk2"}).status_code == 403
    assert (
        client.post(f"/api/v1/tasks/{task['id']}/assign", headers=head, json={"to": "clerk"}).get_json()["assignee"]
        == "clerk"
    )
    assert client.post(f"/api/v1/tasks/{task['id']}/transfer", headers=clerk, json={"to": "clerk2"}).status_code == 400
    assert (
        client.post(f"/api/v1/tasks/{task['id']}/copy", headers=clerk, json={"recipients": ["nobody"]}).status_code
        == 404
    )
    assert client.post(f"/api/v1/tasks/{task['id']}/urge", headers=head, json={}).status_code == 200


def test_backup_official_acts_while_the_holder_is_absent(ops, clock):
    import datetime as dt

    with ops.db.transaction() as session:
        session.get(User, "clerk").backup_user_id = "clerk2"
    case, task = started(ops)
    ops.tasks.claim(task["id"], actor(ops, "clerk"))
    with pytest.raises(PermissionDenied):
        ops.tasks.complete(task["id"], actor(ops, "clerk2"), {}, None)
    with pytest.raises(PermissionDenied):
        ops.identity.set_absence("clerk", clock.now(), clock.now() + dt.timedelta(days=2), actor(ops, "clerk2"))
    ops.identity.set_absence("clerk", clock.now(), clock.now() + dt.timedelta(days=2), actor(ops, "clerk"))
    with pytest.raises(PermissionDenied):
        ops.tasks.complete(task["id"], actor(ops, "outsider"), {}, None)
    ops.tasks.complete(task["id"], actor(ops, "clerk2"), {}, "代为受理")
    acted = [r for r in ops.history.case_trail(case["id"], ENGINE) if r["event"] == "task_acted_for"]
    assert acted[0]["actor"] == "clerk2" and acted[0]["detail"]["holder"] == "clerk"
    clock.advance(days=3)  # back from leave: the backup no longer stands in
    nxt = open_task(ops, case["id"])
    ops.tasks.claim(nxt["id"], actor(ops, "handler"))
    with ops.db.transaction() as session:
        session.get(User, "handler").backup_user_id = "head"
    ops.identity.set_absence(
        "handler", clock.now() - dt.timedelta(days=5), clock.now() - dt.timedelta(days=1), actor(ops, "admin")
    )
    with pytest.raises(PermissionDenied):
        ops.tasks.complete(nxt["id"], actor(ops, "head"), {}, None)
    with pytest.raises(InvalidInput):
        ops.identity.set_absence("outsider", clock.now(), clock.now() + dt.timedelta(days=1), actor(ops, "admin"))
