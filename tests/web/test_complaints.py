"""Complaint handling pages, the portal's view of the outcome, the complaints API and the SMS inbound callback."""

from __future__ import annotations

import re

import pytest

from engine.identity.actors import HEAD_POST, OFFICIAL
from engine.models import User

from ..helpers import PHONE
from ..helpers import sms_case as run_case
from .helpers import PageClient, text
from .helpers import auth as bearer
from .helpers import signed_in as pages

SECRET = "sms-shared-secret"


@pytest.fixture
def engine(engine):
    """The five-step engine, the head (测试局长) of 测试局, and the SMS callback's shared secret."""
    with engine.db.transaction() as session:
        session.add(User(id="head", name="测试局长", department_id="T01", posts=[HEAD_POST], roles=[OFFICIAL]))
    engine.settings = engine.settings.model_copy(update={"sms_inbound_secret": SECRET})
    return engine


def file_complaint(app, anonymous=False) -> str:
    citizen = pages(app, "citizen")
    response = citizen.post(
        "/portal/complaints/new",
        {
            "identity": "anonymous" if anonymous else "real_name",
            "department": "测试局",
            "subject": "窗口态度差",
            "content": "工作人员不耐烦",
            "contact_phone": "13800000000",
        },
    )
    assert response.status_code == 302, text(response)
    return re.search(r"number=(TS\w+)", response.headers["Location"]).group(1)


def complaint_url(app, number) -> str:
    listing = text(pages(app, "supervisor").get("/complaints/"))
    return re.search(r'href="(/complaints/\d+)">' + number, listing).group(1)


def test_the_procedure_through_the_pages_and_the_portal(app, engine):
    number = file_complaint(app)
    supervisor = pages(app, "supervisor")
    listing = text(supervisor.get("/complaints/"))
    assert number in listing and "light-yellow" in listing
    url = complaint_url(app, number)
    page = text(supervisor.get(url))
    assert "张三" in page and "13800000000" in page and "受理决定" in page

    response = supervisor.post(f"{url}/decision", {"accept": "no", "reason": ""})
    assert response.status_code == 302 and "未办理" in text(supervisor.get(url))
    head = pages(app, "head")
    response = supervisor.post(f"{url}/feedback", {"text": "已收到，正在核实"})
    assert response.status_code == 403  # 000 四(二): the department answers first, within 24 hours
    head.post(f"{url}/feedback", {"text": "已收到，正在核实"})
    supervisor.post(f"{url}/decision", {"accept": "yes"})
    supervisor.post(f"{url}/forwarding", {"department": "测试局", "days": "5", "note": "请核查"})
    assert "已转部门办理" in text(supervisor.get(url))
    assert "上报处理结果" not in text(supervisor.get(url))

    assert number in text(head.get("/complaints/"))
    head_page = text(head.get(url))
    assert "上报处理结果" in head_page and "13800000000" not in head_page and "投诉人" not in head_page
    head.post(f"{url}/result", {"result": "已批评教育承办人", "upheld": "yes"})
    supervisor.post(f"{url}/closure", {"note": "同意"})
    assert "已办结" in text(supervisor.get(url))

    citizen = pages(app, "citizen")
    lookup = text(citizen.get(f"/portal/complaints?number={number}"))
    assert "已批评教育承办人" in lookup and "投诉属实" in lookup and "已收到，正在核实" in lookup
    assert number in text(citizen.get("/portal/complaints/mine"))
    public = text(PageClient(app).get(f"/portal/complaints?number={number}"))  # anyone holding the number
    assert "已批评教育承办人" in public and "13800000000" not in public and "张三" not in public


def test_pages_are_scoped(app):
    number = file_complaint(app, anonymous=True)
    url = complaint_url(app, number)
    far = pages(app, "far_supervisor")
    assert number not in text(far.get("/complaints/"))
    assert far.get(url).status_code == 403
    assert far.post(f"{url}/feedback", {"text": "x"}).status_code == 403
    clerk = pages(app, "clerk")
    assert clerk.get("/complaints/").status_code == 200 and number not in text(clerk.get("/complaints/"))
    assert pages(app, "citizen").get("/complaints/").status_code == 403
    assert PageClient(app).get("/complaints/").status_code == 302
    assert pages(app, "supervisor").post(f"{url}/nonsense", {}).status_code == 404
    filtered = text(pages(app, "supervisor").get("/complaints/?status=closed"))
    assert number not in filtered


def test_the_complaints_api(app, api):
    number = file_complaint(app)
    listed = api.get("/api/v1/complaints?status=submitted", headers=bearer(api, "supervisor")).get_json()
    assert [c["number"] for c in listed] == [number]
    cid = listed[0]["id"]
    by = lambda query: [
        c["number"] for c in api.get(f"/api/v1/complaints?{query}", headers=bearer(api, "supervisor")).get_json()
    ]
    assert by("department=测试局") == [number] and by("department=其他局") == []
    assert by("light=yellow") == [number] and by("light=red") == []
    assert api.get("/api/v1/complaints", headers=bearer(api, "far_supervisor")).get_json() == []
    assert api.get("/api/v1/complaints", headers=bearer(api, "citizen")).status_code == 403
    assert api.get("/api/v1/complaints?status=bogus", headers=bearer(api, "supervisor")).status_code == 400
    post = lambda path, user, body: api.post(f"/api/v1/complaints/{cid}/{path}", json=body, headers=bearer(api, user))
    refused = post("decision", "supervisor", {"accept": False})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_input"
    assert post("feedback", "far_supervisor", {"text": "x"}).status_code == 403
    early = post("feedback", "supervisor", {"text": "收到"})
    assert early.status_code == 403  # 000 四(二): within 24 hours the department answers, not the supervisor
    assert post("feedback", "head", {"text": "收到"}).get_json()["first_feedback"] == "收到"
    assert post("decision", "supervisor", {"accept": True}).get_json()["status"] == "accepted"
    assert post("forwarding", "supervisor", {"department": "测试局", "days": "x"}).status_code == 400
    assert post("forwarding", "supervisor", {"department": "测试局"}).get_json()["status"] == "forwarded"
    assert post("closure", "supervisor", {}).status_code == 409
    assert post("result", "head", {"result": "已整改", "upheld": False}).get_json()["status"] == "answered"
    closed = post("closure", "supervisor", {"note": "同意"}).get_json()
    assert closed["status"] == "closed" and closed["result"] == "已整改"
    assert api.get(f"/api/v1/complaints/{cid}", headers=bearer(api, "head")).get_json()["status"] == "closed"
    assert api.get("/api/v1/complaints/99999", headers=bearer(api, "supervisor")).status_code == 404
    spec = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert {
        "/complaints",
        "/complaints/{complaint_id}/decision",
        "/complaints/{complaint_id}/closure",
        "/sms/inbound",
    } <= set(spec)


def test_sms_inbound_needs_the_shared_secret_and_rates_the_case(engine, api):
    case = run_case(engine)
    body = {"phone": PHONE, "text": f"评价 {case['number']} 4 很好"}
    assert api.post("/api/v1/sms/inbound", json=body).status_code == 401
    assert api.post("/api/v1/sms/inbound", json=body, headers={"X-Shenpi-Sms-Secret": "wrong"}).status_code == 401
    answer = api.post("/api/v1/sms/inbound", data=body, headers={"X-Shenpi-Sms-Secret": SECRET})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["ok"] and answer.get_json()["overall"] == 4
    again = api.post("/api/v1/sms/inbound", json=body, headers={"X-Shenpi-Sms-Secret": SECRET})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"
    bad = api.post("/api/v1/sms/inbound", json={"phone": PHONE, "text": "好"}, headers={"X-Shenpi-Sms-Secret": SECRET})
    assert bad.status_code == 400
    engine.settings = engine.settings.model_copy(update={"sms_inbound_secret": ""})
    off = api.post("/api/v1/sms/inbound", json=body, headers={"X-Shenpi-Sms-Secret": ""})
    assert off.status_code == 503 and off.get_json()["error"]["code"] == "sms_inbound_disabled"
