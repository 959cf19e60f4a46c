"""Unit scoping: officials see their department; supervisors see the unit their bureau belongs to and below."""

from __future__ import annotations

import pytest

from engine.errors import PermissionDenied
from engine.identity.actors import ENGINE

from ..helpers import open_task


def test_supervisor_scope_is_the_parent_unit_and_everything_below(five_step_engine):
    near = five_step_engine.identity.actor("supervisor")
    far = five_step_engine.identity.actor("far_supervisor")
    assert set(near.supervised) == {"测试市人民政府", "测试市监察局", "测试局", "其他局"}
    assert set(far.supervised) == {"外县人民政府", "外县监察局"}
    assert near.oversees("测试局") and not far.oversees("测试局")
    assert not five_step_engine.identity.actor("clerk").oversees("测试局")


def test_cases_and_tasks_are_seen_within_scope_only(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    task = open_task(five_step_engine, case["id"])
    for user in ("supervisor", "clerk", "admin"):
        actor = five_step_engine.identity.actor(user)
        assert [c["id"] for c in five_step_engine.cases.list_cases(actor)] == [case["id"]]
        assert five_step_engine.cases.get_case(case["id"], actor)["id"] == case["id"]
        assert [t["id"] for t in five_step_engine.tasks.list_tasks(actor)] == [task["id"]]
    for user in ("far_supervisor", "outsider"):
        actor = five_step_engine.identity.actor(user)
        assert five_step_engine.cases.list_cases(actor) == [] and five_step_engine.tasks.list_tasks(actor) == []
        with pytest.raises(PermissionDenied):
            five_step_engine.cases.get_case(case["id"], actor)
        with pytest.raises(PermissionDenied):
            five_step_engine.tasks.get_task(task["id"], actor)
    with pytest.raises(PermissionDenied):
        five_step_engine.flow_ops.jump(
            task["id"], five_step_engine.identity.actor("far_supervisor"), "跳转", "Task_Review"
        )
