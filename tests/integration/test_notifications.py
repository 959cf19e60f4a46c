"""Notices over e-mail (a local SMTP server), SMS (a gateway adapter) and signed webhooks, chosen per user."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput
from engine.identity.actors import ENGINE
from engine.models import Notice, NoticeDelivery
from engine.notices.delivery import MAX_ATTEMPTS
from integrations.notifications.dispatcher import dispatch
from integrations.notifications.senders import EmailSender, SmsSender, WebhookSender, sign

from ..helpers import complete, open_task

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class RecordingGateway:
    def __init__(self, fail=False):
        self.sent, self.fail = [], fail

    def send(self, phone, text):
        if self.fail:
            raise ConnectionError("gateway unreachable")
        self.sent.append((phone, text))


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd checks its own port at start, so it must be a real one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    failures_left = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.failures_left > 0:
            Receiver.failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    Receiver.received, Receiver.failures_left = [], 0
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def senders(engine, controller=None, gateway=None):
    host, port = (controller.hostname, controller.port) if controller else ("", 25)
    return {
        "email": EmailSender(host, port, "shenpi@example.gov.cn"),
        "sms": SmsSender(gateway or RecordingGateway()),
        "webhook": WebhookSender(engine.clock, timeout=5),
    }


def notices(engine, kind=None):
    with engine.db.reading() as session:
        query = sa.select(Notice.recipient, Notice.kind, Notice.message).order_by(Notice.id)
        if kind:
            query = query.where(Notice.kind == kind)
        return session.execute(query).all()


def received_case(engine):
    """The citizen's application as the window receives it: the 补正 notice comes before acceptance (Art. 32), and
    no 受理通知书 notice is written yet."""
    return engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, engine.identity.actor("citizen"))


def applicant_case(engine):
    case = received_case(engine)
    complete(engine, case["id"], {"accept": "accept"})
    return case


def test_the_engine_writes_notices_for_supplements_lights_and_decisions(five_step_engine, clock):
    case = applicant_case(five_step_engine)
    five_step_engine.case_clock.pause(
        case["id"], "supplement", "缺材料", five_step_engine.identity.actor("clerk"), missing=["营业执照复印件"]
    )
    assert [(r, k) for r, k, _m in notices(five_step_engine, "supplement_request")] == [
        ("citizen", "supplement_request")
    ]
    assert "营业执照复印件" in notices(five_step_engine, "supplement_request")[0][2]
    five_step_engine.case_clock.resume(case["id"], five_step_engine.identity.actor("clerk"))
    five_step_engine.tasks.claim(
        open_task(five_step_engine, case["id"])["id"], five_step_engine.identity.actor("clerk")
    )
    clock.set(dt.datetime(2026, 12, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))  # past the statutory limit
    five_step_engine.sweep()
    lights = notices(five_step_engine, "warning_light")
    assert [r for r, _k, _m in lights] == ["clerk"] and "红灯" in lights[0][2]
    for data in ({}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(five_step_engine, case["id"], data)
    assert [(r, k) for r, k, _m in notices(five_step_engine, "decision")] == [("citizen", "decision")]
    assert "准予许可" in notices(five_step_engine, "decision")[0][2]


def test_a_case_started_at_the_window_tells_no_applicant_account(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for data in ({"accept": "accept"}, {}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(five_step_engine, case["id"], data)
    assert notices(five_step_engine, "decision") == []


def test_channels_are_validated_and_a_webhook_gets_a_secret_once(five_step_engine):
    settings = five_step_engine.notification_settings
    with pytest.raises(InvalidInput):
        settings.set_channel("citizen", "email", True, "not-an-address")
    with pytest.raises(InvalidInput):
        settings.set_channel("citizen", "webhook", True, "ftp://example.com/x")
    with pytest.raises(InvalidInput):
        settings.set_channel("citizen", "pigeon", True, "x")
    secret = settings.set_channel("citizen", "webhook", True, "https://example.com/hook")
    assert secret and len(secret) == 64
    assert settings.set_channel("citizen", "webhook", True, "https://example.com/other") is None
    channels = settings.channels("citizen")
    assert channels["webhook"] == {"enabled": True, "address": "https://example.com/other", "has_secret": True}
    assert channels["email"]["enabled"] is False
    assert settings.rotate_secret("citizen") != secret


def test_notices_go_out_by_email_sms_and_signed_webhook(five_step_engine, smtp_server, webhook_server):
    controller, mailbox = smtp_server
    settings = five_step_engine.notification_settings
    settings.set_channel("citizen", "email", True, "zhangsan@example.com")
    settings.set_channel("citizen", "sms", True, "13800000000")
    secret = settings.set_channel("citizen", "webhook", True, webhook_server)
    gateway = RecordingGateway()
    case = received_case(five_step_engine)
    five_step_engine.case_clock.pause(
        case["id"], "supplement", "缺材料", five_step_engine.identity.actor("clerk"), missing=["申请书"]
    )
    result = dispatch(five_step_engine, senders(five_step_engine, controller, gateway))
    assert result == {"created": 3, "sent": 3, "failed": 0, "incidents": 0}
    ((recipients, content),) = mailbox.messages
    assert recipients == ["zhangsan@example.com"] and "zhangsan@example.com" in content
    assert gateway.sent[0][0] == "13800000000" and "申请书" in gateway.sent[0][1]
    ((headers, body),) = Receiver.received
    timestamp = headers["X-Shenpi-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Shenpi-Signature"] == expected == sign(secret, timestamp, body)
    assert json.loads(body)["notice"]["kind"] == "supplement_request"
    assert dispatch(five_step_engine, senders(five_step_engine, controller, gateway)) == {
        "created": 0,
        "sent": 0,
        "failed": 0,
        "incidents": 0,
    }
    assert five_step_engine.notice_deliveries.status()["sent"] == 3


def test_a_failing_channel_is_retried_with_backoff_then_given_up(five_step_engine, clock, webhook_server):
    five_step_engine.notification_settings.set_channel("citizen", "webhook", True, webhook_server)
    five_step_engine.notification_settings.set_channel("citizen", "sms", True, "13800000000")
    Receiver.failures_left = 1
    case = received_case(five_step_engine)
    five_step_engine.case_clock.pause(
        case["id"], "supplement", "缺材料", five_step_engine.identity.actor("clerk"), missing=["申请书"]
    )
    broken = senders(five_step_engine, gateway=RecordingGateway(fail=True))
    assert dispatch(five_step_engine, broken) == {"created": 2, "sent": 0, "failed": 2, "incidents": 0}
    assert dispatch(five_step_engine, broken)["failed"] == 0  # not due again before the backoff
    clock.advance(minutes=1)
    assert dispatch(five_step_engine, broken) == {
        "created": 0,
        "sent": 1,
        "failed": 1,
        "incidents": 0,
    }  # the webhook is back up
    assert len(Receiver.received) == 1
    for _ in range(MAX_ATTEMPTS):
        clock.advance(hours=1)
        dispatch(five_step_engine, broken)
    with five_step_engine.db.reading() as session:
        sms = session.scalars(sa.select(NoticeDelivery).where(NoticeDelivery.channel == "sms")).one()
    assert sms.status == "failed" and sms.attempts == MAX_ATTEMPTS and "gateway unreachable" in sms.last_error


def test_email_without_a_server_waits_with_a_clear_reason(five_step_engine):
    five_step_engine.notification_settings.set_channel("citizen", "email", True, "zhangsan@example.com")
    case = received_case(five_step_engine)
    five_step_engine.case_clock.pause(
        case["id"], "supplement", "缺材料", five_step_engine.identity.actor("clerk"), missing=["申请书"]
    )
    assert dispatch(five_step_engine, senders(five_step_engine))["failed"] == 1
    assert "SMTP" in five_step_engine.notification_settings.deliveries("citizen")[0]["error"]


def test_the_worker_runs_the_dispatcher_on_a_schedule(five_step_engine):
    from engine import scheduler
    from engine.config import Settings
    from integrations.notifications import tasks

    app = scheduler.make_celery(Settings(broker_url="memory://"))
    scheduler.bind_engine(five_step_engine)
    tasks.register(app)
    assert "shenpi.dispatch_notices" in app.tasks and "dispatch-notices" in app.conf.beat_schedule
    five_step_engine.notification_settings.set_channel("citizen", "sms", True, "13800000000")
    case = received_case(five_step_engine)
    five_step_engine.case_clock.pause(
        case["id"], "supplement", "缺材料", five_step_engine.identity.actor("clerk"), missing=["申请书"]
    )
    assert app.tasks["shenpi.dispatch_notices"]() == {"created": 1, "sent": 1, "failed": 0, "incidents": 0}
    assert five_step_engine.sms_gateway.sent[-1][0] == "13800000000"


class _CrashingSender:
    """A sender with a bug (not a refusal): it raises something other than SendError."""

    def send(self, address, notice, secret):
        raise KeyError("template field missing")


def test_a_delivery_that_raises_is_an_incident_and_the_others_are_sent(five_step_engine, clock):
    five_step_engine.notification_settings.set_channel("citizen", "webhook", True, "https://example.invalid/hook")
    five_step_engine.notification_settings.set_channel("citizen", "sms", True, "13800000000")
    case = applicant_case(five_step_engine)
    five_step_engine.case_clock.pause(
        case["id"], "supplement", "缺材料", five_step_engine.identity.actor("clerk"), missing=["申请书"]
    )
    gateway = RecordingGateway()
    crashing = {**senders(five_step_engine, gateway=gateway), "webhook": _CrashingSender()}
    # two notices (the 补正 notice and its 补正通知书 issued), each by SMS and by the webhook that crashes
    assert dispatch(five_step_engine, crashing) == {"created": 4, "sent": 2, "failed": 0, "incidents": 2}
    assert len(gateway.sent) == 2
    admin = five_step_engine.identity.actor("admin")
    incidents = five_step_engine.incidents.list(admin, kind="notice_delivery")["items"]
    assert len(incidents) == 2
    for incident in incidents:
        assert incident["case"] == case["id"] and incident["element"] == "webhook" and "KeyError" in incident["message"]
    assert dispatch(five_step_engine, crashing)["incidents"] == 0  # they wait for their backoff
    incident = incidents[0]
    queued = five_step_engine.incidents.retry(incident["id"], admin)  # the dispatcher's next run tries it at once
    assert queued["state"] == "open" and queued["next_attempt_at"] == clock.now().isoformat()
    fixed = senders(five_step_engine, gateway=gateway)
    fixed["webhook"] = type("Ok", (), {"send": lambda self, *args: None})()
    assert dispatch(five_step_engine, fixed)["sent"] == 1  # only the retried one: the other still waits
    assert five_step_engine.incidents.get(incident["id"], admin)["state"] == "resolved"
