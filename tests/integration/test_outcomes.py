"""A case's outcome comes from the end event it reaches: its ``shenpi:outcome`` (chosen in the modeler's properties
panel), else its name (准予… / 不予许可 / 不予受理 / 终止), else — for files written before the property — its id.
So a flow drawn in the modeler, whose ids are generated (``Event_0x…``), deploys and decides cases."""

from __future__ import annotations

import pytest

from engine.errors import ProcessValidationError
from engine.identity.actors import ENGINE

from ..helpers import FIVE, FIVE_STEP_ENTRY, add_people, complete

SHENPI = b'xmlns:shenpi="http://shenpi.org/schema/1.0/bpmn" xmlns:xsi='
ENTRY = {**FIVE_STEP_ENTRY, "code": "TEST-0002"}
APPROVED_END = b'<bpmn:endEvent id="End_Approved" name="\xe5\x8a\x9e\xe7\xbb\x93"/>'  # 办结
DENIED_END = '<bpmn:endEvent id="End_Denied" name="不予许可"/>'.encode()


def generated_ids(approved_end: bytes, denied_end: bytes) -> bytes:
    """The five-step flow with its end events as a modeler leaves them: generated ids, the given attributes."""
    content = FIVE.replace(b"xmlns:xsi=", SHENPI, 1)
    content = content.replace(APPROVED_END, approved_end).replace(DENIED_END, denied_end)
    return content.replace(b'"End_Approved"', b'"Event_0a1b2c3"').replace(b'"End_Denied"', b'"Event_1x9y8z7"')


def run(engine, content: bytes, approval: str) -> str:
    engine.repository.deploy(content, "drawn.bpmn", actor="admin")
    engine.catalogue.publish(ENTRY, "admin")
    add_people(engine)
    case = engine.cases.start_case("TEST-0002", {"name": "张三"}, {}, ENGINE)
    for data in ({}, {}, {"review": "approve"}, {"approval": approval}):
        complete(engine, case["id"], data)
    if approval == "approve":
        complete(engine, case["id"], {})
    return engine.cases.get_case(case["id"], ENGINE)["outcome"]


@pytest.mark.parametrize("approval, expected", [("approve", "approved"), ("deny", "denied")])
def test_outcome_from_the_property_whatever_the_id_and_name(bare_engine, approval, expected):
    content = generated_ids(
        b'<bpmn:endEvent id="End_Approved" name="\xe5\x8a\x9e\xe7\xbb\x93" shenpi:outcome="approved"/>',
        '<bpmn:endEvent id="End_Denied" name="结束" shenpi:outcome="denied"/>'.encode(),
    )
    assert run(bare_engine, content, approval) == expected


@pytest.mark.parametrize("approval, expected", [("approve", "approved"), ("deny", "denied")])
def test_outcome_from_the_name_when_there_is_no_property(bare_engine, approval, expected):
    content = generated_ids(
        '<bpmn:endEvent id="End_Approved" name="准予许可"/>'.encode(),
        '<bpmn:endEvent id="End_Denied" name="不予许可"/>'.encode(),
    )
    assert run(bare_engine, content, approval) == expected


def test_outcome_from_the_id_in_files_written_before_the_property(bare_engine):
    content = FIVE.replace(APPROVED_END, b'<bpmn:endEvent id="End_Approved"/>').replace(
        DENIED_END, b'<bpmn:endEvent id="End_Denied"/>'
    )
    assert run(bare_engine, content, "deny") == "denied"


def test_the_property_wins_over_name_and_id(bare_engine):
    content = FIVE.replace(b"xmlns:xsi=", SHENPI, 1).replace(
        DENIED_END, '<bpmn:endEvent id="End_Denied" name="不予许可" shenpi:outcome="terminated"/>'.encode()
    )
    assert run(bare_engine, content, "deny") == "terminated"


@pytest.mark.parametrize(
    "name, outcome",
    [("准予登记", "approved"), ("不予受理", "refused"), ("不予许可", "denied"), ("终止审批", "terminated")],
)
def test_names_the_engine_reads(bare_engine, name, outcome):
    content = generated_ids(
        b'<bpmn:endEvent id="End_Approved" shenpi:outcome="approved"/>',
        f'<bpmn:endEvent id="End_Denied" name="{name}"/>'.encode(),
    )
    bare_engine.repository.deploy(content, "drawn.bpmn")
    [definition] = bare_engine.repository.list_definitions("five_step")
    assert bare_engine.repository.parsed(definition["id"]).outcomes == {
        "Event_0a1b2c3": "approved",
        "Event_1x9y8z7": outcome,
    }


def test_an_end_event_that_says_nothing_is_refused_with_a_clear_message(bare_engine):
    content = generated_ids(
        b'<bpmn:endEvent id="End_Approved" shenpi:outcome="approved"/>', b'<bpmn:endEvent id="End_Denied"/>'
    )
    with pytest.raises(ProcessValidationError) as info:
        bare_engine.repository.deploy(content, "drawn.bpmn")
    error = info.value
    assert error.element == "Event_1x9y8z7" and error.line
    assert "does not state the case outcome" in error.message and "properties panel" in error.message
    assert "准予" in error.message and "不予许可" in error.message
    problems = bare_engine.repository.validate(content)
    assert [p["element"] for p in problems] == ["Event_1x9y8z7"]


def test_a_process_whose_ends_decide_nothing_deploys_with_warnings_and_ends_as_completed(bare_engine):
    """Issue 17 §2: a process whose end events state no decision ends its cases with a neutral outcome (办结,
    "completed", no decision document): deploy succeeds with a warning listed by validation, not a refusal. (This
    case, both ends silent, was asserted refused before; one silent end beside a deciding one still is, above.)"""
    content = generated_ids(APPROVED_END, b'<bpmn:endEvent id="End_Denied"/>')  # 办结 says nothing either
    review = bare_engine.repository.review(content, "drawn.bpmn")
    assert review["problems"] == []
    assert [w["element"] for w in review["warnings"]] == ["Event_0a1b2c3", "Event_1x9y8z7"]
    assert all("completed" in str(w["message"]) for w in review["warnings"])
    bare_engine.repository.deploy(content, "drawn.bpmn", actor="admin")
    bare_engine.catalogue.publish(ENTRY, "admin")
    add_people(bare_engine)
    case = bare_engine.cases.start_case("TEST-0002", {"name": "张三"}, {}, ENGINE)
    for data in ({}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(bare_engine, case["id"], data)
    ended = bare_engine.cases.get_case(case["id"], ENGINE)
    assert (ended["status"], ended["outcome"]) == ("ended", "completed")
    kinds = {d["kind"] for d in bare_engine.documents.for_case(case["id"], ENGINE)}
    assert not kinds & {"approval_decision", "denial_decision", "refusal_decision"}, kinds


def test_an_unknown_outcome_value_is_refused(bare_engine):
    content = FIVE.replace(b"xmlns:xsi=", SHENPI, 1).replace(
        DENIED_END, b'<bpmn:endEvent id="End_Denied" shenpi:outcome="rejected"/>'
    )
    with pytest.raises(ProcessValidationError) as info:
        bare_engine.repository.deploy(content, "drawn.bpmn")
    assert info.value.element == "End_Denied" and "'rejected'" in info.value.message


def test_a_side_branch_declared_in_the_panel_needs_no_outcome(bare_engine):
    content = generated_ids(
        b'<bpmn:endEvent id="End_Approved" shenpi:outcome="approved"/>',
        b'<bpmn:endEvent id="End_Denied" shenpi:outcome="branch"/>',
    )
    bare_engine.repository.deploy(content, "drawn.bpmn")
    [definition] = bare_engine.repository.list_definitions("five_step")
    assert bare_engine.repository.parsed(definition["id"]).outcomes == {"Event_0a1b2c3": "approved"}
