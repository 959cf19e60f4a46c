"""Pages and API of the violation rules and correction signals."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.identity.actors import ENGINE, OFFICIAL
from engine.kernel.clock import SHANGHAI
from engine.models import User
from engine.violations.rules import RULES

from ..helpers import APPROVE, complete
from .helpers import auth
from .helpers import signed_in as pages


@pytest.fixture
def engine(engine):
    """The five-step engine and the head (局长) of 测试局."""
    with engine.db.transaction() as session:
        session.add(User(id="head", name="局长", department_id="T01", posts=["负责人"], roles=[OFFICIAL]))
    return engine


def late_signal(engine, clock):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    for step in APPROVE[:4]:
        complete(engine, case["id"], step)
    clock.set(dt.datetime(2026, 12, 22, 9, 0, tzinfo=SHANGHAI))
    complete(engine, case["id"], {})
    return engine.violations.signals.list_signals(ENGINE, case_id=case["id"])[0]


def test_signal_list_filters_and_links_to_the_case(app, engine, clock):
    signal = late_signal(engine, clock)
    client = pages(app, "supervisor")
    html = client.get("/signals/").get_data(as_text=True)
    assert "超期作出决定" in html and f"/cases/{signal['case_id']}" in html and "纠错信号" in html
    assert "超期作出决定" not in client.get("/signals/?color=red").get_data(as_text=True)
    assert "超期作出决定" in client.get("/signals/?color=yellow&status=open&department=测试局").get_data(as_text=True)
    assert client.get(f"/cases/{signal['case_id']}").status_code == 200  # the drill-down opens
    assert "超期作出决定" not in pages(app, "far_supervisor").get("/signals/").get_data(as_text=True)
    assert pages(app, "citizen").get("/signals/").status_code == 403


def test_the_head_corrects_a_signal_through_the_form(app, engine, clock):
    signal = late_signal(engine, clock)
    clerk = pages(app, "clerk")
    assert "报送纠正情况" not in clerk.get(f"/signals/{signal['id']}/correct").get_data(as_text=True)
    assert (
        clerk.post(f"/signals/{signal['id']}/correct", {"correction": "已整改"}).status_code == 403
    )  # refused: the error page
    assert engine.violations.signals.get(signal["id"], ENGINE)["status"] == "open"
    head = pages(app, "head")
    assert f"/signals/{signal['id']}/correct" in head.get("/signals/").get_data(as_text=True)
    case_page = head.get(f"/cases/{signal['case_id']}").get_data(as_text=True)
    assert "超期作出决定" in case_page and f"/signals/{signal['id']}/correct" in case_page
    assert f"/signals/{signal['id']}/correct" not in clerk.get(f"/cases/{signal['case_id']}").get_data(as_text=True)
    assert "请写明纠正情况" in head.post(f"/signals/{signal['id']}/correct", {"correction": " "}).get_data(as_text=True)
    response = head.post(f"/signals/{signal['id']}/correct", {"correction": "已向申请人说明并整改"})
    assert response.status_code == 302
    assert engine.violations.signals.get(signal["id"], ENGINE)["corrected_by"] == "head"
    assert pages(app, "head").get("/signals/99999/correct").status_code == 404


def test_rule_configuration_page(app, engine):
    admin = pages(app, "admin")
    html = admin.get("/signals/rules").get_data(as_text=True)
    assert "违规收费" in html and "再监察规则" in html and html.count('name="rule"') == len(RULES)
    response = admin.post(
        "/signals/rules", {"rule": "result_not_published", "level": "common", "param_days": "3", "enabled": "on"}
    )
    assert response.status_code == 302
    common = next(
        c
        for r in engine.violations.rules.list_rules()
        if r["rule"] == "result_not_published"
        for c in r["levels"]
        if c["level"] == "common"
    )
    assert common["params"] == {"days": 3} and common["enabled"]
    head = pages(app, "head")
    head.post("/signals/rules", {"rule": "decision_late", "level": "department"})  # own department, disabled
    head.post("/signals/rules", {"rule": "decision_late", "level": "common"})  # refused
    levels = {
        (c["level"], c["enabled"])
        for r in engine.violations.rules.list_rules()
        if r["rule"] == "decision_late"
        for c in r["levels"]
    }
    assert levels == {("department", False), ("common", True)}
    assert "你无权" in head.get("/signals/rules").get_data(as_text=True)
    supervisor = pages(app, "supervisor")
    supervisor.post(
        "/signals/rules",
        {
            "rule": "licence_not_issued",
            "level": "bureau",
            "enabled": "on",
            "param_matter_types": "行政许可、公共服务",
            "param_days": "x",
        },
    )
    assert "整数" in supervisor.get("/signals/rules").get_data(as_text=True)


def test_signals_api(api, engine, clock):
    signal = late_signal(engine, clock)
    listed = api.get("/api/v1/signals?color=yellow", headers=auth(api, "supervisor")).get_json()
    assert [s["id"] for s in listed] == [signal["id"]]
    assert api.get("/api/v1/signals?color=blue", headers=auth(api, "supervisor")).status_code == 400
    assert api.get("/api/v1/signals", headers=auth(api, "citizen")).status_code == 403
    url = f"/api/v1/signals/{signal['id']}/correction"
    assert api.post(url, json={"correction": "已整改"}, headers=auth(api, "clerk")).status_code == 403
    body = api.post(url, json={"correction": "已整改"}, headers=auth(api, "head")).get_json()
    assert body["status"] == "corrected"
    assert api.post(url, json={"correction": "再次"}, headers=auth(api, "head")).status_code == 409
    assert api.get("/api/v1/signals/99999", headers=auth(api, "head")).status_code == 404


def test_rules_fees_and_result_api(api, engine):
    rules = api.get("/api/v1/violation-rules", headers=auth(api, "clerk")).get_json()
    assert len(rules) == len(RULES) and all(r["levels"] for r in rules)
    put = {"rule": "decision_late", "level": "bureau", "enabled": False}
    assert api.put("/api/v1/violation-rules", json=put, headers=auth(api, "clerk")).status_code == 403
    assert api.put("/api/v1/violation-rules", json=put, headers=auth(api, "supervisor")).status_code == 200
    for bad in (
        {**put, "rule": ["x"]},
        {**put, "level": "city"},
        {**put, "enabled": "yes"},
        {**put, "params": {"days": "2"}},
        {**put, "level": "department", "department": 3},
    ):
        assert api.put("/api/v1/violation-rules", json=bad, headers=auth(api, "admin")).status_code in (400, 404)
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    fee = api.post(
        f"/api/v1/cases/{case['id']}/fees", json={"item": "工本费", "amount": 10}, headers=auth(api, "clerk")
    )
    assert fee.status_code == 201 and fee.get_json()["problem"]
    assert (
        api.post(
            f"/api/v1/cases/{case['id']}/fees", json={"item": "工本费", "amount": "x"}, headers=auth(api, "clerk")
        ).status_code
        == 400
    )
    assert [
        s["color"] for s in api.get(f"/api/v1/signals?case={case['id']}", headers=auth(api, "clerk")).get_json()
    ] == ["red"]
    publish = f"/api/v1/cases/{case['id']}/result-publication"
    assert api.post(publish, headers=auth(api, "clerk")).status_code == 409  # still running
    for step in APPROVE:
        complete(engine, case["id"], step)
    assert api.post(publish, headers=auth(api, "clerk")).status_code == 201
    spec = api.get("/api/v1/openapi.json").get_json()
    assert {
        "/signals",
        "/signals/{signal_id}/correction",
        "/violation-rules",
        "/cases/{case_id}/fees",
        "/cases/{case_id}/result-publication",
    } <= set(spec["paths"])
