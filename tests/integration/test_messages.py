"""Messages (issue 17 §2): receive tasks, intermediate message catch events and message boundary events wait for
``POST /api/v1/messages``; the message's data is merged into the case; a message nobody waits for is refused and
changes nothing. On both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, NotFound, PermissionDenied, ProcessValidationError
from engine.identity.actors import ENGINE, EXCHANGE, Actor
from engine.models import Case, MessageWait, TrailEntry

from ..helpers import FIVE_STEP_ENTRY, FIXTURES, add_people, complete, open_task

FLOW = (FIXTURES / "message_flow.bpmn").read_bytes()
LAB = Actor(id="lab", name="检测中心接口", roles=(EXCHANGE,), department="测试局")
CATCH_EVENT = (
    b'<bpmn:intermediateCatchEvent id="Wait_Lab" name="\xe7\xad\x89\xe5\xbe\x85">'
    b'<bpmn:messageEventDefinition id="MsgDef_Lab" messageRef="Msg_Lab"/></bpmn:intermediateCatchEvent>'
)


def publish(engine, content=FLOW):
    engine.repository.deploy(content, "message_flow.bpmn", actor="admin")
    engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "LAB-1", "key": "message_flow", "process_file": "message_flow.bpmn"}, "admin"
    )
    add_people(engine)
    return engine


@pytest.fixture
def engine(bare_engine):
    return publish(bare_engine)


def waiting_case(engine, sample="S-001"):
    case = engine.cases.start_case("LAB-1", {"name": "张三"}, {}, ENGINE)
    task = open_task(engine, case["id"])
    engine.tasks.complete(task["id"], engine.identity.actor("clerk"), {"correlation": sample}, "同意")
    return case


def row(engine, case_id):
    with engine.db.reading() as session:
        return session.get(Case, case_id)


def waits(engine):
    with engine.db.reading() as session:
        return session.scalars(sa.select(MessageWait.element_id)).all()


def test_a_receive_task_waits_for_its_message_by_case_number(engine):
    case = waiting_case(engine)
    assert engine.messages.waiting(case["id"]) == [{"element": "Wait_Lab", "name": "检测结果", "correlation": "S-001"}]
    assert engine.tasks.list_tasks(ENGINE, case=case["id"], state="open") == []

    answer = engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 80})

    assert answer == {"name": "检测结果", "cases": [{"id": case["id"], "number": case["number"]}]}
    assert open_task(engine, case["id"])["element"] == "Task_Review"
    assert waits(engine) == ["Boundary_Withdraw"]  # the review step's boundary now waits
    engine.tasks.complete(open_task(engine, case["id"])["id"], engine.identity.actor("clerk"), {}, "同意")
    assert row(engine, case["id"]).outcome == "approved"  # ${passed && score > 60} over the merged data
    with engine.db.reading() as session:
        (received,) = session.scalars(sa.select(TrailEntry).where(TrailEntry.event == "message_received")).all()
    assert (received.actor, received.element_id, received.to_state) == ("lab", "Wait_Lab", "检测结果")


def test_a_message_by_correlation(engine):
    first, second = waiting_case(engine, "S-001"), waiting_case(engine, "S-002")
    engine.messages.deliver(LAB, "检测结果", correlation="S-002", data={"passed": False, "score": 10})
    assert open_task(engine, second["id"])["element"] == "Task_Review"
    assert engine.messages.waiting(first["id"])[0]["element"] == "Wait_Lab"


def test_a_message_boundary_event_interrupts_the_step(engine):
    case = waiting_case(engine)
    engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 80})
    engine.messages.deliver(LAB, "撤回申请", case=case["number"])
    assert (row(engine, case["id"]).status, row(engine, case["id"]).outcome) == ("ended", "terminated")
    assert waits(engine) == []


def test_an_intermediate_catch_event_waits_too(bare_engine):
    content = FLOW.replace(
        '<bpmn:receiveTask id="Wait_Lab" name="等待检测结果" messageRef="Msg_Lab"/>'.encode(), CATCH_EVENT
    )
    engine = publish(bare_engine, content)
    case = waiting_case(engine)
    assert waits(engine) == ["Wait_Lab"]
    engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 99})
    assert open_task(engine, case["id"])["element"] == "Task_Review"


def test_a_message_for_nobody_is_refused_and_changes_nothing(engine):
    case = waiting_case(engine)
    with pytest.raises(NotFound) as nobody:
        engine.messages.deliver(LAB, "撤回申请", case=case["number"])  # its review step has not opened yet
    assert nobody.value.reason == "message_not_waited" and "撤回申请" in str(nobody.value)
    with pytest.raises(NotFound):
        engine.messages.deliver(LAB, "检测结果", correlation="S-999")
    assert waits(engine) == ["Wait_Lab"]
    with pytest.raises(InvalidInput):
        engine.messages.deliver(LAB, "检测结果", case=case["number"], correlation="S-001")
    with pytest.raises(PermissionDenied):
        engine.messages.deliver(engine.identity.actor("clerk"), "检测结果", case=case["number"])
    other_unit = Actor(id="lab2", name="他局接口", roles=(EXCHANGE,), department="其他局")
    with pytest.raises(NotFound):  # another unit's integration account: as if nobody waited
        engine.messages.deliver(other_unit, "检测结果", case=case["number"])
    assert waits(engine) == ["Wait_Lab"]


COLLABORATION = """
  <bpmn:collaboration id="Collab_1">
    <bpmn:participant id="Pool_Office" name="审批机关" processRef="message_flow"/>
    <bpmn:participant id="Pool_Lab" name="检测中心" processRef="lab_process"/>
    <bpmn:messageFlow id="MsgFlow_Result" sourceRef="Lab_Send" targetRef="Wait_Lab" messageRef="Msg_Lab"/>
  </bpmn:collaboration>
  <bpmn:process id="lab_process" name="检测中心" isExecutable="false">
    <bpmn:startEvent id="Lab_Start"/>
    <bpmn:sendTask id="Lab_Send" name="发送检测结果" messageRef="Msg_Lab"/>
    <bpmn:sequenceFlow id="Lab_Flow" sourceRef="Lab_Start" targetRef="Lab_Send"/>
  </bpmn:process>
"""


def test_a_collaboration_runs_its_executable_pool_and_its_message_flows_are_waits(bare_engine):
    """Several pools: the executable pool is the one that runs; the message flow from the lab's pool is the receive
    task's wait for POST /api/v1/messages."""
    content = FLOW.replace(
        b'<bpmn:process id="message_flow"', COLLABORATION.encode() + b'<bpmn:process id="message_flow"'
    )
    engine = publish(bare_engine, content)
    case = waiting_case(engine)
    assert waits(engine) == ["Wait_Lab"]
    engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 61})
    engine.tasks.complete(open_task(engine, case["id"])["id"], engine.identity.actor("clerk"), {}, "同意")
    assert row(engine, case["id"]).outcome == "approved"


MESSAGE_START = (
    b'<bpmn:startEvent id="StartEvent_1" name="\xe6\x94\xb6\xe5\x88\xb0\xe7\x94\xb3\xe8\xaf\xb7">'
    b'<bpmn:messageEventDefinition id="MsgDef_Start" messageRef="Msg_Apply"/></bpmn:startEvent>'
)


def test_a_message_start_event_makes_the_case_wait_for_its_message_before_the_first_step(bare_engine):
    """A process whose start event is a message start event: the case is opened and waits at its start for the
    message; delivered (with data merged into the case), the flow starts and the first step opens."""
    content = FLOW.replace(b'<bpmn:startEvent id="StartEvent_1"/>', MESSAGE_START).replace(
        b'<bpmn:message id="Msg_Lab"',
        '<bpmn:message id="Msg_Apply" name="网上申请"/><bpmn:message id="Msg_Lab"'.encode(),
    )
    engine = publish(bare_engine, content)
    case = engine.cases.start_case("LAB-1", {"name": "张三"}, {}, ENGINE)
    assert engine.messages.waiting(case["id"]) == [{"element": "StartEvent_1", "name": "网上申请", "correlation": None}]
    assert engine.tasks.list_tasks(ENGINE, case=case["id"], state="open") == []
    engine.messages.deliver(LAB, "网上申请", case=case["number"], data={"correlation": "S-9"})
    assert open_task(engine, case["id"])["element"] == "Task_Accept"
    assert engine.messages.waiting(case["id"]) == []
    with pytest.raises(NotFound):
        engine.messages.deliver(LAB, "网上申请", case=case["number"], data={})  # nobody waits for it any more


WITHDRAWAL = (
    '<bpmn:message id="Msg_Cancel" name="申请人撤回申请"/>'
    '<bpmn:process id="message_flow" name="检测后审批" isExecutable="true">'
).encode()
WITHDRAWAL_SUBPROCESS = (
    '<bpmn:subProcess id="Sub_Cancel" triggeredByEvent="true">'
    '<bpmn:startEvent id="Start_Cancel" name="收到撤回申请" isInterrupting="true">'
    '<bpmn:messageEventDefinition id="MsgDef_Cancel" messageRef="Msg_Cancel"/></bpmn:startEvent>'
    '<bpmn:userTask id="Task_Close" name="办理撤回"/>'
    '<bpmn:endEvent id="End_Cancelled" name="终止"/>'
    '<bpmn:sequenceFlow id="Flow_C1" sourceRef="Start_Cancel" targetRef="Task_Close"/>'
    '<bpmn:sequenceFlow id="Flow_C2" sourceRef="Task_Close" targetRef="End_Cancelled"/>'
    "</bpmn:subProcess></bpmn:process>"
).encode()


def test_an_interrupting_event_subprocess_is_refused_at_deployment_and_a_non_interrupting_one_runs(bare_engine):
    """SpiffWorkflow never interrupts the flow for an event subprocess: one whose start event interrupts (BPMN's
    default) is refused, naming its start event; marked non-interrupting, the message opens its step beside the open
    one, and once both are done the case ends and waits for nothing more."""
    content = FLOW.replace(
        '<bpmn:process id="message_flow" name="检测后审批" isExecutable="true">'.encode(), WITHDRAWAL
    ).replace(b"</bpmn:process>", WITHDRAWAL_SUBPROCESS)
    with pytest.raises(ProcessValidationError) as refused:
        bare_engine.repository.deploy(content, "message_flow.bpmn", actor="admin")
    assert refused.value.reason == "bpmn_interrupting_event_subprocess"
    assert refused.value.params["subprocess"] == "Sub_Cancel" and refused.value.element == "Start_Cancel"
    engine = publish(bare_engine, content.replace(b'isInterrupting="true"', b'isInterrupting="false"'))
    case = engine.cases.start_case("LAB-1", {"name": "张三"}, {}, ENGINE)
    assert {w["name"] for w in engine.messages.waiting(case["id"])} == {"申请人撤回申请"}
    engine.messages.deliver(LAB, "申请人撤回申请", case=case["number"], data={"reason": "不再需要"})
    names = sorted(t["name"] for t in engine.tasks.list_tasks(ENGINE, case=case["id"]))
    assert names == ["办理撤回", "受理"]
    close = next(t for t in engine.tasks.list_tasks(ENGINE, case=case["id"]) if t["name"] == "办理撤回")
    engine.tasks.complete(close["id"], engine.identity.actor("clerk"), {}, "同意")
    complete(engine, case["id"], {"correlation": "S-9"})
    engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 80})
    complete(engine, case["id"], {})
    assert engine.cases.get_case(case["id"], ENGINE)["status"] == "ended"
    assert engine.messages.waiting(case["id"]) == []
