from __future__ import annotations

import pytest

from engine.errors import Conflict, InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity.actors import ENGINE

from ..helpers import FIXTURES, complete, open_task


def actor(engine, user_id):
    return engine.identity.actor(user_id)


def test_case_runs_to_approval_with_projection_and_trail(five_step_engine):
    case = five_step_engine.cases.start_case(
        "TEST-0001", {"name": "张三"}, {"shop": "便民超市"}, actor(five_step_engine, "citizen")
    )
    assert case["status"] == "running" and case["process"]["version"] == 1
    assert [t["name"] for t in case["tasks"]] == ["受理"]
    assert case["tasks"][0]["lane"] == "受理窗口" and case["tasks"][0]["department"] == "测试局"
    names = []
    for data in ({}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        names.append(complete(five_step_engine, case["id"], data)["name"])
    assert names == ["受理", "承办", "审核", "批准", "制证发证"]
    final = five_step_engine.cases.get_case(case["id"], ENGINE)
    assert final["status"] == "ended" and final["outcome"] == "approved" and final["tasks"] == []
    assert [h["completed_by"] for h in final["history"]] == ["clerk"] * 5
    trail = five_step_engine.history.case_trail(case["id"], ENGINE)
    assert trail[0]["event"] == "case_started" and trail[-1]["event"] == "case_ended"
    completions = [r for r in trail if r["event"] == "task" and r["to"] == "completed" and r["actor"] == "clerk"]
    assert [r["element"] for r in completions] == [
        "Task_Accept",
        "Task_Handle",
        "Task_Review",
        "Task_Approve",
        "Task_Issue",
    ]
    assert all(r["data_digest"] for r in completions)
    assert completions[0]["detail"] == {"opinion": "同意"}


def test_denial_and_revision_loop(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "李四"}, {}, ENGINE)
    complete(five_step_engine, case["id"], {})
    for _ in range(3):
        complete(five_step_engine, case["id"], {})
        complete(five_step_engine, case["id"], {"review": "revise"})
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Handle"
    complete(five_step_engine, case["id"], {})
    complete(five_step_engine, case["id"], {"review": "approve"})
    complete(five_step_engine, case["id"], {"approval": "deny"}, opinion="不符合法定条件")
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["outcome"] == "denied"


def test_state_survives_a_restart_at_every_step(five_step_engine):
    """Dropping the in-memory cache before each step rebuilds the workflow from snapshot + journal."""
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "王五"}, {"amount": 3}, ENGINE)
    for data in ({}, {}, {"review": "revise"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        five_step_engine.store.clear()
        complete(five_step_engine, case["id"], data)
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"


def test_long_case_compacts_its_journal(five_step_engine):
    from engine.runtime import workflow_store

    case = five_step_engine.cases.start_case("TEST-0001", {"name": "赵六"}, {}, ENGINE)
    complete(five_step_engine, case["id"], {})
    for _ in range(workflow_store.COMPACT_AFTER // 2 + 2):
        complete(five_step_engine, case["id"], {})
        complete(five_step_engine, case["id"], {"review": "revise"})
    five_step_engine.store.clear()
    complete(five_step_engine, case["id"], {})  # loads a long journal, then writes a fresh snapshot
    from engine.models import WorkflowJournal

    with five_step_engine.db.reading() as session:
        assert session.query(WorkflowJournal).filter_by(case_id=case["id"]).count() == 0
    five_step_engine.store.clear()
    complete(five_step_engine, case["id"], {"review": "approve"})
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Approve"


def test_running_case_stays_on_its_version(five_step_engine):
    old = five_step_engine.cases.start_case("TEST-0001", {"name": "甲"}, {}, ENGINE)
    changed = (
        (FIXTURES / "five_step.bpmn")
        .read_bytes()
        .replace(b'name="\xe5\x8f\x97\xe7\x90\x86"', 'name="窗口受理"'.encode())
    )
    assert changed != (FIXTURES / "five_step.bpmn").read_bytes()
    v2 = five_step_engine.repository.deploy(changed, "five_step.bpmn")
    assert v2["version"] == 2
    new = five_step_engine.cases.start_case("TEST-0001", {"name": "乙"}, {}, ENGINE)
    assert new["process"]["version"] == 2 and new["tasks"][0]["name"] == "窗口受理"
    five_step_engine.store.clear()
    assert open_task(five_step_engine, old["id"])["name"] == "受理"
    complete(five_step_engine, old["id"], {})
    assert five_step_engine.cases.get_case(old["id"], ENGINE)["process"]["version"] == 1


def test_terminate(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "丙"}, {}, ENGINE)
    with pytest.raises(InvalidInput):
        five_step_engine.cases.terminate(case["id"], actor(five_step_engine, "clerk"), "  ")
    with pytest.raises(PermissionDenied):
        five_step_engine.cases.terminate(case["id"], actor(five_step_engine, "outsider"), "申请人撤回申请")
    ended = five_step_engine.cases.terminate(case["id"], actor(five_step_engine, "clerk"), "申请人撤回申请")
    assert ended["status"] == "ended" and ended["outcome"] == "terminated" and ended["tasks"] == []
    assert ended["history"][0]["state"] == "cancelled"
    with pytest.raises(InvalidState):
        five_step_engine.cases.terminate(case["id"], ENGINE, "again")


def test_permissions_and_claim(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "丁"}, {}, actor(five_step_engine, "citizen"))
    task = open_task(five_step_engine, case["id"])
    with pytest.raises(PermissionDenied):
        five_step_engine.tasks.complete(task["id"], actor(five_step_engine, "outsider"), {}, None)
    with pytest.raises(PermissionDenied):
        five_step_engine.cases.get_case(case["id"], actor(five_step_engine, "outsider"))
    assert five_step_engine.cases.get_case(case["id"], actor(five_step_engine, "citizen"))["id"] == case["id"]
    assert five_step_engine.tasks.list_tasks(actor(five_step_engine, "outsider")) == []
    claimed = five_step_engine.tasks.claim(task["id"], actor(five_step_engine, "clerk"))
    assert claimed["assignee"] == "clerk"
    with pytest.raises(Conflict):
        five_step_engine.tasks.claim(task["id"], actor(five_step_engine, "clerk2"))
    with pytest.raises(PermissionDenied):
        five_step_engine.tasks.complete(task["id"], actor(five_step_engine, "clerk2"), {}, None)
    five_step_engine.tasks.complete(task["id"], actor(five_step_engine, "clerk"), {}, None)
    events = [r["event"] for r in five_step_engine.history.case_trail(case["id"], ENGINE)]
    assert "task_claimed" in events


def test_bad_input_is_refused_and_changes_nothing(five_step_engine):
    with pytest.raises(NotFound):
        five_step_engine.cases.start_case("NO-SUCH", {"name": "x"}, {}, ENGINE)
    with pytest.raises(InvalidInput):
        five_step_engine.cases.start_case("TEST-0001", {"nom": "x"}, {}, ENGINE)
    with pytest.raises(InvalidInput):
        five_step_engine.cases.start_case("TEST-0001", {"name": "x"}, {"__class__": 1}, ENGINE)
    with pytest.raises(InvalidInput):
        five_step_engine.cases.start_case("TEST-0001", {"name": "x"}, ["not", "a", "dict"], ENGINE)
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "x"}, {}, ENGINE)
    task = open_task(five_step_engine, case["id"])
    with pytest.raises(InvalidInput):
        five_step_engine.tasks.complete(task["id"], ENGINE, {"bad key": 1}, None)
    with pytest.raises(NotFound):
        five_step_engine.tasks.complete("not-a-uuid", ENGINE, {}, None)
    assert open_task(five_step_engine, case["id"])["id"] == task["id"]
    assert five_step_engine.history.verify().ok


def test_failed_step_rolls_back_everything(five_step_engine):
    """A gateway condition that cannot be evaluated leaves the case exactly where it was."""
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "x"}, {}, ENGINE)
    for data in ({}, {}, {"review": "approve"}):
        complete(five_step_engine, case["id"], data)
    approve = open_task(five_step_engine, case["id"])
    before = five_step_engine.history.case_trail(case["id"], ENGINE)
    with pytest.raises(InvalidInput):
        five_step_engine.tasks.complete(approve["id"], ENGINE, {}, None)  # `approval` missing: condition fails
    assert open_task(five_step_engine, case["id"])["id"] == approve["id"]
    assert five_step_engine.history.case_trail(case["id"], ENGINE) == before
    five_step_engine.tasks.complete(approve["id"], ENGINE, {"approval": "approve"}, None)
    assert open_task(five_step_engine, case["id"])["element"] == "Task_Issue"
    assert five_step_engine.history.verify().ok


def test_journal_leaves_out_unchanged_tasks_ahead_and_restores_the_same_workflow(five_step_engine):
    """A step's journal entry holds what changed (the completed task, the one it opened, parents of new tasks), not
    every predicted task again; snapshot plus journal rebuild, at every step, the workflow the step left."""
    import json

    import sqlalchemy as sa

    from engine.models import Case, WorkflowJournal

    store = five_step_engine.store
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "孙七"}, {}, ENGINE)
    entries = []
    for data in ({}, {}, {"review": "revise"}, {}, {"review": "approve"}, {"approval": "approve"}):
        complete(five_step_engine, case["id"], data)
        live = store._cache[case["id"]]
        with five_step_engine.db.connect() as connection:
            entry = connection.execute(
                sa.select(WorkflowJournal.delta)
                .where(WorkflowJournal.case_id == case["id"])
                .order_by(WorkflowJournal.seq.desc())
                .limit(1)
            ).scalar_one()
            entries.append(json.loads(entry))
            row = connection.execute(sa.select(Case).where(Case.id == case["id"])).one()
            restored = store._load(connection, case["id"], row.definition_id, row.lock_version)
        saved, kept = store.codec.snapshot(restored.wf), store.codec.snapshot(live.wf)
        for state in (saved, kept):  # SpiffWorkflow's "delta" (a task's record of its data changes) of an earlier
            for task in state["tasks"].values():  # step can differ after a restore, as it did before entries were
                task.pop("delta", None)  # trimmed: it is not read back by the engine
        assert saved == kept
        assert restored.states == live.states
    handled = entries[1]  # 承办 completed, 审核 opened: the gateways and ends ahead are as they were
    assert sorted(task["task_spec"] for task in handled["tasks"].values()) == ["Task_Handle", "Task_Review"]
