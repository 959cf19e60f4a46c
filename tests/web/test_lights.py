"""Lights on the pages and in the API (issue 16 §3), on SQLite and PostgreSQL: one order (normal → yellow → red),
the 今日到期 badge of Art. 10 ("行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号") beside the light, the one-click
督办通知 of seed 002 §1 二是 ("在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知") and signals raised by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.identity import OFFICIAL
from engine.kernel.clock import SHANGHAI
from engine.models import Signal, SupervisionItem, User

from ..helpers import accepted_case, open_task
from .helpers import auth, set_passwords, signed_in, text


def at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)


@pytest.fixture
def engine(engine):
    with engine.db.transaction() as session:
        session.add(User(id="head", name="局长", department_id="T01", posts=["负责人"], roles=[OFFICIAL]))
    set_passwords(engine, "head")
    return engine


def yellow_case(engine, clock) -> dict:
    case = accepted_case(engine)
    clock.set(at("2026-12-03T10:00"))
    engine.sweep()
    return case


def test_the_api_shows_one_order_and_the_due_date_beside_the_light(api, engine, clock):
    case = accepted_case(engine)
    clock.set(at("2026-12-07T09:00"))  # the promised limit's day
    engine.sweep()
    body = api.get(f"/api/v1/cases/{case['id']}", headers=auth(api, "clerk")).get_json()
    assert body["light"] == "yellow" and body["clock"]["light"] == "yellow" and body["clock"]["due_today"] is True
    refused = api.get("/api/v1/cases?light=green", headers=auth(api, "clerk"))
    error = refused.get_json()["error"]  # the API's contract names the three lights, no "green"
    assert refused.status_code == 400 and error["field"] == "light" and "none、yellow、red" in error["message"]


def test_the_inbox_and_the_case_page_show_the_due_today_badge(app, engine, clock):
    case = accepted_case(engine)
    engine.tasks.claim(open_task(engine, case["id"])["id"], engine.identity.actor("clerk"))
    clerk = signed_in(app, "clerk")
    clock.set(at("2026-12-04T10:00"))
    engine.sweep()
    assert "今日到期" not in text(clerk.get("/inbox"))
    clock.set(at("2026-12-07T09:00"))
    engine.sweep()
    inbox = text(clerk.get("/inbox"))
    assert "今日到期" in inbox and "黄灯" in inbox and "绿灯" not in inbox
    page = text(clerk.get(f"/cases/{case['id']}"))
    assert "今日到期" in page and "绿灯" not in page
    assert "今日到期" in text(clerk.get("/inbox/cases"))  # the case search's rows
    assert "一键发出督办通知" not in page and "发出纠错信号" not in page  # an official does not supervise


def test_a_supervisor_sends_the_notice_from_the_api_in_one_click(api, engine, clock):
    case = accepted_case(engine)
    url = f"/api/v1/cases/{case['id']}/supervision-notice"
    normal = api.post(url, json={}, headers=auth(api, "supervisor"))
    assert normal.status_code == 409 and normal.get_json()["error"]["reason"] == "case_light_normal"
    clock.set(at("2026-12-03T10:00"))
    engine.sweep()
    assert api.post(url, json={}, headers=auth(api, "clerk")).status_code == 403
    assert api.post(url, json={}, headers=auth(api, "far_supervisor")).status_code == 404
    sent = api.post(url, json={}, headers=auth(api, "supervisor"))
    assert sent.status_code == 201, sent.get_json()
    item = sent.get_json()
    assert item["kind"] == "light_notice" and item["status"] == "noticed" and item["case_id"] == case["id"]
    again = api.post(url, json={"text": "再次督办"}, headers=auth(api, "supervisor"))
    assert again.status_code == 409 and again.get_json()["error"]["reason"] == "case_already_noticed"
    listed = api.get("/api/v1/supervision-items?kind=light_notice", headers=auth(api, "head")).get_json()
    assert [i["id"] for i in listed] == [item["id"]]


def test_the_notice_button_on_the_case_page_and_the_cockpit(app, engine, clock):
    case = yellow_case(engine, clock)
    supervisor = signed_in(app, "supervisor")
    page = text(supervisor.get(f"/cases/{case['id']}"))
    assert "一键发出督办通知" in page and "发出纠错信号" in page
    cockpit = text(supervisor.get("/cockpit/?light=yellow"))
    assert case["number"] in cockpit and "督办通知" in cockpit
    response = supervisor.post(
        f"/supervision/cases/{case['id']}/case_notice", data={"next": "/cockpit/"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/cockpit/")
    with engine.db.reading() as session:
        kinds = session.scalars(sa.select(SupervisionItem.kind).where(SupervisionItem.case_id == case["id"])).all()
    assert kinds == ["light_notice"]
    again = supervisor.post(f"/supervision/cases/{case['id']}/case_notice", data={}, follow_redirects=True)
    assert "已有未办结的督办通知" in text(again)
    clerk = signed_in(app, "clerk")
    assert clerk.post(f"/supervision/cases/{case['id']}/case_notice", data={}).status_code == 403


def test_a_supervisor_raises_a_signal_through_the_api(api, engine):
    case = accepted_case(engine)
    body = {"case": case["id"], "article": "12", "reason": "擅自增设审批前置条件"}
    created = api.post("/api/v1/signals", json=body, headers=auth(api, "supervisor"))
    assert created.status_code == 201, created.get_json()
    signal = created.get_json()
    assert (signal["rule"], signal["article"], signal["color"], signal["case_id"]) == (
        "manual",
        "12",
        "red",
        case["id"],
    )
    trail = api.get(f"/api/v1/cases/{case['id']}/trail", headers=auth(api, "supervisor")).get_json()
    raised = [e for e in trail if e["event"] == "signal_raised"]
    assert [(e["actor"], e["to"]) for e in raised] == [("supervisor", "red")]
    assert api.post("/api/v1/signals", json=body, headers=auth(api, "clerk")).status_code == 403
    assert api.post("/api/v1/signals", json=body, headers=auth(api, "far_supervisor")).status_code == 404
    assert api.post("/api/v1/signals", json=body, headers=auth(api, "citizen")).status_code in (403, 404)
    missing = api.post("/api/v1/signals", json={**body, "case": 999999}, headers=auth(api, "supervisor"))
    assert missing.status_code == 404
    bad = api.post("/api/v1/signals", json={**body, "article": "13"}, headers=auth(api, "supervisor"))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_input"
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 1


def test_a_supervisor_raises_a_signal_from_the_case_page(app, engine):
    case = accepted_case(engine)
    supervisor = signed_in(app, "supervisor")
    response = supervisor.post(
        f"/supervision/cases/{case['id']}/case_signal",
        data={"article": "11", "reason": "未按规定公示办事指南"},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "纠错信号已发出" in text(response)
    with engine.db.reading() as session:
        signal = session.scalars(sa.select(Signal)).one()
    assert (signal.rule, signal.article, signal.color) == ("manual", "11", "yellow")
    empty = supervisor.post(
        f"/supervision/cases/{case['id']}/case_signal", data={"article": "11"}, follow_redirects=True
    )
    assert empty.status_code == 200
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 1
