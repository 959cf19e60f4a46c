"""The outline of a flow the applicant reads (engine/definitions/outline.py): user steps in order, parallel steps
in one stage, without timers, gateways or lanes, and a case's place in it."""

from __future__ import annotations

from pathlib import Path

from SpiffWorkflow.bpmn.parser import BpmnParser

from engine.definitions import flow_outline, flow_outline_with_states

ROOT = Path(__file__).resolve().parents[2]


def spec_of(path: Path):
    parser = BpmnParser()
    parser.add_bpmn_file(str(path))
    return parser.get_spec(parser.get_process_ids()[0])


def names(stages) -> list[list[str]]:
    return [[step["name"] for step in stage] for stage in stages]


def test_a_sequence_of_steps_with_timers_on_each_is_the_steps_alone():
    stages = flow_outline(spec_of(ROOT / "processes" / "food_business_licence.bpmn"))
    assert names(stages) == [["受理"], ["材料审查"], ["现场核查"], ["审批决定"], ["核发食品经营许可证"]]
    everything = {step["element"] for stage in stages for step in stage}
    assert not any(element.startswith(("Timer_", "Gateway_", "End")) for element in everything)


def test_parallel_steps_share_a_stage_and_the_join_waits_for_them():
    stages = flow_outline(spec_of(ROOT / "processes" / "construction_joint_approval.bpmn"))
    assert names(stages) == [
        ["综合受理"],
        ["建设工程规划审查", "施工许可审查", "环境影响评价审查"],
        ["审批决定"],
        ["出具并联审批意见书"],
    ]


def test_a_case_is_placed_in_its_outline():
    spec = spec_of(ROOT / "tests" / "fixtures" / "five_step.bpmn")
    stages = flow_outline_with_states(spec, ["Task_Handle"], ["Task_Accept"], ended=False)
    assert [stage[0]["state"] for stage in stages] == ["done", "current", "ahead", "ahead", "ahead"]
    ended = flow_outline_with_states(spec, [], ["Task_Accept"], ended=True)  # refused after acceptance
    assert [stage[0]["state"] for stage in ended] == ["done", "passed", "passed", "passed", "passed"]
