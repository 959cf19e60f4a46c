"""Validation without deploying: every problem of a file, each naming its element and line."""

from __future__ import annotations

import pytest

from engine.errors import TooLarge
from engine.models import ProcessDefinition

from ..helpers import FIVE


def test_a_valid_file_has_no_problems_and_is_not_deployed(bare_engine):
    assert bare_engine.repository.validate(FIVE, "five_step.bpmn") == []
    with bare_engine.db.reading() as session:
        assert session.query(ProcessDefinition).count() == 0


def test_every_problem_is_collected_with_element_and_line(bare_engine):
    broken = (
        FIVE.replace(
            b'<bpmn:userTask id="Task_Handle" name="\xe6\x89\xbf\xe5\x8a\x9e"/>',
            b'<bpmn:serviceTask id="Task_Handle" name="x"/>',
        )
        .replace(b'review == "revise"', b'__import__("os")')
        .replace('<bpmn:endEvent id="End_Denied" name="不予许可"'.encode(), b'<bpmn:endEvent id="End_Nothing"')
        .replace(
            b"<bpmn:flowNodeRef>End_Denied</bpmn:flowNodeRef>", b"<bpmn:flowNodeRef>End_Nothing</bpmn:flowNodeRef>"
        )
        .replace(b'targetRef="End_Denied"', b'targetRef="End_Nothing"')
        .replace(b'targetRef="End_Approved"', b'targetRef="Nowhere"')
    )
    problems = bare_engine.repository.validate(broken, "x.bpmn")
    assert [p["element"] for p in problems] == ["Task_Handle", "Flow_Revise", "End_Nothing", "Flow_6"]
    assert all(p["message"] and p["line"] for p in problems)
    with pytest.raises(Exception) as first:
        bare_engine.repository.deploy(broken, "x.bpmn")
    assert first.value.element == "Task_Handle"  # deploy still refuses with the first problem


def test_problems_found_only_by_the_engine_build_are_reported(bare_engine):
    looping = FIVE.replace(
        b'<bpmn:exclusiveGateway id="Gateway_Review" default="Flow_ReviewOk"/>',
        b'<bpmn:exclusiveGateway id="Gateway_Review" default="Flow_Missing"/>',
    )
    problems = bare_engine.repository.validate(looping, "x.bpmn")
    assert len(problems) == 1 and problems[0]["message"]


def test_not_xml_is_one_problem_and_too_large_is_refused(bare_engine):
    problems = bare_engine.repository.validate(b"<oops", "x.bpmn")
    assert len(problems) == 1 and "well-formed" in problems[0]["message"] and problems[0]["line"] == 1
    bare_engine.repository.max_upload_bytes = 100
    with pytest.raises(TooLarge):
        bare_engine.repository.validate(FIVE, "x.bpmn")
