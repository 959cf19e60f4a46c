"""Service tasks through connectors (issue 17 §2): the step that reaches a service task only records the call; the
worker makes it against an allowed host, with retries and an idempotency key, writes the outputs into the case and
goes on — or, when every attempt failed, the case gets an incident an administrator retries after the fix. Hosts
not allowed are refused at deploy and at run time. Against a local HTTP server in a thread, on both databases."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from engine.bootstrap import Shenpi
from engine.config import Settings
from engine.errors import ProcessValidationError
from engine.identity.actors import ENGINE
from engine.models import Case, ConnectorCall, Incident, TrailEntry

from ..helpers import BROKER_URL, FIVE_STEP_ENTRY, FIXTURES, PROCESSES, add_people, empty_database, open_task


class Service:
    """A local HTTP service: answers each request with the next planned status (then 200), records what it got."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.plan: list[int] = []
        self.answer: dict = {"ok": True}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = service.plan.pop(0) if service.plan else 200
                content = json.dumps(service.answer).encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    with Service() as running:
        yield running


def flow(port: int) -> bytes:
    return (FIXTURES / "connector_flow.bpmn").read_bytes().replace(b"PORT", str(port).encode())


def connector_engine(backend, tmp_path, clock, hosts: str) -> Shenpi:
    database = empty_database(backend, tmp_path)
    settings = Settings(
        database_url=str(database.bind.url),
        broker_url="memory://",
        processes_dir=PROCESSES,
        files_dir=tmp_path / "files",
        connector_hosts=hosts,
        connector_retries=2,
        connector_backoff_seconds=0,
        connector_timeout_seconds=5,
    )
    engine = Shenpi(settings, database=database, clock=clock)
    engine.init_db()
    add_people(engine)
    return engine


@pytest.fixture
def engine(request, bare_engine, tmp_path, clock, service):
    backend = bare_engine.db.bind.dialect.name
    backend = "postgresql" if backend == "postgresql" else "sqlite"
    built = connector_engine(backend, tmp_path, clock, f"127.0.0.1:{service.port}")
    built.repository.deploy(flow(service.port), "connector_flow.bpmn", actor="admin")
    built.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "CREDIT-1", "key": "connector_flow", "process_file": "connector_flow.bpmn"},
        "admin",
    )
    yield built
    if backend == "sqlite":
        built.db.bind.dispose()


def accepted(engine) -> int:
    """A case whose 受理 step is done: it now waits at the service task."""
    case_id = engine.cases.start_case("CREDIT-1", {"name": "张三"}, {}, ENGINE)["id"]
    task = open_task(engine, case_id)
    engine.tasks.complete(task["id"], engine.identity.actor("clerk"), {"applicant_name": "张三", "amount": 5}, "同意")
    return case_id


def case_row(engine, case_id):
    with engine.db.reading() as session:
        return session.get(Case, case_id)


def trail_rows(engine, case_id, event):
    with engine.db.reading() as session:
        return session.scalars(
            sa.select(TrailEntry).where(TrailEntry.case_id == case_id, TrailEntry.event == event)
        ).all()


def detail(row) -> dict:
    return json.loads(row.detail)


def calls(engine, case_id):
    with engine.db.reading() as session:
        return session.scalars(sa.select(ConnectorCall).where(ConnectorCall.case_id == case_id)).all()


def test_the_step_only_records_the_call_and_the_worker_makes_it(engine, service):
    case_id = accepted(engine)
    assert service.requests == []  # nothing was called inside the step
    assert [c.state for c in calls(engine, case_id)] == ["pending"]
    assert case_row(engine, case_id).status == "running"

    run = engine.periodic.run("connector_calls")

    assert run.changed == 1 and run.failed == 0
    (sent,) = service.requests
    assert sent["path"] == "/credit"
    assert json.loads(sent["body"]) == {"name": "张三", "amount": 5}
    assert sent["headers"]["X-Unit"] == "T01"
    assert len(sent["headers"]["Idempotency-Key"]) == 32
    row = case_row(engine, case_id)
    assert (row.status, row.outcome) == ("ended", "approved")  # response["ok"] → the ${credit_ok} flow
    (called,) = trail_rows(engine, case_id, "connector_called")
    assert called.to_state == "200" and detail(called)["attempts"] == 1 and called.data_digest
    assert [c.state for c in calls(engine, case_id)] == ["done"]
    assert engine.periodic.run("connector_calls").changed == 0  # done once


def test_outputs_decide_the_flow(engine, service):
    service.answer = {"ok": False}
    case_id = accepted(engine)
    engine.periodic.run("connector_calls")
    assert case_row(engine, case_id).outcome == "denied"


def test_failed_attempts_are_retried_with_the_same_key(engine, service):
    service.plan = [503, 500]  # two failures, then the third attempt (retries=2) succeeds
    case_id = accepted(engine)
    run = engine.periodic.run("connector_calls")
    assert run.changed == 1
    keys = {r["headers"]["Idempotency-Key"] for r in service.requests}
    assert len(service.requests) == 3 and len(keys) == 1
    assert detail(trail_rows(engine, case_id, "connector_called")[0])["attempts"] == 3


def test_every_attempt_failing_is_an_incident_retried_after_the_fix(engine, service):
    service.plan = [500, 500, 500]
    case_id = accepted(engine)
    run = engine.periodic.run("connector_calls")
    assert (run.failed, run.opened) == (1, 1)
    assert len(service.requests) == 3
    with engine.db.reading() as session:
        (incident,) = session.scalars(sa.select(Incident)).all()
    assert (incident.kind, incident.case_id, incident.element_id) == ("connector_calls", case_id, "Task_Credit")
    assert "status 500" in incident.message
    (failed,) = trail_rows(engine, case_id, "connector_failed")
    assert detail(failed)["attempts"] == 3
    assert case_row(engine, case_id).status == "running"

    # the service is fixed; the administrator retries the incident
    result = engine.incidents.retry(incident.id, engine.identity.actor("admin"))

    assert result["retry"] == "resolved"
    assert case_row(engine, case_id).outcome == "approved"
    assert len({r["headers"]["Idempotency-Key"] for r in service.requests}) == 1


def test_a_redirect_is_not_followed(engine, service):
    service.plan = [302, 302, 302]
    case_id = accepted(engine)
    assert engine.periodic.run("connector_calls").failed == 1
    assert [r["path"] for r in service.requests] == ["/credit"] * 3  # never the Location
    assert "status 302" in detail(trail_rows(engine, case_id, "connector_failed")[0])["error"]


def test_a_host_not_allowed_is_refused_at_deploy(engine, service):
    other = flow(service.port).replace(b"127.0.0.1", b"10.0.0.8")
    with pytest.raises(ProcessValidationError) as refused:
        engine.repository.deploy(other, "other.bpmn")
    assert refused.value.element == "Task_Credit"
    assert "10.0.0.8" in str(refused.value) and "SHENPI_CONNECTOR_HOSTS" in str(refused.value)


def test_a_host_no_longer_allowed_is_refused_at_run_time(engine, service, tmp_path, clock):
    case_id = accepted(engine)
    engine.connector_calls.hosts = frozenset()  # the administrator withdrew the host after deploy
    run = engine.periodic.run("connector_calls")
    assert run.failed == 1 and service.requests == []
    assert "not one connectors may call" in detail(trail_rows(engine, case_id, "connector_failed")[0])["error"]


def test_a_service_task_without_connector_is_refused(engine):
    content = (FIXTURES / "connector_flow.bpmn").read_bytes()
    start, end = content.index(b"<bpmn:extensionElements>"), content.index(b"</bpmn:extensionElements>")
    bare = content[:start] + content[end + len(b"</bpmn:extensionElements>") :]
    with pytest.raises(ProcessValidationError) as refused:
        engine.repository.deploy(bare, "bare.bpmn")
    assert refused.value.element == "Task_Credit" and "camunda:connector" in str(refused.value)


ERROR_BOUNDARY = (
    b'<bpmn:boundaryEvent id="Boundary_CreditDown" name="\xe4\xbf\xa1\xe7\x94\xa8\xe7\xb3\xbb\xe7\xbb\x9f\xe6\x95\x85\xe9\x9a\x9c"'
    b' attachedToRef="Task_Credit"><bpmn:errorEventDefinition id="ErrorDef_1"/></bpmn:boundaryEvent>'
    b'<bpmn:userTask id="Task_Manual" name="\xe4\xba\xba\xe5\xb7\xa5\xe6\xa0\xb8\xe6\x9f\xa5"/>'
    b'<bpmn:sequenceFlow id="Flow_Error" sourceRef="Boundary_CreditDown" targetRef="Task_Manual"/>'
    b'<bpmn:sequenceFlow id="Flow_Manual" sourceRef="Task_Manual" targetRef="End_Denied"/>'
    b"</bpmn:process>"
)


def test_an_error_boundary_event_takes_the_failure_instead_of_an_incident(engine, service):
    """A service task's error boundary event (信用系统故障) catches a call that failed every attempt: the case goes on
    to the manual check, with no incident."""
    content = (
        flow(service.port)
        .replace(b"</bpmn:process>", ERROR_BOUNDARY)
        .replace(
            b"<bpmn:flowNodeRef>End_Denied</bpmn:flowNodeRef>",
            b"<bpmn:flowNodeRef>End_Denied</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Manual</bpmn:flowNodeRef>"
            b"<bpmn:flowNodeRef>Boundary_CreditDown</bpmn:flowNodeRef>",
        )
    )
    engine.repository.deploy(content, "connector_flow.bpmn", actor="admin")  # version 2 of connector_flow
    service.plan = [500, 500, 500]
    case_id = accepted(engine)

    run = engine.periodic.run("connector_calls")

    assert (run.changed, run.failed) == (1, 0)
    with engine.db.reading() as session:
        assert session.scalars(sa.select(Incident)).all() == []
    assert open_task(engine, case_id)["element"] == "Task_Manual"
    assert [c.state for c in calls(engine, case_id)] == ["failed"]
    (failed,) = trail_rows(engine, case_id, "connector_failed")
    assert detail(failed)["error_path"] == "Boundary_CreditDown" and "status 500" in detail(failed)["error"]


def test_after_commit_the_call_goes_to_the_celery_worker(engine, service):
    """With Celery attached (eager here), the step hands the call to the worker's task once it has committed; a
    failure there becomes the same incident as in the sweep."""
    from engine import scheduler

    app = scheduler.make_celery(Settings(broker_url="memory://"))
    app.conf.task_always_eager = True
    previous = scheduler._engine, scheduler._app
    scheduler.attach(engine, app)
    try:
        case_id = accepted(engine)  # the step commits, then the worker's task calls
        assert len(service.requests) == 1
        assert case_row(engine, case_id).outcome == "approved"
        service.plan = [500, 500, 500]
        failing = accepted(engine)
        with engine.db.reading() as session:
            (incident,) = session.scalars(sa.select(Incident)).all()
        assert (incident.kind, incident.case_id) == ("connector_calls", failing)
    finally:
        scheduler._engine, scheduler._app = previous
        engine.connector_calls.queue = None


def test_a_send_task_calls_without_making_the_case_wait(engine, service):
    """A send task with the same connector: called after the step like a service task, but the case went on at once
    (it has no results to wait for)."""
    send = (
        b'<bpmn:sendTask id="Task_Notify" name="\xe9\x80\x9a\xe7\x9f\xa5"><bpmn:extensionElements><camunda:connector>'
        b"<camunda:inputOutput>"
        b'<camunda:inputParameter name="url">http://127.0.0.1:PORT/notify</camunda:inputParameter>'
        b'<camunda:inputParameter name="payload">{"amount": amount}</camunda:inputParameter>'
        b"</camunda:inputOutput><camunda:connectorId>http-connector</camunda:connectorId>"
        b"</camunda:connector></bpmn:extensionElements></bpmn:sendTask>"
    ).replace(b"PORT", str(service.port).encode())
    content = (
        flow(service.port)
        .replace(b'<bpmn:exclusiveGateway id="Gateway_Credit"', send + b'<bpmn:exclusiveGateway id="Gateway_Credit"')
        .replace(
            b'<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Accept" targetRef="Task_Credit"/>',
            b'<bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Accept" targetRef="Task_Notify"/>'
            b'<bpmn:sequenceFlow id="Flow_2b" sourceRef="Task_Notify" targetRef="Task_Credit"/>',
        )
        .replace(
            b"<bpmn:flowNodeRef>Task_Credit</bpmn:flowNodeRef>",
            b"<bpmn:flowNodeRef>Task_Credit</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Notify</bpmn:flowNodeRef>",
        )
    )
    engine.repository.deploy(content, "connector_flow.bpmn", actor="admin")
    case_id = accepted(engine)
    assert sorted(c.element_id for c in calls(engine, case_id)) == ["Task_Credit", "Task_Notify"]
    assert engine.periodic.run("connector_calls").changed == 2
    assert sorted(r["path"] for r in service.requests) == ["/credit", "/notify"]
    notify = next(r for r in service.requests if r["path"] == "/notify")
    assert json.loads(notify["body"]) == {"amount": 5}
    assert case_row(engine, case_id).outcome == "approved"


def test_a_message_end_event_calls_after_the_case_ended(engine, service):
    """A message end event with a connector: the case ends in the step; the worker still makes the call."""
    content = flow(service.port).replace(
        '<bpmn:endEvent id="End_Approved" name="准予许可"/>'.encode(),
        '<bpmn:endEvent id="End_Approved" name="准予许可"><bpmn:messageEventDefinition id="Notify_Def">'
        "<bpmn:extensionElements><camunda:connector><camunda:inputOutput>"
        f'<camunda:inputParameter name="url">http://127.0.0.1:{service.port}/licence</camunda:inputParameter>'
        '<camunda:inputParameter name="payload">{"ok": credit_ok}</camunda:inputParameter>'
        "</camunda:inputOutput><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector>"
        "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:endEvent>".encode(),
    )
    engine.repository.deploy(content, "connector_flow.bpmn", actor="admin")
    case_id = accepted(engine)
    assert engine.periodic.run("connector_calls").changed == 1  # the credit check: the case ends approved
    assert case_row(engine, case_id).outcome == "approved"
    assert engine.periodic.run("connector_calls").changed == 1  # then the end event's call
    assert [r["path"] for r in service.requests] == ["/credit", "/licence"]
    assert json.loads(service.requests[1]["body"]) == {"ok": True}
    assert len(trail_rows(engine, case_id, "connector_called")) == 2
    assert {c.state for c in calls(engine, case_id)} == {"done"}


@pytest.mark.broker
@pytest.mark.slow
@pytest.mark.skipif(not BROKER_URL, reason="SHENPI_TEST_BROKER_URL not set")
def test_the_call_goes_through_a_real_broker_to_a_worker(engine, service):
    """The step commits and hands the call to the broker; a real Celery worker (in a thread, solo pool) takes it,
    calls the local service and the case goes on to its end — nobody sweeps."""
    import time

    from celery.contrib.testing.worker import start_worker

    from engine import scheduler

    app = scheduler.make_celery(Settings(broker_url=BROKER_URL))
    previous = scheduler._engine, scheduler._app
    scheduler.attach(engine, app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            case_id = accepted(engine)
            deadline = time.monotonic() + 30
            while case_row(engine, case_id).status != "ended" and time.monotonic() < deadline:
                time.sleep(0.2)
        assert len(service.requests) == 1
        row = case_row(engine, case_id)
        assert (row.status, row.outcome) == ("ended", "approved")
        assert [c.state for c in calls(engine, case_id)] == ["done"]
        (called,) = trail_rows(engine, case_id, "connector_called")
        assert called.to_state == "200"
    finally:
        scheduler._engine, scheduler._app = previous
        engine.connector_calls.queue = None
