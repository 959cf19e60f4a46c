"""Issue 17 §2, done when: a flow drawn from an empty diagram in the modeler, in Chinese — a step with a limit of 3
working days set from the panel, a service task calling a local HTTP service (its address, body and result set in the
panel's 调用外部服务 group), a receive task waiting for a message (等待的消息) and a message end event calling the service
through the same group — deploys and runs to its end: the worker calls the service after the step, the message
arrives by its name, the case is approved and the end event's call is made."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.models import ProcessDefinition

from .test_modeler import MATTER, POST, UNIT, Modeler

RECEIVED: list[dict] = []


class _Credit(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        RECEIVED.append({"path": self.path, "body": json.loads(body or b"null")})
        content = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass


def test_a_drawn_flow_with_a_service_task_and_a_message_wait_runs_to_its_end(visitor_factory, live_server):
    engine = live_server.engine
    service = ThreadingHTTPServer(("127.0.0.1", 0), _Credit)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    port = service.server_address[1]
    hosts = frozenset({("127.0.0.1", port)})  # SHENPI_CONNECTOR_HOSTS of this server
    engine.repository.connector_hosts = hosts
    engine.connector_calls.hosts = hosts
    try:
        admin = visitor_factory()
        admin.login("admin")
        admin.open("/admin/modeler")
        page = admin.page
        page.wait_for_selector("#canvas .djs-element")
        modeler = Modeler(admin)
        canvas = page.locator("#canvas").bounding_box()

        # 受理: a user task in a lane picked from the unit tree, with a limit of 3 working days.
        modeler.select("StartEvent_1")
        page.click('.djs-context-pad [data-action="append.append-task"]')
        page.keyboard.type("受理")
        page.mouse.click(canvas["x"] + 700, canvas["y"] + 40)
        [step] = modeler.shapes("Activity_")
        modeler.select(step)
        page.click('.djs-context-pad [data-action="replace"]')
        page.click('.djs-popup [data-id="replace-with-user-task"]')
        [step] = modeler.shapes("Activity_")
        modeler.open_group("shenpi-step")
        page.wait_for_selector(f'#bio-properties-panel-shenpi-lane-department option[value="{UNIT}"]', state="attached")
        page.select_option("#bio-properties-panel-shenpi-lane-department", UNIT)
        page.wait_for_selector(f'#bio-properties-panel-shenpi-lane-post option[value="{POST}"]', state="attached")
        page.select_option("#bio-properties-panel-shenpi-lane-post", POST)
        page.wait_for_selector(f"[data-entry-id='shenpi-step-lane']:has-text('{UNIT}/{POST}')")
        modeler.open_group("shenpi-step-timers")
        page.click("#properties .timer-add-limit")
        page.wait_for_selector("#properties [data-group-id='group-shenpi-timer']")
        modeler.open_group("shenpi-timer")
        page.fill("#bio-properties-panel-shenpi-timer-amount", "3")
        page.wait_for_selector("[data-entry-id='shenpi-timer-expression']:has-text('working_days(3)')")

        # 查询信用: a service task whose call is set in the panel.
        modeler.select(step)
        page.click('.djs-context-pad [data-action="append.append-task"]')
        page.keyboard.type("查询信用")
        page.mouse.click(canvas["x"] + 700, canvas["y"] + 40)
        [credit] = [shape for shape in modeler.shapes("Activity_") if shape != step]
        modeler.select(credit)
        page.click('.djs-context-pad [data-action="replace"]')
        assert page.locator('.djs-popup [data-id="replace-with-service-task"]').count() == 1
        page.click('.djs-popup [data-id="replace-with-service-task"]')
        [credit] = [shape for shape in modeler.shapes("Activity_") if shape != step]
        assert page.inner_text("#properties .bio-properties-panel-header-type") == "服务任务（调用外部服务）"
        modeler.open_group("shenpi-connector")
        page.fill("#bio-properties-panel-shenpi-connector-url", f"http://127.0.0.1:{port}/credit")
        page.fill("#bio-properties-panel-shenpi-connector-payload", '{"unit": "T01", "check": "credit"}')
        page.fill("#bio-properties-panel-shenpi-connector-outputs", 'credit_ok = response["ok"]')
        page.keyboard.press("Tab")
        page.wait_for_timeout(600)  # the panel's debounce writes the connector

        # 等待检测结果: a receive task waiting for the message 检测结果.
        modeler.select(credit)
        page.click('.djs-context-pad [data-action="append.append-task"]')
        page.keyboard.type("等待检测结果")
        page.mouse.click(canvas["x"] + 700, canvas["y"] + 40)
        [wait] = [shape for shape in modeler.shapes("Activity_") if shape not in (step, credit)]
        modeler.select(wait)
        page.click('.djs-context-pad [data-action="replace"]')
        page.click('.djs-popup [data-id="replace-with-receive-task"]')
        [wait] = [shape for shape in modeler.shapes("Activity_") if shape not in (step, credit)]
        modeler.open_group("shenpi-message")
        page.fill("#bio-properties-panel-shenpi-message-name", "检测结果")
        page.keyboard.press("Tab")
        page.wait_for_timeout(600)

        # The end: 准予, a message end event telling the applicant's system through the same connector group.
        modeler.select(wait)
        events = set(modeler.shapes("Event_"))  # the step's limit timer
        modeler.context("append.end-event")
        [end] = set(modeler.shapes("Event_")) - events
        modeler.select(end)
        page.click('.djs-context-pad [data-action="replace"]')
        page.click('.djs-popup [data-id="replace-with-message-end"]')
        [end] = set(modeler.shapes("Event_")) - events
        modeler.select(end)
        modeler.open_group("shenpi-outcome")
        page.select_option("#bio-properties-panel-shenpi-outcome", "approved")
        modeler.open_group("shenpi-connector")
        header = "#properties [data-group-id='group-shenpi-connector'] .bio-properties-panel-group-header"
        assert "调用外部服务" in page.inner_text(header)
        page.fill("#bio-properties-panel-shenpi-connector-url", f"http://127.0.0.1:{port}/notify")
        page.fill("#bio-properties-panel-shenpi-connector-payload", '{"result": "approved"}')
        page.keyboard.press("Tab")
        page.wait_for_timeout(600)
        admin.check_rendered("modeler-connector-message")

        page.click("#validate-button")
        page.wait_for_selector("#modeler-status.alert-success:has-text('校验通过')")
        page.click("#deploy-button")
        page.wait_for_selector("#deploy-dialog[open]")
        page.fill("#change-note", "新建：受理后查询信用、等待检测结果")
        page.click("#deploy-confirm")
        page.wait_for_selector("#modeler-status.alert-success:has-text('第 1 版')")

        with engine.db.reading() as session:
            xml = session.scalar(sa.select(ProcessDefinition.xml).where(ProcessDefinition.key == "Process_New"))
        assert "<camunda:connectorId>http-connector</camunda:connectorId>" in xml
        assert 'name="检测结果"' in xml and "working_days(3)" in xml

        # A case on the drawn flow runs to its end.
        engine.catalogue.publish(MATTER, "admin")
        case = engine.cases.start_case(MATTER["code"], {"name": "张三"}, {}, ENGINE)
        [first] = case["tasks"]
        assert first["name"] == "受理" and first["due_at"]  # 3 working days
        engine.tasks.complete(first["id"], ENGINE, {}, "受理")
        assert RECEIVED == []  # the call is the worker's, after the step
        assert engine.periodic.run("connector_calls").changed == 1
        assert RECEIVED == [{"path": "/credit", "body": {"unit": "T01", "check": "credit"}}]
        assert engine.messages.waiting(case["id"])[0]["name"] == "检测结果"
        engine.messages.deliver(ENGINE, "检测结果", case=case["number"], data={"lab": "合格"})
        ended = engine.cases.get_case(case["id"], ENGINE)
        assert (ended["status"], ended["outcome"]) == ("ended", "approved")
        assert engine.periodic.run("connector_calls").changed == 1  # the message end event's call, after the end
        assert RECEIVED[-1] == {"path": "/notify", "body": {"result": "approved"}}
    finally:
        service.shutdown()
        service.server_close()
