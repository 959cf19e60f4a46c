"""Operations endpoints: /health/live, /health/ready, /metrics (access, per-route requests, engine counts, state
gauges) and JSON logs with the request id, user, case and element."""

from __future__ import annotations

import io
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from engine.bootstrap import Shenpi
from engine.config import Settings
from web import create_app, logs, metrics, schema

from ..helpers import applied_case, open_task
from .helpers import auth


def samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200, response.get_data(as_text=True)
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_live_and_ready_answer_json(tmp_path, clock):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ready.db'}", broker_url="memory://")
    migrated = Shenpi(settings, clock=clock)
    schema.upgrade_database(create_app(settings, migrated, testing=True))  # what init-db and the server do
    client = create_app(settings, migrated, testing=True).test_client()
    assert client.get("/health/live").get_json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["broker"] == {"ok": True, "transport": "memory"}
    assert (
        body["checks"]["database"]["ok"]
        and body["checks"]["database"]["revision"] == body["checks"]["database"]["newest"]
    )


def test_ready_is_503_when_the_schema_is_behind_or_the_broker_is_away(engine, tmp_path):
    # the test engine's tables were made without migrations: no revision recorded, so not at the newest
    settings = engine.settings.model_copy(update={"broker_url": f"filesystem://{tmp_path / 'missing'}"})
    app = create_app(settings, engine, testing=True)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert "shenpi init-db" in body["checks"]["database"]["error"]
    assert body["checks"]["broker"]["ok"] is False


def test_ready_names_an_unreachable_broker_without_hanging(engine):
    settings = engine.settings.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"})
    response = create_app(settings, engine, testing=True).test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"]["broker"] == {"ok": False, "error": "unreachable: OperationalError"}


def test_metrics_count_requests_per_route(api):
    before = samples(api.get("/metrics"))
    for _ in range(3):
        api.get("/api/v1/matters/TEST-0001")
    api.get("/api/v1/matters/NOPE")
    after = samples(api.get("/metrics"))
    route = "/api/v1/matters/<code>"
    assert (
        value(after, "shenpi_http_requests_total", route=route, method="GET", status="200")
        - value(before, "shenpi_http_requests_total", route=route, method="GET", status="200")
        == 3
    )
    assert (
        value(after, "shenpi_http_requests_total", route=route, method="GET", status="404")
        - value(before, "shenpi_http_requests_total", route=route, method="GET", status="404")
        == 1
    )
    assert (
        value(after, "shenpi_http_request_seconds_count", route=route, method="GET")
        - value(before, "shenpi_http_request_seconds_count", route=route, method="GET")
        == 4
    )
    for name in ("shenpi_task_completions_total", "shenpi_case_starts_total", "shenpi_sweep_seconds_count"):
        assert (name, ()) in after  # every engine metric exists from the first scrape


def test_metrics_show_the_engine_counts_and_queue_depths(engine, api):
    engine.step_meter.metrics = metrics.SINK  # the sink serving processes hand in (web/server.py, the worker)
    before = samples(api.get("/metrics"))
    case = applied_case(engine)
    task = open_task(engine, case["id"])
    done = api.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"accept": "accept"}, "opinion": "受理"},
        headers=auth(api, "clerk"),
    )
    assert done.status_code == 200, done.get_json()
    after = samples(api.get("/metrics"))
    assert value(after, "shenpi_case_starts_total") - value(before, "shenpi_case_starts_total") == 1
    assert value(after, "shenpi_task_completions_total") - value(before, "shenpi_task_completions_total") == 1
    assert value(after, "shenpi_notice_deliveries", status="pending") == 0
    assert value(after, "shenpi_outbox_records", status="failed") == 0


def test_a_state_gauge_fed_by_a_callable(api, monkeypatch):
    """The place for gauges read at each scrape (open incidents come here): a fake source by kind."""
    monkeypatch.setattr(metrics, "STATE_GAUGES", list(metrics.STATE_GAUGES))
    metrics.state_gauge("open_incidents", "Open incidents, by kind", "kind", lambda engine: {"timer": 2, "notice": 1})
    metrics.state_gauge("broken_source", "Fails", "", lambda engine: 1 / 0)
    found = samples(api.get("/metrics"))
    assert value(found, "shenpi_open_incidents", kind="timer") == 2
    assert value(found, "shenpi_open_incidents", kind="notice") == 1
    assert ("shenpi_broken_source", ()) not in found  # left out, the scrape stands


def test_metrics_are_for_loopback_or_the_token(engine, api):
    assert api.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    # through a proxy on this host that the application was not told to trust: not a loopback request
    assert api.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 403
    settings = engine.settings.model_copy(update={"metrics_token": SecretStr("s3cret-scraper-token")})
    client = create_app(settings, engine, testing=True).test_client()
    assert client.get("/metrics").status_code == 401  # a token is configured: loopback is not enough
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    good = {"Authorization": "Bearer s3cret-scraper-token"}
    assert client.get("/metrics", headers=good, environ_base=remote).status_code == 200


def test_proxy_count_takes_the_client_address_from_the_proxy(engine):
    settings = engine.settings.model_copy(update={"proxy_count": 1})
    client = create_app(settings, engine, testing=True).test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 403
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


@pytest.fixture
def json_log():
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logs.configure(Settings(log_format="json", broker_url="memory://"))
    ours = [h for h in root.handlers if getattr(h, "shenpi", False)]
    ours[0].setStream(stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_logs_carry_request_user_case_and_element(engine, api, json_log):
    case = applied_case(engine)
    task = open_task(engine, case["id"])
    logger = logging.getLogger("engine.test")
    from engine.runtime import stepper as stepper_module

    real_step = stepper_module.CaseStepper._writing

    def writing(self, *args, **kwargs):
        logger.info("step of a task")  # inside the step, where the stepper has bound the case and element
        return real_step(self, *args, **kwargs)

    stepper_module.CaseStepper._writing = writing
    try:
        done = api.post(
            f"/api/v1/tasks/{task['id']}/complete",
            json={"data": {"accept": "accept"}, "opinion": "受理"},
            headers={**auth(api, "clerk"), "X-Request-ID": "req-42"},
        )
    finally:
        stepper_module.CaseStepper._writing = real_step
    assert done.status_code == 200
    assert done.headers["X-Request-ID"] == "req-42"
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    line = next(line for line in lines if line["message"] == "step of a task")
    assert line["request_id"] == "req-42"
    assert line["user"] == "clerk"
    assert line["case_id"] == case["id"]
    assert line["element"] == task["element"]
    assert line["level"] == "INFO" and line["logger"] == "engine.test" and line["time"]


def test_a_request_without_an_id_gets_one(api):
    response = api.get("/health/live", headers={"X-Request-ID": "bad id with spaces"})
    assert response.headers["X-Request-ID"] != "bad id with spaces"
    assert len(response.headers["X-Request-ID"]) == 32
