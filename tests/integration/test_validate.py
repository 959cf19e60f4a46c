"""Validation without deploying: every problem of a file, each naming its element and line."""
from __future__ import annotations

import pytest

from engine.errors import TooLarge
from engine.models import ProcessDefinition

from .conftest import FIXTURES

FIVE = (FIXTURES / "five_step.bpmn").read_bytes()


def test_a_valid_file_has_no_problems_and_is_not_deployed(shenpi):
    assert shenpi.repository.validate(FIVE, "five_step.bpmn") == []
    with shenpi.db.reading() as session:
        assert session.query(ProcessDefinition).count() == 0


def test_every_problem_is_collected_with_element_and_line(shenpi):
    broken = (FIVE.replace(b'<bpmn:userTask id="Task_Handle" name="\xe6\x89\xbf\xe5\x8a\x9e"/>',
                           b'<bpmn:serviceTask id="Task_Handle" name="x"/>')
              .replace(b'review == "revise"', b'__import__("os")')
              .replace(b'<bpmn:endEvent id="End_Denied"', b'<bpmn:endEvent id="End_Nothing"')
              .replace(b"<bpmn:flowNodeRef>End_Denied</bpmn:flowNodeRef>", b"<bpmn:flowNodeRef>End_Nothing</bpmn:flowNodeRef>")
              .replace(b'targetRef="End_Denied"', b'targetRef="End_Nothing"')
              .replace(b'targetRef="End_Approved"', b'targetRef="Nowhere"'))
    problems = shenpi.repository.validate(broken, "x.bpmn")
    assert [p["element"] for p in problems] == ["Task_Handle", "Flow_Revise", "End_Nothing", "Flow_6"]
    assert all(p["message"] and p["line"] for p in problems)
    with pytest.raises(Exception) as first:
        shenpi.repository.deploy(broken, "x.bpmn")
    assert first.value.element == "Task_Handle"   # deploy still refuses with the first problem


def test_problems_found_only_by_the_engine_build_are_reported(shenpi):
    looping = FIVE.replace(b'<bpmn:exclusiveGateway id="Gateway_Review" default="Flow_ReviewOk"/>',
                           b'<bpmn:exclusiveGateway id="Gateway_Review" default="Flow_Missing"/>')
    problems = shenpi.repository.validate(looping, "x.bpmn")
    assert len(problems) == 1 and problems[0]["message"]


def test_not_xml_is_one_problem_and_too_large_is_refused(shenpi):
    problems = shenpi.repository.validate(b"<oops", "x.bpmn")
    assert len(problems) == 1 and "well-formed" in problems[0]["message"] and problems[0]["line"] == 1
    shenpi.repository.max_upload_bytes = 100
    with pytest.raises(TooLarge):
        shenpi.repository.validate(FIVE, "x.bpmn")
