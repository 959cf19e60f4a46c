"""Running cases move to another version of their process (engine/runtime/migration.py), on SQLite and PostgreSQL:
same ids map by themselves, others by the mapping; an open step without a target refuses its case and the others
still move; timers are counted again from the new definition (pauses respected); claims and form data stay; each
moved case is a ``case_migrated`` trail event; a moved case runs to its end on the new version, a joint sign-off
included."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import sqlalchemy as sa
from lxml import etree

from demo import seed as demo
from engine.errors import InvalidInput, PermissionDenied
from engine.identity.actors import ENGINE
from engine.models import Case, PendingTimer, TaskRecord

from ..helpers import APPROVE, FIXTURES, PROCESSES, START, complete, events, open_task, refused

FIVE = (FIXTURES / "five_step.bpmn").read_text(encoding="utf-8")
TIMED = (FIXTURES / "five_step_timed.bpmn").read_text(encoding="utf-8")


def deploy(engine, text: str, note: str) -> int:
    return engine.repository.deploy(text.encode("utf-8"), "five_step.bpmn", actor="admin", note=note)["version"]


def migrate(engine, to_version=2, cases=None, mapping=None, dry_run=False, from_version=1, user="admin"):
    return engine.migration.migrate(
        engine.identity.actor(user),
        "five_step",
        from_version,
        to_version,
        cases=cases,
        all_cases=cases is None,
        mapping=mapping,
        dry_run=dry_run,
    )


def at_handle(engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {"accept": "accept"})
    return case


def case_row(engine, case_id):
    with engine.db.reading() as session:
        return session.get(Case, case_id)


def timers(engine, case_id):
    with engine.db.reading() as session:
        return {
            row.element_id: row
            for row in session.scalars(sa.select(PendingTimer).where(PendingTimer.case_id == case_id))
        }


def run_to_end(engine, case_id, steps):
    for data in steps:
        complete(engine, case_id, data)
    return case_row(engine, case_id)


def test_a_dry_run_reports_and_changes_nothing_then_the_case_moves_keeping_its_task_and_claim(five_step_engine, clock):
    engine = five_step_engine
    case = at_handle(engine)
    task = open_task(engine, case["id"])
    engine.tasks.claim(task["id"], engine.identity.actor("clerk"))
    assert deploy(engine, TIMED, "承办加时限") == 2
    lock = case_row(engine, case["id"]).lock_version

    preview = migrate(engine, dry_run=True)
    assert preview["dry_run"] and preview["migrated"] == 1 and preview["refused"] == 0
    (planned,) = preview["cases"]
    assert planned["status"] == "would_migrate"
    assert planned["steps"][0]["from"] == planned["steps"][0]["to"] == "Task_Handle"
    assert {t["element"]: t["change"] for t in planned["timers"]} == {
        "Timer_Warning_Handle": "added",
        "Timer_Limit_Handle": "added",
    }
    row = case_row(engine, case["id"])
    assert (row.definition_id, row.lock_version) == (1, lock)
    assert timers(engine, case["id"]) == {}
    assert not events(engine, "case_migrated")

    done = migrate(engine)
    assert [c["status"] for c in done["cases"]] == ["migrated"]
    row = case_row(engine, case["id"])
    assert row.definition_id == 2
    moved = open_task(engine, case["id"])
    assert moved["id"] == task["id"] and moved["assignee"] == "clerk"
    calendar = engine.calendar.calendar()
    with engine.db.reading() as session:
        record = session.get(TaskRecord, task["id"])
    limit = timers(engine, case["id"])["Timer_Limit_Handle"]
    assert limit.due_at == calendar.add_working_days(record.created_at, 5)
    assert limit.counted_from == record.created_at
    assert record.due_at == limit.due_at
    (event,) = events(engine, "case_migrated")
    assert event["detail"]["from_version"] == 1 and event["detail"]["to_version"] == 2
    assert event["detail"]["mapping_used"] == {"Task_Handle": "Task_Handle"}
    assert engine.history.verify().ok

    engine.store.clear()  # the moved workflow as stored, not the live one
    ended = run_to_end(engine, case["id"], APPROVE[1:])
    assert (ended.status, ended.outcome) == ("ended", "approved")
    assert timers(engine, case["id"]) == {}


def test_a_step_without_target_refuses_its_case_and_the_others_move_and_the_mapping_moves_it(five_step_engine):
    engine = five_step_engine
    reviewing = at_handle(engine)
    complete(engine, reviewing["id"], {}, opinion="承办意见")
    handling = at_handle(engine)
    renamed = FIVE.replace("Task_Review", "Task_Check").replace('name="审核"', 'name="核查"')
    deploy(engine, renamed, "审核改名为核查")

    result = migrate(engine)
    by_case = {c["case"]: c for c in result["cases"]}
    assert by_case[handling["id"]]["status"] == "migrated"
    refusal = by_case[reviewing["id"]]
    assert refusal["status"] == "refused" and refusal["reason"] == "migration_no_target"
    assert refusal["params"]["element"] == "Task_Review" and "Task_Review" in refusal["message"]
    assert case_row(engine, reviewing["id"]).definition_id == 1

    result = migrate(engine, cases=[reviewing["id"]], mapping={"Task_Review": "Task_Check"})
    assert result["cases"][0]["status"] == "migrated"
    assert result["cases"][0]["steps"][0]["to"] == "Task_Check"
    task = open_task(engine, reviewing["id"])
    assert (task["element"], task["name"]) == ("Task_Check", "核查")
    ended = run_to_end(engine, reviewing["id"], ({"review": "approve"}, {"approval": "approve"}, {}))
    assert ended.outcome == "approved"


def test_timers_are_counted_again_from_the_new_definition_after_the_pauses(five_step_engine, clock):
    engine = five_step_engine
    engine.repository.deploy(TIMED.encode(), "five_step.bpmn", actor="admin", note="计时")  # v2
    case = at_handle(engine)
    migrate(engine, cases=[case["id"]], from_version=1, to_version=2)  # now timed, from v2 on
    opened = timers(engine, case["id"])["Timer_Limit_Handle"].counted_from
    admin = engine.identity.actor("admin")
    clock.set(START + dt.timedelta(days=1))
    engine.case_clock.pause(case["id"], "hearing", "听证", admin)
    clock.set(START + dt.timedelta(days=3))
    engine.case_clock.resume(case["id"], admin)
    paused = case_row(engine, case["id"]).paused_seconds
    assert paused > 0
    longer = (
        TIMED.replace("working_days(5)", "working_days(8)")
        .replace('<bpmn:boundaryEvent id="Timer_Warning_Handle"', '<bpmn:boundaryEvent id="Timer_Spare_Handle"')
        .replace('Timer_Warning_Handle"', 'Timer_Spare_Handle"')
    )
    longer = longer.replace(
        "<bpmn:flowNodeRef>Timer_Warning_Handle</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>Timer_Spare_Handle</bpmn:flowNodeRef>",
    )
    assert deploy(engine, longer, "时限改为8个工作日") == 3
    result = migrate(engine, from_version=2, to_version=3)
    (moved,) = result["cases"]
    assert moved["status"] == "migrated", moved
    changes = {t["element"]: t["change"] for t in moved["timers"]}
    assert changes == {
        "Timer_Warning_Handle": "removed",
        "Timer_Limit_Handle": "recounted",
        "Timer_Spare_Handle": "added",
    }
    calendar = engine.calendar.calendar()
    rows = timers(engine, case["id"])
    assert set(rows) == {"Timer_Limit_Handle", "Timer_Spare_Handle"}
    assert rows["Timer_Limit_Handle"].due_at == calendar.add_working_seconds(
        calendar.add_working_days(opened, 8), paused
    )
    assert rows["Timer_Spare_Handle"].due_at == calendar.add_working_seconds(
        calendar.add_working_days(opened, 2), paused
    )
    ended = run_to_end(engine, case["id"], APPROVE[1:])
    assert ended.outcome == "approved"


def test_a_paused_case_keeps_its_new_timers_suspended_until_it_resumes(five_step_engine, clock):
    engine = five_step_engine
    case = at_handle(engine)
    admin = engine.identity.actor("admin")
    engine.case_clock.pause(case["id"], "hearing", "听证", admin)
    deploy(engine, TIMED, "计时")
    assert migrate(engine)["cases"][0]["status"] == "migrated"
    assert all(row.suspended for row in timers(engine, case["id"]).values())
    clock.set(START + dt.timedelta(days=2))
    engine.case_clock.resume(case["id"], admin)
    rows = timers(engine, case["id"])
    assert not any(row.suspended for row in rows.values())
    calendar = engine.calendar.calendar()
    paused = case_row(engine, case["id"]).paused_seconds
    assert rows["Timer_Limit_Handle"].due_at == calendar.add_working_seconds(
        calendar.add_working_days(rows["Timer_Limit_Handle"].counted_from, 5), paused
    )


WITHOUT_HANDLE = (
    FIVE.replace('<bpmn:userTask id="Task_Handle" name="承办"/>', "")
    .replace("<bpmn:flowNodeRef>Task_Handle</bpmn:flowNodeRef>", "")
    .replace('<bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Handle" targetRef="Task_Review"/>', "")
    .replace('sourceRef="Task_Accept" targetRef="Task_Handle"', 'sourceRef="Task_Accept" targetRef="Task_Review"')
    .replace('sourceRef="Gateway_Review" targetRef="Task_Handle"', 'sourceRef="Gateway_Review" targetRef="Task_Accept"')
)


def test_history_the_new_version_lacks_is_left_out_and_the_case_still_returns_and_ends(five_step_engine, clock):
    engine = five_step_engine
    deploy(engine, TIMED, "计时")  # v2: new cases start on it
    case = at_handle(engine)
    engine.sweep(as_of=START + dt.timedelta(days=4))  # the warning on 承办 fires: a finished side branch
    complete(engine, case["id"], {}, opinion="承办意见")
    assert open_task(engine, case["id"])["element"] == "Task_Review"
    assert "Task_Handle" not in WITHOUT_HANDLE
    deploy(engine, WITHOUT_HANDLE, "取消承办环节")  # v3
    result = migrate(engine, from_version=2, to_version=3)
    assert result["cases"][0]["status"] == "migrated", result
    engine.store.clear()
    review = open_task(engine, case["id"])
    engine.flow_ops.return_to(review["id"], engine.identity.actor("clerk"), "材料需重新受理")
    assert open_task(engine, case["id"])["element"] == "Task_Accept"
    ended = run_to_end(engine, case["id"], ({"accept": "accept"}, {"review": "approve"}, {"approval": "approve"}, {}))
    assert (ended.status, ended.outcome) == ("ended", "approved")
    assert engine.history.verify().ok


def test_a_step_mapped_elsewhere_leaves_its_old_timers_behind_and_runs_on_from_there(five_step_engine):
    engine = five_step_engine
    deploy(engine, TIMED, "计时")  # v2
    case = at_handle(engine)
    assert set(timers(engine, case["id"])) == {"Timer_Warning_Handle", "Timer_Limit_Handle"}
    deploy(engine, TIMED + "<!-- v3 -->", "同上")  # v3: 承办 keeps its timers, 审核 has none
    result = migrate(engine, from_version=2, to_version=3, mapping={"Task_Handle": "Task_Review"})
    (moved,) = result["cases"]
    assert moved["status"] == "migrated", moved
    assert {t["element"]: t["change"] for t in moved["timers"]} == {
        "Timer_Warning_Handle": "removed",
        "Timer_Limit_Handle": "removed",
    }
    assert timers(engine, case["id"]) == {}
    task = open_task(engine, case["id"])
    assert (task["element"], task["due_at"]) == ("Task_Review", None)
    engine.store.clear()
    ended = run_to_end(engine, case["id"], ({"review": "approve"}, {"approval": "approve"}, {}))
    assert (ended.status, ended.outcome) == ("ended", "approved")


WAITING = FIVE.replace(
    '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Accept" targetRef="Task_Handle"/>',
    '<bpmn:intermediateCatchEvent id="Timer_Wait" name="公示期">'
    '<bpmn:timerEventDefinition id="TimerDef_Wait">'
    '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(3)</bpmn:timeDate>'
    "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Accept" targetRef="Timer_Wait"/>'
    '<bpmn:sequenceFlow id="Flow_2b" sourceRef="Timer_Wait" targetRef="Task_Handle"/>',
)


def test_a_case_waiting_at_a_timer_of_the_flow_has_it_counted_again(five_step_engine, clock):
    engine = five_step_engine
    deploy(engine, WAITING, "受理后公示三个工作日")  # v2
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {"accept": "accept"})
    assert engine.tasks.list_tasks(ENGINE, case=case["id"]) == []
    waiting = timers(engine, case["id"])["Timer_Wait"]
    deploy(engine, WAITING.replace("working_days(3)", "working_days(5)"), "公示期改为五个工作日")  # v3
    (moved,) = migrate(engine, from_version=2, to_version=3)["cases"]
    assert moved["status"] == "migrated", moved
    assert [(t["element"], t["change"]) for t in moved["timers"]] == [("Timer_Wait", "recounted")]
    calendar = engine.calendar.calendar()
    due = calendar.add_working_days(waiting.counted_from, 5)
    assert timers(engine, case["id"])["Timer_Wait"].due_at == due
    engine.sweep(as_of=due - dt.timedelta(minutes=1))
    assert engine.tasks.list_tasks(ENGINE, case=case["id"]) == []
    engine.sweep(as_of=due + dt.timedelta(minutes=1))
    ended = run_to_end(engine, case["id"], APPROVE[1:])
    assert ended.outcome == "approved"


def test_refusals_of_the_request(five_step_engine):
    engine = five_step_engine
    at_handle(engine)
    deploy(engine, TIMED, "计时")
    with refused(PermissionDenied, "migration_admin_only"):
        migrate(engine, user="clerk")
    with refused(InvalidInput, "migration_same_version"):
        migrate(engine, to_version=1)
    with pytest.raises(Exception) as caught:
        migrate(engine, to_version=9)
    assert caught.value.reason == "process_version_not_found"
    with refused(InvalidInput, "migration_source_unknown", element="Task_Nothing"):
        migrate(engine, mapping={"Task_Nothing": "Task_Handle"})
    with refused(InvalidInput, "migration_target_unknown", element="Task_Nothing"):
        migrate(engine, mapping={"Task_Handle": "Task_Nothing"})
    with refused(InvalidInput, "migration_cases_required"):
        migrate(engine, cases=[])
    other = migrate(engine, cases=[999])["cases"][0]
    assert other["status"] == "refused" and other["reason"] == "case_not_found"


# --- the joint sign-off flow: three departments in parallel, then a 2/3 vote (会签) -----------------------------

CONSTRUCTION = "410104-XK-BL-001"
DEPARTMENTS = {
    "Task_Planning": "planning_opinion",
    "Task_Housing": "housing_opinion",
    "Task_Environment": "environment_opinion",
}


@pytest.fixture
def joint_engine(bare_engine, tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for suffix in ("toml", "bpmn"):
        shutil.copy(PROCESSES / f"construction_joint_approval.{suffix}", folder)
    bare_engine.catalogue.import_directory(folder)
    demo.seed_people(bare_engine)
    return bare_engine


def joint_case(engine):
    case = engine.runtime.start_case(CONSTRUCTION, {"name": "郑州某置业有限公司"}, {}, ENGINE)
    engine.tasks.complete(
        case["tasks"][0]["id"], ENGINE, {"accept": "accept", "signers": ["d01a", "d02a", "d03a"]}, "受理"
    )
    return case


def open_by_element(engine, case_id):
    return {t["element"]: t for t in engine.tasks.list_tasks(ENGINE, case=case_id)}


def open_tasks(engine, case_id):
    return engine.tasks.list_tasks(ENGINE, case=case_id)


def test_joint_sign_off_cases_move_and_run_to_their_end(joint_engine):
    engine = joint_engine
    parallel = joint_case(engine)
    first = open_by_element(engine, parallel["id"])["Task_Planning"]
    engine.tasks.complete(first["id"], ENGINE, {"planning_opinion": "approve"}, "同意")
    signing = joint_case(engine)
    for element, field in DEPARTMENTS.items():
        engine.tasks.complete(open_by_element(engine, signing["id"])[element]["id"], ENGINE, {field: "approve"}, "同意")
    one_signer = next(t for t in open_tasks(engine, signing["id"]) if t["assignee"] == "d01a")
    engine.tasks.complete(one_signer["id"], ENGINE, {"signature": "approve"}, "同意")
    xml = (PROCESSES / "construction_joint_approval.bpmn").read_text(encoding="utf-8")
    v2 = xml.replace("working_days(10)", "working_days(12)")
    assert v2 != xml
    engine.repository.deploy(v2.encode(), "construction_joint_approval.bpmn", actor="admin", note="时限各加一天")
    result = engine.migration.migrate(
        engine.identity.actor("admin"), "construction_joint_approval", 1, 2, all_cases=True
    )
    assert [c["status"] for c in result["cases"]] == ["migrated", "migrated"], result
    moved_parallel, moved_signing = result["cases"]
    changes = {t["element"]: t["change"] for t in moved_parallel["timers"]}
    assert changes["Timer_Limit_Housing"] == changes["Timer_Limit_Environment"] == "recounted"
    assert changes["Timer_Warning_Housing"] == "kept"
    assert {s["to"] for s in moved_parallel["steps"]} == {"Task_Housing", "Task_Environment"}
    assert sorted(s["to"] for s in moved_signing["steps"]) == ["Task_JointSignOff", "Task_JointSignOff"]
    signers = {t["assignee"] for t in open_tasks(engine, signing["id"])}
    assert signers == {"d02a", "d03a"}
    housing = timers(engine, parallel["id"])["Timer_Limit_Housing"]
    calendar = engine.calendar.calendar()
    assert housing.due_at == calendar.add_working_days(housing.counted_from, 12)
    for case in (parallel, signing):
        assert case_row(engine, case["id"]).definition_id == 2

    engine.store.clear()
    for element in ("Task_Housing", "Task_Environment"):
        engine.tasks.complete(
            open_by_element(engine, parallel["id"])[element]["id"], ENGINE, {DEPARTMENTS[element]: "approve"}, "同意"
        )
    for case in (parallel, signing):
        for task in [t for t in open_tasks(engine, case["id"]) if t["element"] == "Task_JointSignOff"]:
            engine.tasks.complete(task["id"], ENGINE, {"signature": "approve"}, "同意")
        engine.tasks.complete(
            open_by_element(engine, case["id"])["Task_Decide"]["id"], ENGINE, {"approval": "approve"}, "准予"
        )
        for task in open_tasks(engine, case["id"]):
            engine.tasks.complete(task["id"], ENGINE, {}, "发证")
        row = case_row(engine, case["id"])
        assert (row.status, row.outcome) == ("ended", "approved"), case


def without_environment(xml: str) -> str:
    """The construction flow without its environment branch (task, timers, lane, flows and diagram)."""
    root = etree.fromstring(xml.encode("utf-8"))
    for element in list(root.iter()):
        refs = [element.get(a) or "" for a in ("id", "sourceRef", "targetRef", "attachedToRef", "bpmnElement")]
        text = (element.text or "") if element.tag.endswith(("flowNodeRef", "incoming", "outgoing")) else ""
        if any("Environment" in ref for ref in refs + [text]) and element.getparent() is not None:
            element.getparent().remove(element)
    for condition in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}conditionExpression"):
        condition.text = (condition.text or "").replace(", environment_opinion", "")
    return etree.tostring(root, encoding="unicode")


def test_a_parallel_split_whose_branches_changed_refuses_the_case(joint_engine):
    engine = joint_engine
    parallel = joint_case(engine)
    environment = open_by_element(engine, parallel["id"])["Task_Environment"]
    engine.tasks.complete(environment["id"], ENGINE, {"environment_opinion": "approve"}, "同意")
    xml = (PROCESSES / "construction_joint_approval.bpmn").read_text(encoding="utf-8")
    engine.repository.deploy(without_environment(xml).encode(), "construction_joint_approval.bpmn", actor="admin")
    result = engine.migration.migrate(
        engine.identity.actor("admin"), "construction_joint_approval", 1, 2, all_cases=True, dry_run=True
    )
    (refusal,) = result["cases"]
    assert (refusal["status"], refusal["reason"]) == ("refused", "migration_parallel_changed"), refusal
    assert refusal["params"]["element"] == "Gateway_Split"


def test_a_case_past_the_parallel_phase_moves_to_a_version_with_other_branches_and_ends(joint_engine):
    engine = joint_engine
    case = joint_case(engine)
    for element, field in DEPARTMENTS.items():
        engine.tasks.complete(open_by_element(engine, case["id"])[element]["id"], ENGINE, {field: "approve"}, "同意")
    for task in open_tasks(engine, case["id"]):
        engine.tasks.complete(task["id"], ENGINE, {"signature": "approve"}, "同意")
    assert set(open_by_element(engine, case["id"])) == {"Task_Decide"}
    xml = (PROCESSES / "construction_joint_approval.bpmn").read_text(encoding="utf-8")
    engine.repository.deploy(without_environment(xml).encode(), "construction_joint_approval.bpmn", actor="admin")
    admin = engine.identity.actor("admin")
    wrong = engine.migration.migrate(
        admin, "construction_joint_approval", 1, 2, all_cases=True, mapping={"Task_Decide": "Task_JointSignOff"}
    )
    assert wrong["cases"][0]["reason"] == "migration_target_kind"
    result = engine.migration.migrate(admin, "construction_joint_approval", 1, 2, all_cases=True)
    assert result["cases"][0]["status"] == "migrated", result
    engine.store.clear()
    engine.tasks.complete(
        open_by_element(engine, case["id"])["Task_Decide"]["id"], ENGINE, {"approval": "approve"}, "准予"
    )
    for task in open_tasks(engine, case["id"]):
        engine.tasks.complete(task["id"], ENGINE, {}, "发证")
    row = case_row(engine, case["id"])
    assert (row.status, row.outcome) == ("ended", "approved")
