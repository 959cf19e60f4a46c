"""Differences between two versions of a process, on edits of the catalogue's real flows."""

from __future__ import annotations

import pytest

from engine.config import PROJECT_ROOT
from engine.definitions import definition_diff
from engine.errors import ProcessValidationError

FOOD = (PROJECT_ROOT / "processes" / "food_business_licence.bpmn").read_text("utf-8")
JOINT = (PROJECT_ROOT / "processes" / "construction_joint_approval.bpmn").read_text("utf-8")


def changed(diff) -> dict:
    return {element.id: element.changes for element in diff.changed}


def test_same_file_is_identical():
    diff = definition_diff.compare(FOOD, FOOD)
    assert diff.identical and diff.xml_diff == ""


def test_changed_timer_duration_is_reported_as_a_changed_timer():
    edited = FOOD.replace(
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(3)</bpmn:timeDate>\n      </bpmn:timerEventDefinition>\n'
        '    </bpmn:boundaryEvent>\n    <bpmn:sequenceFlow id="Flow_Limit_Review"',
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(5)</bpmn:timeDate>\n      </bpmn:timerEventDefinition>\n'
        '    </bpmn:boundaryEvent>\n    <bpmn:sequenceFlow id="Flow_Limit_Review"',
    )
    assert edited != FOOD
    diff = definition_diff.compare(FOOD, edited, "v1", "v2")
    assert changed(diff) == {
        "Timer_Limit_Review": {"timer": ("timeDate: working_days(3)", "timeDate: working_days(5)")}
    }
    assert not diff.added and not diff.removed
    assert "-        <bpmn:timeDate" in diff.xml_diff and "+        <bpmn:timeDate" in diff.xml_diff
    assert diff.xml_diff.startswith("--- v1\n+++ v2\n")


def test_timer_kind_change_from_date_to_duration():
    edited = FOOD.replace(
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">working_days(2)</bpmn:timeDate>',
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P2D"</bpmn:timeDuration>',
        1,
    )
    ((element, changes),) = changed(definition_diff.compare(FOOD, edited)).items()
    assert element == "Timer_Limit_Accept" and changes["timer"] == ("timeDate: working_days(2)", 'timeDuration: "P2D"')


def test_condition_name_and_documentation_changes():
    edited = FOOD.replace('approval == "deny"', 'approval in ("deny", "refuse")').replace(
        'name="材料审查">', 'name="材料审核">\n      <bpmn:documentation>核对申请材料</bpmn:documentation>'
    )
    changes = changed(definition_diff.compare(FOOD, edited))
    flow = next(key for key, value in changes.items() if "condition" in value)
    assert changes[flow]["condition"] == ('approval == "deny"', 'approval in ("deny", "refuse")')
    assert changes["Task_Review"] == {"name": ("材料审查", "材料审核"), "documentation": (None, "核对申请材料")}


def test_multi_instance_changes_are_named():
    edited = JOINT.replace(
        '<bpmn:multiInstanceLoopCharacteristics isSequential="false">',
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">',
    ).replace(
        '<bpmn:inputDataItem id="signer" name="signer"/>',
        '<bpmn:inputDataItem id="signer" name="signer"/>\n        '
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">len(signatures) &gt;= 2</bpmn:completionCondition>',
    )
    before, after = changed(definition_diff.compare(JOINT, edited))["Task_JointSignOff"]["multi_instance"]
    assert before.startswith("parallel") and "collection=signers" in before and "element=signer" in before
    assert after.startswith("sequential") and "completion=len(signatures) >= 2" in after


def test_lane_move_added_and_removed_elements_and_rerouted_flows():
    edited = FOOD.replace("<bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>", "").replace(
        '<bpmn:lane id="Lane_Approver" name="批准人">',
        '<bpmn:lane id="Lane_Approver" name="批准人">\n        <bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>',
    )
    edited = edited.replace(
        '<bpmn:sequenceFlow id="Flow_To_Task_Inspect" sourceRef="Task_Review" targetRef="Task_Inspect"/>',
        '<bpmn:sequenceFlow id="Flow_Review_Check" sourceRef="Task_Review" targetRef="Task_Inspect"/>',
    )
    diff = definition_diff.compare(FOOD, edited)
    changes = changed(diff)
    assert changes["Task_Review"]["lane"] == ("承办人", "批准人")
    assert "Flow_To_Task_Inspect→Task_Inspect" in changes["Task_Review"]["outgoing"][0]
    assert "Flow_Review_Check→Task_Inspect" in changes["Task_Review"]["outgoing"][1]
    assert [e.id for e in diff.added] == ["Flow_Review_Check"]
    assert [e.id for e in diff.removed] == ["Flow_To_Task_Inspect"]
    assert "Flow_Review_Check←Task_Review" in changes["Task_Inspect"]["incoming"][1]


def test_form_field_changes():
    form = (
        "<bpmn:extensionElements><camunda:formData>"
        '<camunda:formField id="approval" label="审批意见" type="string"/></camunda:formData></bpmn:extensionElements>'
    )
    base = (
        FOOD
        if "xmlns:camunda=" in FOOD
        else FOOD.replace("xmlns:bpmn=", 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:bpmn=', 1)
    )
    v1 = base.replace('name="材料审查">', 'name="材料审查">' + form)
    v2 = base.replace(
        'name="材料审查">',
        'name="材料审查">'
        + form.replace('type="string"/>', 'type="string"/><camunda:formField id="remark" label="备注" type="string"/>'),
    )
    before, after = changed(definition_diff.compare(v1, v2))["Task_Review"]["form_fields"]
    assert before == "approval[label=审批意见, type=string]"
    assert after == "approval[label=审批意见, type=string]; remark[label=备注, type=string]"


def test_unsafe_xml_is_refused():
    with pytest.raises(ProcessValidationError):
        definition_diff.compare(FOOD, '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')
