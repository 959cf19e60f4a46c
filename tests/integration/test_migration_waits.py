"""Migrating cases that wait outside a step (issue 17 §2/§3): a message wait or a pending connector call is carried
over when the new version has the same element doing the same thing (the same id: waiting for a message of the
same name, holding a connector); otherwise the case is refused with the reason, in the dry run as in the migration.
A case inside a call activity is refused. On both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.models import TrailEntry

from ..helpers import FIVE_STEP_ENTRY, add_people, complete, open_task
from .test_call_activity import CALLED, CALLER, publish_caller
from .test_connectors import Service, accepted, calls, case_row, connector_engine, flow
from .test_messages import FLOW, LAB, publish, waiting_case


def migrate(engine, key, case_id, dry_run=False, mapping=None):
    return engine.migration.migrate(
        engine.identity.actor("admin"), key, 1, 2, cases=[case_id], mapping=mapping, dry_run=dry_run
    )


def only(result):
    (one,) = result["cases"]
    return one


def test_a_message_wait_is_carried_over_and_the_message_still_wakes_the_case(bare_engine):
    engine = publish(bare_engine)
    case = waiting_case(engine)
    engine.repository.deploy(FLOW.replace("审核".encode(), "复核".encode()), "message_flow.bpmn", actor="admin")
    assert only(migrate(engine, "message_flow", case["id"], dry_run=True))["status"] == "would_migrate"
    done = only(migrate(engine, "message_flow", case["id"]))
    assert done["status"] == "migrated" and done["waits_carried_over"] == {"connector_calls": 0, "message_waits": 1}
    assert engine.messages.waiting(case["id"])[0]["element"] == "Wait_Lab"
    engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 80})
    task = open_task(engine, case["id"])
    assert (task["element"], task["name"]) == ("Task_Review", "复核")  # the new version's step
    complete(engine, case["id"], {})
    assert engine.cases.get_case(case["id"], ENGINE)["outcome"] == "approved"


def test_a_wait_for_a_message_the_new_version_no_longer_awaits_there_is_refused(bare_engine):
    engine = publish(bare_engine)
    case = waiting_case(engine)
    changed = FLOW.replace('name="检测结果"'.encode(), 'name="复检结果"'.encode())
    engine.repository.deploy(changed, "message_flow.bpmn", actor="admin")
    for dry_run in (True, False):
        refused = only(migrate(engine, "message_flow", case["id"], dry_run=dry_run))
        assert refused["status"] == "refused" and refused["reason"] == "migration_message_wait_moved"
        assert "Wait_Lab" in str(refused["message"]) and "检测结果" in str(refused["message"])
    engine.messages.deliver(LAB, "检测结果", case=case["number"], data={"passed": True, "score": 80})
    assert open_task(engine, case["id"])["name"] == "审核"  # still on version 1


@pytest.fixture
def connectors(bare_engine, tmp_path, clock):
    backend = "postgresql" if bare_engine.db.bind.dialect.name == "postgresql" else "sqlite"
    with Service() as service:
        engine = connector_engine(backend, tmp_path, clock, f"127.0.0.1:{service.port}")
        engine.repository.deploy(flow(service.port), "connector_flow.bpmn", actor="admin")
        engine.catalogue.publish(
            {**FIVE_STEP_ENTRY, "code": "CREDIT-1", "key": "connector_flow", "process_file": "connector_flow.bpmn"},
            "admin",
        )
        yield engine, service
        if backend == "sqlite":
            engine.db.bind.dispose()


def test_a_pending_connector_call_is_carried_over_and_made_on_the_new_version(connectors):
    engine, service = connectors
    case_id = accepted(engine)
    assert [c.state for c in calls(engine, case_id)] == ["pending"]
    engine.repository.deploy(
        flow(service.port).replace("查询信用".encode(), "信用查询".encode()), "connector_flow.bpmn", actor="admin"
    )
    done = only(migrate(engine, "connector_flow", case_id))
    assert done["status"] == "migrated" and done["waits_carried_over"]["connector_calls"] == 1
    assert engine.periodic.run("connector_calls").changed == 1
    assert len(service.requests) == 1
    row = case_row(engine, case_id)
    assert (row.status, row.outcome) == ("ended", "approved")


def test_a_pending_call_mapped_to_another_element_is_refused(connectors):
    engine, service = connectors
    case_id = accepted(engine)
    moved = flow(service.port).replace(b'"Task_Credit"', b'"Task_Credit2"').replace(b">Task_Credit<", b">Task_Credit2<")
    engine.repository.deploy(moved, "connector_flow.bpmn", actor="admin")
    refused = only(migrate(engine, "connector_flow", case_id, dry_run=True, mapping={"Task_Credit": "Task_Credit2"}))
    assert refused["status"] == "refused" and refused["reason"] == "migration_connector_call_moved", refused
    assert "Task_Credit" in str(refused["message"])
    assert [c.state for c in calls(engine, case_id)] == ["pending"]


def test_a_case_inside_a_call_activity_is_refused_naming_it(bare_engine):
    engine = bare_engine
    add_people(engine)
    engine.repository.deploy(CALLED.replace("NAME", "现场核查").encode(), "site_check.bpmn", actor="admin")
    publish_caller(engine)
    case = engine.cases.start_case("SITE-1", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {})
    assert open_task(engine, case["id"])["element"] == "Task_Site"  # inside the called process
    engine.repository.deploy(
        CALLER.replace("含现场核查的审批", "含现场核查的审批（新）").encode(), "w.bpmn", actor="admin"
    )
    refused = engine.migration.migrate(
        engine.identity.actor("admin"), "with_site_check", 1, 2, cases=[case["id"]], dry_run=True
    )["cases"][0]
    assert refused["status"] == "refused" and refused["reason"] == "migration_in_call_activity"
    assert "Call_Site" in str(refused["message"])
    with engine.db.reading() as session:
        assert not session.scalars(sa.select(TrailEntry).where(TrailEntry.event == "case_migrated")).all()


NOTE_SUBPROCESS = (
    '<bpmn:message id="Msg_Note" name="补充说明"/>'
    '<bpmn:process id="message_flow" name="检测后审批" isExecutable="true">'
).encode()
NOTE_EVENT_SUBPROCESS = (
    '<bpmn:subProcess id="Sub_Note" triggeredByEvent="true">'
    '<bpmn:startEvent id="Start_Note" name="收到补充说明" isInterrupting="false">'
    '<bpmn:messageEventDefinition id="MsgDef_Note" messageRef="Msg_Note"/></bpmn:startEvent>'
    '<bpmn:userTask id="Task_Note" name="登记补充说明"/>'
    '<bpmn:endEvent id="End_Note"/>'
    '<bpmn:sequenceFlow id="Flow_N1" sourceRef="Start_Note" targetRef="Task_Note"/>'
    '<bpmn:sequenceFlow id="Flow_N2" sourceRef="Task_Note" targetRef="End_Note"/>'
    "</bpmn:subProcess></bpmn:process>"
).encode()


def with_note_subprocess(content: bytes) -> bytes:
    return content.replace(
        b'<bpmn:process id="message_flow" name="\xe6\xa3\x80\xe6\xb5\x8b\xe5\x90\x8e\xe5\xae\xa1\xe6\x89\xb9" '
        b'isExecutable="true">',
        NOTE_SUBPROCESS,
    ).replace(b"</bpmn:process>", NOTE_EVENT_SUBPROCESS)


def test_the_wait_for_a_message_started_event_subprocess_is_carried_over(bare_engine):
    """A running case waits for the message of its message-started event subprocess from its start; migrated to a
    version that keeps it, it still does, and the message opens the new version's step."""
    engine = publish(bare_engine, with_note_subprocess(FLOW))
    case = engine.cases.start_case("LAB-1", {"name": "张三"}, {}, ENGINE)
    assert {w["name"] for w in engine.messages.waiting(case["id"])} == {"补充说明"}
    renamed = with_note_subprocess(FLOW).replace("登记补充说明".encode(), "核对补充说明".encode())
    engine.repository.deploy(renamed, "message_flow.bpmn", actor="admin")
    done = only(migrate(engine, "message_flow", case["id"]))
    assert done["status"] == "migrated" and done["waits_carried_over"] == {"connector_calls": 0, "message_waits": 1}
    engine.messages.deliver(LAB, "补充说明", case=case["number"], data={"note": "补充了身份证复印件"})
    names = sorted(t["name"] for t in engine.tasks.list_tasks(ENGINE, case=case["id"]))
    assert names == ["受理", "核对补充说明"]
