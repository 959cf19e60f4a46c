"""Withdraw, return and jump: the workflow moves back, later steps are withdrawn, the trail says who and why."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.identity.actors import ENGINE

from ..helpers import complete, open_task


def actor(engine, user_id):
    return engine.identity.actor(user_id)


def test_withdraw_own_step_before_the_next_starts(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    accept = open_task(five_step_engine, case["id"])
    five_step_engine.tasks.complete(accept["id"], actor(five_step_engine, "clerk"), {"accept": "accept"}, "受理")
    handle = open_task(five_step_engine, case["id"])
    with pytest.raises(PermissionDenied):
        five_step_engine.flow_ops.withdraw(accept["id"], actor(five_step_engine, "clerk2"), "不是我办的")
    with pytest.raises(InvalidInput):
        five_step_engine.flow_ops.withdraw(accept["id"], actor(five_step_engine, "clerk"), "")
    five_step_engine.flow_ops.withdraw(accept["id"], actor(five_step_engine, "clerk"), "受理意见填写有误")
    view = five_step_engine.cases.get_case(case["id"], ENGINE)
    assert [t["element"] for t in view["tasks"]] == ["Task_Accept"] and view["tasks"][0]["id"] == accept["id"]
    assert any(h["id"] == handle["id"] and h["state"] == "withdrawn" for h in view["history"])
    five_step_engine.store.clear()  # the reset survives a reload
    five_step_engine.tasks.complete(accept["id"], actor(five_step_engine, "clerk"), {"accept": "accept"}, "重新受理")
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Handle"
    events = [r["event"] for r in five_step_engine.history.case_trail(case["id"], ENGINE)]
    assert "task_withdrawn" in events and five_step_engine.history.verify().ok


def test_withdraw_refused_once_the_next_step_started(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    accept = open_task(five_step_engine, case["id"])
    five_step_engine.tasks.complete(accept["id"], actor(five_step_engine, "clerk"), {}, None)
    five_step_engine.tasks.claim(open_task(five_step_engine, case["id"])["id"], actor(five_step_engine, "clerk2"))
    with pytest.raises(Conflict):
        five_step_engine.flow_ops.withdraw(accept["id"], actor(five_step_engine, "clerk"), "想撤回")


def test_return_to_previous_and_to_an_earlier_step(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for data in ({}, {}):
        complete(five_step_engine, case["id"], data)
    review = open_task(five_step_engine, case["id"])
    assert review["element"] == "Task_Review"
    with pytest.raises(PermissionDenied):
        five_step_engine.flow_ops.return_to(review["id"], actor(five_step_engine, "outsider"), "退回")
    clock_before = five_step_engine.cases.get_case(case["id"], ENGINE)["clock"]
    result = five_step_engine.flow_ops.return_to(review["id"], actor(five_step_engine, "clerk"), "材料不全，退回承办")
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["clock"] == clock_before  # the case clock runs on
    assert (
        result["returned_to"] == "Task_Handle" and open_task(five_step_engine, case["id"])["element"] == "Task_Handle"
    )
    complete(five_step_engine, case["id"], {})
    review = open_task(five_step_engine, case["id"])
    five_step_engine.flow_ops.return_to(
        review["id"], actor(five_step_engine, "clerk"), "重新受理", target="Task_Accept"
    )
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Accept"
    with pytest.raises(InvalidInput):
        five_step_engine.flow_ops.return_to(
            open_task(five_step_engine, case["id"])["id"], actor(five_step_engine, "clerk"), "无处可退"
        )
    for data in ({}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(five_step_engine, case["id"], data)
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"
    returned = [r for r in five_step_engine.history.case_trail(case["id"], ENGINE) if r["event"] == "task_returned"]
    assert [r["detail"]["to"] for r in returned] == ["Task_Handle", "Task_Accept"]


def test_jump_is_for_supervisors(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for data in ({}, {}):
        complete(five_step_engine, case["id"], data)
    review = open_task(five_step_engine, case["id"])
    with pytest.raises(PermissionDenied):
        five_step_engine.flow_ops.return_to(
            review["id"], actor(five_step_engine, "clerk"), "跳转", "Task_Accept", jump=True
        )
    five_step_engine.flow_ops.return_to(
        review["id"], actor(five_step_engine, "supervisor"), "督办纠错：重新受理", "Task_Accept", jump=True
    )
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Accept"
    assert five_step_engine.history.case_trail(case["id"], ENGINE)[-1]["event"] in ("case_jumped", "task")


def test_return_in_a_catalogue_flow_restarts_the_step_timers(five_step_engine):
    from demo import seed as demo

    from ..helpers import PROCESSES

    five_step_engine.catalogue.import_directory(PROCESSES)
    demo.seed_people(five_step_engine)
    case = five_step_engine.cases.start_case("410104-XK-SP-001", {"name": "张三"}, {}, ENGINE)
    five_step_engine.tasks.complete(case["tasks"][0]["id"], ENGINE, {"accept": "accept"}, "受理")
    review = open_task(five_step_engine, case["id"])
    five_step_engine.flow_ops.return_to(review["id"], ENGINE, "退回受理")
    again = open_task(five_step_engine, case["id"])
    assert again["element"] == "Task_Accept" and again["due_at"] is not None
    import sqlalchemy as sa

    from engine.models import PendingTimer

    with five_step_engine.db.reading() as session:
        elements = sorted(session.scalars(sa.select(PendingTimer.element_id).where(PendingTimer.case_id == case["id"])))
    assert elements == ["Timer_Limit_Accept", "Timer_Warning_Accept"]


def test_flow_operations_over_http(five_step_engine):
    from web import create_app

    client = create_app(shenpi=five_step_engine, testing=True).test_client()
    clerk = {"Authorization": f"Bearer {five_step_engine.identity.create_token('clerk')}"}
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    accept = open_task(five_step_engine, case["id"])
    client.post(f"/api/v1/tasks/{accept['id']}/complete", headers=clerk, json={"opinion": "受理"})
    assert client.post(f"/api/v1/tasks/{accept['id']}/withdraw", headers=clerk, json={}).status_code == 400
    assert (
        client.post(f"/api/v1/tasks/{accept['id']}/withdraw", headers=clerk, json={"reason": "填写有误"}).status_code
        == 200
    )
    accept = open_task(five_step_engine, case["id"])
    assert (
        client.post(f"/api/v1/tasks/{accept['id']}/return", headers=clerk, json={"reason": "无上一步"}).status_code
        == 400
    )
    assert client.post(f"/api/v1/tasks/{accept['id']}/jump", headers=clerk, json={"reason": "跳转"}).status_code == 403
    supervisor = {"Authorization": f"Bearer {five_step_engine.identity.create_token('supervisor')}"}
    refused = client.post(
        f"/api/v1/tasks/{accept['id']}/jump", headers=supervisor, json={"reason": "跳到审批", "target": "Task_Approve"}
    )
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_input"
    jumped = client.post(
        f"/api/v1/tasks/{accept['id']}/jump", headers=supervisor, json={"reason": "督办纠错", "target": "Task_Review"}
    )
    assert jumped.status_code == 200 and jumped.get_json()["jumped_to"] == "Task_Review"


def test_jump_forward_skips_the_steps_between(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    accept = open_task(five_step_engine, case["id"])
    supervisor = actor(five_step_engine, "supervisor")
    with pytest.raises(PermissionDenied):
        five_step_engine.flow_ops.jump(accept["id"], actor(five_step_engine, "clerk"), "跳过", "Task_Review")
    with pytest.raises(InvalidInput):
        five_step_engine.flow_ops.jump(accept["id"], supervisor, "", "Task_Review")
    with pytest.raises(InvalidInput, match="neither an earlier step"):
        five_step_engine.flow_ops.jump(accept["id"], supervisor, "跳过", "Task_Nowhere")
    result = five_step_engine.flow_ops.jump(accept["id"], supervisor, "督办纠错：材料已由窗口核验", "Task_Review")
    assert result["skipped"] == ["Task_Accept", "Task_Handle"]
    view = five_step_engine.cases.get_case(case["id"], ENGINE)
    assert [t["element"] for t in view["tasks"]] == ["Task_Review"]
    skipped = {h["element"]: h for h in view["history"] if h["state"] == "skipped"}
    assert set(skipped) == {"Task_Accept", "Task_Handle"}
    assert all(h["completed_by"] == "supervisor" for h in skipped.values())
    trail_rows = five_step_engine.history.case_trail(case["id"], ENGINE)
    jumped = [r for r in trail_rows if r["event"] == "case_jumped"]
    assert jumped[-1]["actor"] == "supervisor" and jumped[-1]["detail"]["skipped"] == ["Task_Accept", "Task_Handle"]
    closed = [r for r in trail_rows if r["event"] == "task" and r["element"] in skipped and r["to"] == "completed"]
    assert len(closed) == 2 and all(r["actor"] == "supervisor" and r["detail"]["skipped"] for r in closed)
    five_step_engine.store.clear()  # the jump survives a reload
    for data in ({"review": "ok"}, {"approval": "approve"}, {}):
        complete(five_step_engine, case["id"], data)
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"
    assert five_step_engine.history.verify().ok


def test_jump_forward_refuses_to_guess_a_skipped_decision(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    accept = open_task(five_step_engine, case["id"])
    with pytest.raises(InvalidInput, match="cannot jump past Task_Review"):
        five_step_engine.flow_ops.jump(accept["id"], actor(five_step_engine, "supervisor"), "跳到审批", "Task_Approve")
    view = five_step_engine.cases.get_case(case["id"], ENGINE)  # nothing of the refused jump remains
    assert [t["element"] for t in view["tasks"]] == ["Task_Accept"] and view["tasks"][0]["id"] == accept["id"]
    assert not any(h["state"] == "skipped" for h in view["history"])
    complete(five_step_engine, case["id"], {})
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Handle"
