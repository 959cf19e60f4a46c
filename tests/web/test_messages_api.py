"""POST /api/v1/messages (issue 17 §2): an integration account's or administrator's message reaches the case waiting
for it; a message for nobody is a 404 that says so, in the reader's language; others are refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.identity.actors import ENGINE, EXCHANGE
from engine.models import User

from ..helpers import FIVE_STEP_ENTRY, FIXTURES, open_task
from .helpers import auth, set_passwords


@pytest.fixture
def engine(engine):
    """The five-step engine with matter LAB-1 (a receive task waiting for 检测结果) and an integration account."""
    engine.repository.deploy((FIXTURES / "message_flow.bpmn").read_bytes(), "message_flow.bpmn", actor="admin")
    engine.catalogue.publish(
        {**FIVE_STEP_ENTRY, "code": "LAB-1", "key": "message_flow", "process_file": "message_flow.bpmn"}, "admin"
    )
    with engine.db.transaction() as session:
        session.add(User(id="lab", name="检测中心接口", department_id="T01", posts=[], roles=[EXCHANGE]))
    set_passwords(engine, "lab")
    return engine


def waiting(engine):
    case = engine.cases.start_case("LAB-1", {"name": "张三"}, {}, ENGINE)
    engine.tasks.complete(open_task(engine, case["id"])["id"], engine.identity.actor("clerk"), {}, "同意")
    return case


def test_a_message_reaches_the_waiting_case(api, engine):
    case = waiting(engine)
    answer = api.post(
        "/api/v1/messages",
        json={"name": "检测结果", "case": case["number"], "data": {"passed": True, "score": 70}},
        headers=auth(api, "lab"),
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"name": "检测结果", "cases": [{"id": case["id"], "number": case["number"]}]}
    assert open_task(engine, case["id"])["element"] == "Task_Review"


def test_a_message_for_nobody_is_a_404_that_says_so(api, engine):
    case = waiting(engine)
    answer = api.post(
        "/api/v1/messages",
        json={"name": "撤回申请", "case": case["number"]},
        headers={**auth(api, "lab"), "Accept-Language": "en"},
    )
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert error["reason"] == "message_not_waited" and "撤回申请" in error["message"]
    assert "no running case waits" in error["message"]


def test_officials_cannot_send_messages_and_a_bad_body_is_a_400(api, engine):
    case = waiting(engine)
    refused = api.post(
        "/api/v1/messages", json={"name": "检测结果", "case": case["number"]}, headers=auth(api, "clerk")
    )
    assert refused.status_code == 403
    both = api.post(
        "/api/v1/messages",
        json={"name": "检测结果", "case": case["number"], "correlation": "x"},
        headers=auth(api, "lab"),
    )
    assert both.status_code == 400
    with engine.db.reading() as session:
        assert session.scalar(sa.text("select count(*) from message_wait")) == 1
