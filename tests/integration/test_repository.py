from __future__ import annotations

import pytest

from engine.errors import EngineError, InvalidInput, ProcessValidationError
from engine.identity.actors import ENGINE

from ..helpers import CONFORMANCE_DIR, FIVE, FIVE_STEP_ENTRY, FIXTURES, add_people, complete, open_task

CONFORMANCE = sorted(CONFORMANCE_DIR.rglob("*.bpmn"))


def line_of(content: bytes, needle: bytes) -> int:
    return content[: content.index(needle)].count(b"\n") + 1


def refuse(engine, content: bytes) -> ProcessValidationError:
    with pytest.raises(ProcessValidationError) as info:
        engine.repository.deploy(content, "x.bpmn")
    return info.value


def test_deploy_versions_by_content_hash(bare_engine):
    first = bare_engine.repository.deploy(FIVE, "five_step.bpmn")
    again = bare_engine.repository.deploy(FIVE, "five_step.bpmn")
    assert (first["key"], first["version"], first["created"]) == ("five_step", 1, True)
    assert again["id"] == first["id"] and again["created"] is False
    second = bare_engine.repository.deploy(
        FIVE.replace(b'\xe5\x8f\x97\xe7\x90\x86"', '收件"'.encode()), "five_step.bpmn"
    )
    assert second["version"] == 2 and second["content_hash"] != first["content_hash"]
    assert [d["version"] for d in bare_engine.repository.list_definitions("five_step")] == [1, 2]


def test_not_xml(bare_engine):
    error = refuse(bare_engine, b"<bpmn:definitions>\n<oops")
    assert "well-formed" in error.message and error.line is not None


def test_entity_expansion_is_refused(bare_engine):
    xxe = b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<d>&x;</d>'
    assert "DOCTYPE" in refuse(bare_engine, xxe).message
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<l>&b;</l>'
    assert "DOCTYPE" in refuse(bare_engine, laughs).message


def test_not_executable_names_the_process(bare_engine):
    error = refuse(bare_engine, FIVE.replace(b'isExecutable="true"', b'isExecutable="false"'))
    assert (
        error.element == "five_step"
        and error.line == line_of(FIVE, b"<bpmn:process ")
        and "executable" in error.message
    )


def test_unknown_element_names_id_and_line(bare_engine):
    content = FIVE.replace(
        b'<bpmn:userTask id="Task_Handle" name="\xe6\x89\xbf\xe5\x8a\x9e"/>',
        b'<bpmn:serviceTask id="Task_Handle" name="x"/>',
    )
    error = refuse(bare_engine, content)
    assert (
        error.element == "Task_Handle"
        and error.line == line_of(FIVE, b'id="Task_Handle"')
        and "serviceTask" in error.message
    )
    error = refuse(
        bare_engine,
        FIVE.replace(b'<bpmn:userTask id="Task_Issue"', b'<bpmn:weirdTask id="Task_Issue"').replace(
            b'<bpmn:weirdTask id="Task_Issue" name="\xe5\x88\xb6\xe8\xaf\x81\xe5\x8f\x91\xe8\xaf\x81"/>',
            b'<bpmn:weirdTask id="Task_Issue"/>',
        ),
    )
    assert error.element == "Task_Issue" and "weirdTask" in error.message


def test_a_user_task_in_no_lane_deploys_with_a_warning_and_goes_to_the_matter_s_department(bare_engine):
    """Issue 17 §2: a user task outside any lane is handled by the department of the matter that publishes the
    process; deploy succeeds with a warning listed by validation, not a refusal. (It was refused before: the rule's
    point, that someone handles every step, holds: any official of that department.)"""
    content = FIVE.replace(b"<bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>", b"")
    review = bare_engine.repository.review(content, "x.bpmn")
    assert review["problems"] == []
    [warning] = review["warnings"]
    assert warning["element"] == "Task_Review" and warning["line"] == line_of(
        content, b'<bpmn:userTask id="Task_Review"'
    )
    assert "no lane" in str(warning["message"]) and "department of the matter" in str(warning["message"])
    bare_engine.repository.deploy(content, "x.bpmn")
    bare_engine.catalogue.publish(FIVE_STEP_ENTRY, "admin")
    add_people(bare_engine)
    case = bare_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for _ in range(2):
        complete(bare_engine, case["id"], {})
    task = open_task(bare_engine, case["id"])
    assert task["element"] == "Task_Review"
    assert (task["department"], task["post"]) == ("测试局", None)
    outsider = bare_engine.identity.actor("outsider")
    with pytest.raises(EngineError):
        bare_engine.tasks.complete(task["id"], outsider, {"review": "approve"}, "同意")
    complete(bare_engine, case["id"], {"review": "approve"})  # clerk, an official of 测试局


def test_bad_expression_names_the_flow(bare_engine):
    error = refuse(bare_engine, FIVE.replace(b'review == "revise"', b'__import__("os").system("id")'))
    assert error.element == "Flow_Revise" and error.line == line_of(FIVE, b'review == "revise"')
    error = refuse(bare_engine, FIVE.replace(b'review == "revise"', b"review ==== 1"))
    assert error.element == "Flow_Revise"


def test_end_event_must_state_outcome(bare_engine):
    content = FIVE.replace(b"End_Denied", b"End_2").replace('name="不予许可"'.encode(), b"")
    error = refuse(bare_engine, content)
    assert error.element == "End_2" and "outcome" in error.message and "shenpi:outcome" in error.message


def test_dangling_flow_and_reserved_id(bare_engine):
    error = refuse(bare_engine, FIVE.replace(b'targetRef="End_Approved"', b'targetRef="Nowhere"'))
    assert error.element == "Flow_6"
    error = refuse(bare_engine, FIVE.replace(b"StartEvent_1", b"Start"))
    assert error.element == "Start" and "reserved" in error.message


def test_upload_size_limit(bare_engine):
    bare_engine.repository.max_upload_bytes = 1000
    with pytest.raises(InvalidInput):
        bare_engine.repository.deploy(FIVE, "five_step.bpmn")


@pytest.mark.parametrize("path", CONFORMANCE, ids=[p.name for p in CONFORMANCE])
def test_conformance_file_deploys_or_is_refused_clearly(bare_sqlite_engine, path):
    try:
        definition = bare_sqlite_engine.repository.deploy(path.read_bytes(), path.name)
    except ProcessValidationError as error:
        assert error.message and (error.element or error.line), error.to_dict()
    else:
        assert definition["version"] == 1


@pytest.mark.skipif(not CONFORMANCE_DIR.exists(), reason="../shared/conformance is not beside this checkout")
def test_conformance_corpus_is_present():
    assert len(CONFORMANCE) >= 21


TIMER = (FIXTURES / "timer_step.bpmn").read_bytes()


@pytest.mark.parametrize(
    "expression,ok",
    [
        (b'"PT1H"', True),
        (b"working_days(3)", False),  # only in a date timer
        (b"PT1H", True),  # unquoted, as BPMN writes it: quoted before it runs (issue 17 §2)
        (b"PT1H + 1", False),
        (b"working_days(days_left)", False),
        (b"working_days(-1)", False),
        (b'__import__("os")', False),
    ],
)
def test_duration_timer_expressions(bare_engine, expression, ok):
    content = TIMER.replace(b'"PT1H"', expression)
    if ok:
        assert bare_engine.repository.deploy(content, "t.bpmn")["version"] >= 1
    else:
        error = refuse(bare_engine, content)
        assert error.element == "Timer_Warning" and error.line == line_of(content, expression)


@pytest.mark.parametrize(
    "expression,ok",
    [
        (b"working_days(3)", True),
        (b"working_hours(4.5)", True),
        (b'"2026-12-01T09:00:00+08:00"', True),
        (b"working_days(3) + 1", False),
        (b"working_weeks(1)", False),
    ],
)
def test_date_timer_expressions(bare_engine, expression, ok):
    content = TIMER.replace(
        b'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>',
        b'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">' + expression + b"</bpmn:timeDate>",
    )
    if ok:
        assert bare_engine.repository.deploy(content, "t.bpmn")["key"] == "timer_step"
    else:
        assert refuse(bare_engine, content).element == "Timer_Warning"


def test_side_branch_end_needs_no_outcome(bare_engine):
    content = TIMER.replace(b"End_Escalation_Approved", b"End_Branch_Escalated")
    assert bare_engine.repository.deploy(content, "t.bpmn")["key"] == "timer_step"


def test_a_deploy_keeps_its_change_note(bare_engine):
    from ..helpers import events

    first = bare_engine.repository.deploy(FIVE, "five_step.bpmn", actor="admin", note="  首次发布  ")
    assert first["change_note"] == "首次发布"
    again = bare_engine.repository.deploy(FIVE, "five_step.bpmn", actor="admin", note="再次部署")
    assert again["created"] is False and again["change_note"] == "首次发布"  # the same bytes: the same version
    bare_engine.repository.deploy(
        FIVE.replace(b'name="\xe5\x8f\x97\xe7\x90\x86"', 'name="收件"'.encode()), "five_step.bpmn", actor="admin"
    )
    [process] = bare_engine.processes.processes("five_step")
    assert [v["change_note"] for v in process["versions"]] == ["首次发布", None]
    assert [e["detail"].get("note") for e in events(bare_engine, "process_deployed")] == ["首次发布", None]
    with pytest.raises(InvalidInput) as info:
        bare_engine.repository.deploy(FIVE.replace(b"five_step", b"other"), "x.bpmn", note="长" * 501)
    assert info.value.details["field"] == "note"
