"""The cockpit page, its chart data and the JSON API: supervisors only, scoped, with drill-down to the case."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.kernel.clock import SHANGHAI
from engine.models import User

from ..helpers import accepted_case as start
from ..helpers import add_signal
from .helpers import compile_english_catalogue, text
from .helpers import signed_in as page


@pytest.fixture
def engine(engine):
    """The five-step engine and a 系统监管员 (monitor) of the city's 监察局."""
    with engine.db.transaction() as session:
        session.add(User(id="monitor", name="监管员", department_id="TJC", posts=[], roles=["monitor"]))
    return engine


def red_case(engine, clock):
    case = start(engine, "王五")
    clock.set(dt.datetime(2026, 12, 22, 9, 0, tzinfo=SHANGHAI))
    engine.sweep()
    return case


def test_supervisor_sees_the_cockpit_with_tiles_lists_and_drill_down(app, engine, clock):
    case = red_case(engine, clock)
    add_signal(engine, "测试局", "red", case["id"])
    supervisor = page(app, "supervisor")
    landing = supervisor.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/cockpit/")
    body = text(supervisor.get("/cockpit/"))
    assert "监察驾驶舱" in body and 'id="count-red">1<' in body and 'id="count-signals">1<' in body
    assert case["number"] in body and "测试局" in body and "build/cockpit.js" in body
    assert f"/cases/{case['id']}#case-trail" in body and "<script>" not in body
    drill = supervisor.get(f"/cases/{case['id']}")
    assert drill.status_code == 200 and 'id="case-trail"' in text(drill) and case["number"] in text(drill)
    assert page(app, "monitor").get("/cockpit/").status_code == 200
    compile_english_catalogue()
    supervisor.post("/language", data={"lang": "en", "next": "/cockpit/"})
    english = text(supervisor.get("/cockpit/"))
    assert "Last 30 days" in english and "Cases with warning lights" in english and "View trail" in english


def test_filters_and_htmx_return_only_the_case_list(app, engine, clock):
    case = red_case(engine, clock)
    supervisor = page(app, "supervisor")
    assert case["number"] not in text(supervisor.get("/cockpit/?light=yellow"))
    assert case["number"] not in text(supervisor.get("/cockpit/?department=其他局"))
    partial = supervisor.get("/cockpit/?light=red", headers={"HX-Request": "true", "HX-Target": "cockpit-cases"})
    assert "<html" not in text(partial) and case["number"] in text(partial)
    assert supervisor.get("/cockpit/?light=purple").status_code == 400


def test_officials_and_applicants_are_refused(app, engine):
    assert page(app, "clerk").get("/cockpit/").status_code == 403
    assert page(app, "citizen").get("/cockpit/data.json").status_code == 403
    anonymous = app.test_client().get("/cockpit/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_district_supervisor_sees_only_their_district(app, engine, clock):
    case = red_case(engine, clock)
    body = text(page(app, "far_supervisor").get("/cockpit/"))
    assert case["number"] not in body and 'id="count-red">0<' in body
    assert page(app, "far_supervisor").get(f"/cases/{case['id']}").status_code == 403


def test_chart_data_and_logged_readings(app, engine, clock):
    red_case(engine, clock)
    supervisor = page(app, "supervisor")
    supervisor.get("/cockpit/")
    data = supervisor.get("/cockpit/data.json").get_json()
    assert len(data["trends"]["days"]) == 30 and data["trends"]["days"][-1] == "2026-12-22"
    assert data["trends"]["days"][0] == "2026-11-23" and data["trends"]["series"]["started"][0] == 1
    assert data["rankings"]["month"] == "2026-12"
    scopes = [r["scope"] for r in engine.report_access.recent(report="cockpit")]
    assert scopes == ["trends", "overview"]


def test_api(app, engine, clock):
    red_case(engine, clock)
    client = app.test_client()
    token = engine.identity.create_token("supervisor")
    headers = {"Authorization": f"Bearer {token}"}
    overview = client.get("/api/v1/cockpit", headers=headers).get_json()
    assert overview["cases"]["red"] == 1 and overview["departments"][0]["department"] == "测试局"
    trends = client.get("/api/v1/cockpit/trends?days=60", headers=headers).get_json()
    assert len(trends["trends"]["days"]) == 60 and sum(trends["trends"]["series"]["started"]) == 1
    assert client.get("/api/v1/cockpit/trends?days=x", headers=headers).status_code == 400
    assert client.get("/api/v1/cockpit/trends?days=400", headers=headers).status_code == 400
    clerk = {"Authorization": f"Bearer {engine.identity.create_token('clerk')}"}
    refused = client.get("/api/v1/cockpit", headers=clerk)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/cockpit").status_code == 401
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/cockpit" in paths and "/cockpit/trends" in paths
