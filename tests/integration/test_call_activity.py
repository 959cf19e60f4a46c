"""Call activities to a deployed process (issue 17 §2): the caller runs the called process's latest version deployed
when the caller was; a call to a process not deployed is refused naming the call activity."""

from __future__ import annotations

import pytest

from engine.definitions import repository as repository_module
from engine.errors import ProcessValidationError
from engine.identity.actors import ENGINE

from ..helpers import FIVE_STEP_ENTRY, add_people, complete, open_task

CALLED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Called" targetNamespace="t">
  <bpmn:process id="site_check" name="现场核查" isExecutable="true">
    <bpmn:laneSet id="LaneSet_C"><bpmn:lane id="Lane_C" name="承办人">
      <bpmn:flowNodeRef>Start_C</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Site</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>End_C</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_C"/>
    <bpmn:userTask id="Task_Site" name="NAME"/>
    <bpmn:endEvent id="End_C" name="准予"/>
    <bpmn:sequenceFlow id="Flow_C1" sourceRef="Start_C" targetRef="Task_Site"/>
    <bpmn:sequenceFlow id="Flow_C2" sourceRef="Task_Site" targetRef="End_C"/>
  </bpmn:process>
</bpmn:definitions>
"""
CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Caller" targetNamespace="t">
  <bpmn:process id="with_site_check" name="含现场核查的审批" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="受理窗口">
      <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Accept</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Call_Site</bpmn:flowNodeRef><bpmn:flowNodeRef>End_Approved</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:userTask id="Task_Accept" name="受理"/>
    <bpmn:callActivity id="Call_Site" name="现场核查" calledElement="site_check"/>
    <bpmn:endEvent id="End_Approved" name="准予许可"/>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Accept"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Accept" targetRef="Call_Site"/>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Call_Site" targetRef="End_Approved"/>
  </bpmn:process>
</bpmn:definitions>
"""


def publish_caller(engine):
    engine.repository.deploy(CALLER.encode(), "with_site_check.bpmn", actor="admin")
    engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "SITE-1", "key": "with_site_check", "process_file": "with_site_check.bpmn"},
        "admin",
    )


def test_a_call_activity_runs_the_deployed_process(bare_engine, clock):
    engine = bare_engine
    add_people(engine)
    engine.repository.deploy(CALLED.replace("NAME", "现场核查").encode(), "site_check.bpmn", actor="admin")
    publish_caller(engine)
    clock.advance(hours=1)
    # a later version of the called process: cases of the caller deployed before keep calling the first
    engine.repository.deploy(CALLED.replace("NAME", "新版核查").encode(), "site_check.bpmn", actor="admin")
    repository_module._parsed_by_hash.clear()  # as after a restart: the caller's spec is built again
    engine.repository._hash_of.clear()

    case = engine.cases.start_case("SITE-1", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {})
    site = open_task(engine, case["id"])
    assert (site["element"], site["name"], site["post"]) == ("Task_Site", "现场核查", "承办人")
    complete(engine, case["id"], {})
    assert engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"


def test_a_call_to_a_process_not_deployed_is_refused(bare_engine):
    with pytest.raises(ProcessValidationError) as refused:
        bare_engine.repository.deploy(CALLER.encode(), "with_site_check.bpmn")
    assert refused.value.element == "Call_Site" and "site_check" in str(refused.value)
    problems = bare_engine.repository.validate(CALLER.encode())
    assert [p["element"] for p in problems] == ["Call_Site"]
