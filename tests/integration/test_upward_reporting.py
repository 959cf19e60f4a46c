"""Upward reporting: outbox records written with the change they report, sent in batches to a local platform that
fails on purpose, retried with backoff, never lost, never duplicated at the platform."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from engine import scheduler
from engine.bootstrap import Shenpi
from engine.config import PROJECT_ROOT
from engine.errors import InvalidInput, PermissionDenied
from engine.exchange.outbox import LEASE_SECONDS
from engine.identity.actors import ENGINE, SUPERVISOR, Actor
from engine.models import OutboxMessage
from integrations.upward import report
from integrations.upward import tasks as upward_tasks

from ..helpers import BACKENDS, FIVE_STEP_ENTRY, FIXTURES, add_people, complete, make_engine, publish_five_step
from .upward_receiver import Receiver

SECRET = "s3cret"
SCHEMA = PROJECT_ROOT / "docs" / "upward-report.schema.json"


@pytest.fixture
def platform():
    with Receiver(secret=SECRET) as receiver:
        yield receiver


def reporting_engine(tmp_path, clock, url, backend="sqlite", **settings) -> Shenpi:
    base = make_engine(backend, tmp_path, clock)
    config = base.settings.model_copy(
        update={
            "upward_url": url,
            "upward_secret": SECRET,
            "upward_batch_size": 3,
            "upward_backoff_seconds": 30,
            "upward_backoff_cap_seconds": 300,
            "upward_max_attempts": 4,
            "upward_region": "测试市",
            **settings,
        }
    )
    return publish_five_step(Shenpi(config, database=base.db, clock=clock))


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path, clock, platform):
    engine = reporting_engine(tmp_path, clock, platform.url, request.param)
    yield engine
    if request.param == "sqlite":
        engine.db.engine.dispose()


def outbox(engine, **where):
    with engine.db.reading() as session:
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return session.scalars(query).all()


def accepted_case(engine):
    case = engine.runtime.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {"accept": "accept"})
    return case


def test_records_are_written_with_the_change_and_only_for_reportable_events(engine):
    case = accepted_case(engine)
    rows = outbox(engine)
    # the acceptance issues its 受理通知书: a reportable fact too
    assert [json.loads(r.payload)["event"] for r in rows] == ["case_started", "case_accepted", "document_issued"]
    assert {r.topic for r in rows} == {"case_event"} and all(r.status == "pending" for r in rows)
    assert len({r.key for r in rows}) == 3 and rows[0].case_id == case["id"]
    with pytest.raises(InvalidInput):  # a step that fails writes no trail row and no outbox record
        engine.case_clock.pause(case["id"], "no-such-kind", "x", ENGINE)
    assert len(outbox(engine)) == 3
    engine.case_clock.pause(case["id"], "supplement", "缺材料", ENGINE, missing=["营业执照"])
    assert [json.loads(r.payload)["event"] for r in outbox(engine)[-2:]] == ["clock_paused", "document_issued"]


def test_a_rolled_back_transaction_leaves_no_record(engine):
    from engine.trail import chain as trail

    with pytest.raises(RuntimeError), engine.db.transaction() as session:
        trail.append(session, [trail.event("complaint_filed", engine.clock.now(), actor="anonymous")])
        assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
        raise RuntimeError("the change fails after its trail row")
    assert outbox(engine) == []


def test_reporting_off_writes_nothing(tmp_path, clock):
    engine = make_engine("sqlite", tmp_path, clock)
    engine.repository.deploy((FIXTURES / "five_step.bpmn").read_bytes(), "five_step.bpmn", actor="admin")
    engine.catalogue.publish(FIVE_STEP_ENTRY, "admin")
    add_people(engine)
    accepted_case(engine)
    assert outbox(engine) == [] and not engine.outbox.enabled
    assert report(engine)["batches"] == 0
    engine.db.engine.dispose()


def test_batches_are_sent_signed_and_marked_sent(engine, platform):
    for _ in range(2):
        accepted_case(engine)  # 6 records (started, accepted, 受理通知书 issued), batches of 3
    done = report(engine)
    assert done == {"batches": 2, "records": 6, "failed": 0, "error": None, "retry_in": None}
    assert [r.status for r in outbox(engine)] == ["sent"] * 6
    assert len(platform.batches) == 2 and len(platform.records) == 6 and platform.bad_signatures == 0
    first = next(b for b in platform.batches.values() if len(b["records"]) == 3)
    assert first["platform_code"] == "shenpi" and first["region"] == "测试市" and first["attempt"] == 1
    record = first["records"][0]
    assert record["event"] == "case_started" and record["case_number"].startswith("20261123")
    assert record["matter_code"] == "TEST-0001" and record["department"] == "测试局"
    assert record["occurred_at"] == "2026-11-23T01:00:00Z"
    assert report(engine)["batches"] == 0  # nothing left


def test_failures_are_retried_with_backoff_as_the_same_batch(engine, platform, clock):
    accepted_case(engine)
    platform.fail_next = 1
    platform.drop_next = 1
    done = report(engine)  # dropped connection
    assert done["batches"] == 0 and done["retry_in"] == 30 and "RemoteDisconnected" in done["error"]
    assert report(engine)["batches"] == 0  # not due before its backoff: nothing is sent
    assert platform.requests == 1
    clock.advance(seconds=31)
    done = report(engine)  # HTTP 500, second attempt
    assert done["error"] == "HTTP 500 Internal Server Error" and done["retry_in"] == 60
    rows = outbox(engine)
    assert {r.attempts for r in rows} == {2} and {r.status for r in rows} == {"pending"}
    assert rows[0].last_error == "HTTP 500 Internal Server Error"
    status = engine.outbox.status(ENGINE)
    assert status["pending"] == 3 and status["due"] == 0 and len(status["problems"]) == 3
    clock.advance(seconds=61)
    assert report(engine)["records"] == 3
    batch_ids = {r.batch_id for r in outbox(engine)}
    assert len(batch_ids) == 1 and set(platform.batches) == batch_ids  # the same batch, third attempt
    assert platform.batches[batch_ids.pop()]["attempt"] == 3
    assert [r.status for r in outbox(engine)] == ["sent", "sent", "sent"]


def test_nothing_is_lost_while_the_platform_is_down(tmp_path, platform, clock):
    engine = reporting_engine(tmp_path, clock, platform.url, upward_max_attempts=20)
    platform.fail_next = 1000
    for _ in range(3):
        accepted_case(engine)
        report(engine)
        clock.advance(minutes=10)
    accepted_case(engine)
    assert report(engine)["error"]
    platform.fail_next = 0
    clock.advance(minutes=10)
    for _ in range(5):
        report(engine)
    assert len(platform.records) == 12 == len(outbox(engine, status="sent"))
    assert platform.requests == 4 + 4  # one try per run while down (no hammering), then 4 batches
    engine.db.engine.dispose()


def test_a_resent_batch_is_not_duplicated_at_the_platform(engine, platform, clock):
    accepted_case(engine)
    batch = engine.outbox.next_batch()
    from integrations.upward import batch as batch_doc
    from integrations.upward.sender import post

    body = batch_doc.encode(batch_doc.document(batch, engine.settings, "2026-11-23T01:00:00Z"))
    post(engine.settings, batch.batch_id, body)  # the platform got it, but the answer was lost
    clock.advance(seconds=LEASE_SECONDS + 1)  # the lease of the batch that was not settled
    assert report(engine)["records"] == 3  # sent again as the same batch
    assert platform.duplicates == 1 and len(platform.records) == 3 and len(platform.batches) == 1


def test_failed_after_max_attempts_then_manual_retry(engine, platform, clock):
    accepted_case(engine)
    platform.fail_next = 4
    for _ in range(4):
        report(engine)
        clock.advance(seconds=301)
    assert {r.status for r in outbox(engine)} == {"failed"}
    assert report(engine)["batches"] == 0  # failed records wait for a person
    status = engine.outbox.status(ENGINE)
    assert status["failed"] == 3 and status["problems"][0]["status"] == "failed"
    with pytest.raises(PermissionDenied):
        engine.outbox.retry_failed(Actor(id="supervisor", name="监察员", roles=(SUPERVISOR,)))
    assert engine.outbox.retry_failed(ENGINE) == 3
    assert report(engine)["records"] == 3 and len(platform.batches) == 1
    assert engine.history.verify().ok  # the retry is on the trail


def test_status_is_for_administrators_and_supervisors(engine):
    with pytest.raises(PermissionDenied):
        engine.outbox.status(Actor(id="clerk", name="窗口甲", roles=("official",)))
    assert engine.outbox.status(Actor(id="s", name="监察员", roles=(SUPERVISOR,)))["enabled"]


def test_celery_task_sends_and_retries_through_the_beat(engine, platform, clock, monkeypatch):
    from engine.config import Settings

    app = scheduler.make_celery(Settings(broker_url="memory://"))
    upward_tasks.register(app, engine.settings)
    assert app.conf.beat_schedule["report-upward"]["task"] == "shenpi.report_upward"
    app.conf.task_always_eager = True
    scheduler.bind_engine(engine)
    try:
        accepted_case(engine)
        platform.fail_next = 1
        task = app.tasks["shenpi.report_upward"]
        countdowns = []
        retry = task.retry
        monkeypatch.setattr(task, "retry", lambda **kw: countdowns.append(kw["countdown"]) or retry(**kw))
        task.delay()  # fails: asks Celery to retry after the batch's backoff (eager: at once, not due)
        assert countdowns == [30] and platform.requests == 1
        assert {r.attempts for r in outbox(engine)} == {1}
        clock.advance(seconds=31)
        assert app.tasks["shenpi.report_upward"].delay().get()["records"] == 3
    finally:
        scheduler.bind_engine(None)
    assert len(platform.records) == 3


def test_batch_document_follows_the_published_schema(engine, platform):
    accepted_case(engine)
    report(engine)
    schema = json.loads(SCHEMA.read_text())
    batch = next(iter(platform.batches.values()))
    assert set(schema["required"]) <= set(batch) <= set(schema["properties"])
    record_schema = schema["$defs"]["record"]
    for record in batch["records"]:
        assert set(record_schema["required"]) <= set(record) <= set(record_schema["properties"])


def test_status_page_and_retry_button(engine, platform, clock):
    from web import create_app

    from ..web.helpers import PageClient, set_passwords

    accepted_case(engine)
    platform.fail_next = 4
    for _ in range(4):
        report(engine)
        clock.advance(seconds=301)
    set_passwords(engine, "admin", "supervisor", "clerk")
    app = create_app(shenpi=engine, testing=True)
    pages = PageClient(app)
    pages.login("clerk")
    assert pages.get("/integrations/upward").status_code == 403
    pages.post("/logout")
    pages.login("supervisor")
    html = pages.get("/integrations/upward").get_data(as_text=True)
    assert 'id="upward-failed">3<' in html and "HTTP 500" in html and "重试失败记录" not in html
    assert pages.post("/integrations/upward/retry").status_code == 403
    pages.post("/logout")
    pages.login("admin")
    assert pages.client.post("/integrations/upward/retry").status_code == 400  # no CSRF token
    html = pages.get("/integrations/upward").get_data(as_text=True)
    assert "重试失败记录" in html
    pages.post("/integrations/upward/retry")
    html = pages.post("/integrations/upward/send", follow_redirects=True).get_data(as_text=True)
    assert "已报送 3 条记录" in html and 'id="upward-sent">3<' in html and len(platform.records) == 3


def test_status_api(engine, platform):
    from web import create_app

    accepted_case(engine)
    client = create_app(shenpi=engine, testing=True).test_client()
    admin = {"Authorization": f"Bearer {engine.identity.create_token('admin')}"}
    clerk = {"Authorization": f"Bearer {engine.identity.create_token('clerk')}"}
    body = client.get("/api/v1/upward/status", headers=admin).get_json()
    assert body["pending"] == 3 and body["due"] == 3 and body["failed"] == 0 and body["enabled"]
    assert client.get("/api/v1/upward/status", headers=clerk).status_code == 403
    assert client.post("/api/v1/upward/retry", headers=clerk).status_code == 403
    assert client.post("/api/v1/upward/retry", headers=admin).get_json() == {"requeued": 0}
    assert "/upward/status" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_report_upward_command(engine, platform, monkeypatch):
    from click.testing import CliRunner

    from web import cli

    accepted_case(engine)
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    platform.fail_next = 1
    failed = CliRunner().invoke(cli.main, ["report-upward"])
    assert failed.exit_code == 1 and "HTTP 500" in failed.output
    engine.clock.advance(seconds=31)
    result = CliRunner().invoke(cli.main, ["report-upward"])
    assert result.exit_code == 0 and "sent 3 record(s) in 1 batch(es)" in result.output


def test_other_services_enqueue_once_per_key(engine, platform, tmp_path, clock):
    from engine.exchange import outbox as outbox_module

    with engine.db.transaction() as session:
        assert outbox_module.enqueue(
            session, "supervision", "signal:7", {"event": "signal_raised", "color": "red"}, clock.now()
        )
        assert not outbox_module.enqueue(session, "supervision", "signal:7", {"event": "signal_raised"}, clock.now())
    assert report(engine)["records"] == 1
    record = next(iter(platform.records.values()))
    assert record["event"] == "signal_raised" and record["detail"] == {"color": "red"} and record["case_number"] is None


def test_supervision_data_goes_up_too(engine):
    case = accepted_case(engine)
    engine.violations.fees.record(case["id"], "工本费", 10, ENGINE)  # TEST-0001 lists no fees: a red signal
    events = [(r.topic, json.loads(r.payload)["event"]) for r in outbox(engine)]
    assert ("case_event", "fee_recorded") in events and ("supervision", "signal_raised") in events
