"""Incidents on the API and the administrators' page: filters, paging, retry, resolve, access, the cockpit count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.identity.actors import ENGINE
from engine.models import TrailEntry

from ..helpers import heal_workflow, poison_workflow, publish_timer_flow
from .helpers import auth, text
from .helpers import signed_in as page


@pytest.fixture
def engine(engine):
    """The five-step engine with matter TIMER-1 (a one-hour warning timer) in 测试局."""
    publish_timer_flow(engine)
    return engine


@pytest.fixture
def broken(engine, clock):
    """Three cases whose timers are due; the first two cannot be stepped: two open incidents after a sweep.
    Gives (case ids, good workflow states of the broken ones)."""
    cases = [engine.runtime.start_case("TIMER-1", {"name": f"申请人{i}"}, {}, ENGINE)["id"] for i in range(3)]
    good = [poison_workflow(engine, case_id) for case_id in cases[:2]]
    clock.advance(hours=2)
    assert engine.sweep()["incidents"]["opened"] == 2
    return cases, good


def test_the_api_lists_with_filters_and_pages(api, engine, broken):
    cases, _good = broken
    answer = api.get("/api/v1/incidents", headers=auth(api, "admin"))
    assert answer.status_code == 200
    page_ = answer.get_json()
    assert page_["total"] == 2 and page_["page"] == 1 and "timers" in page_["kinds"]
    first = page_["items"][0]
    assert first["kind"] == "timers" and first["state"] == "open" and first["traceback"]
    assert first["message"].startswith("意外错误") and first["reason"] == "unexpected_error"
    english = api.get("/api/v1/incidents", headers={**auth(api, "admin"), "Accept-Language": "en"}).get_json()
    assert english["items"][0]["message"].startswith("unexpected error")
    by_case = api.get(f"/api/v1/incidents?case={cases[1]}", headers=auth(api, "admin")).get_json()
    assert [i["case"] for i in by_case["items"]] == [cases[1]]
    assert api.get("/api/v1/incidents?kind=complaints", headers=auth(api, "admin")).get_json()["total"] == 0
    assert api.get("/api/v1/incidents?state=resolved", headers=auth(api, "admin")).get_json()["total"] == 0
    second = api.get("/api/v1/incidents?per_page=1&page=2", headers=auth(api, "admin")).get_json()
    assert second["pages"] == 2 and len(second["items"]) == 1 and second["items"][0]["id"] != first["id"]
    bad = api.get("/api/v1/incidents?state=closed", headers=auth(api, "admin"))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_input"
    assert api.get("/api/v1/incidents?per_page=1000", headers=auth(api, "admin")).status_code == 400


def test_the_api_retries_and_resolves_with_trail_events(api, engine, broken):
    cases, good = broken
    items = api.get("/api/v1/incidents", headers=auth(api, "admin")).get_json()["items"]
    by_case = {i["case"]: i["id"] for i in items}
    again = api.post(f"/api/v1/incidents/{by_case[cases[0]]}/retry", headers=auth(api, "admin")).get_json()
    assert again["retry"] == "failed" and again["state"] == "open" and again["attempts"] == 2
    heal_workflow(engine, cases[0], good[0])
    fixed = api.post(f"/api/v1/incidents/{by_case[cases[0]]}/retry", headers=auth(api, "admin")).get_json()
    assert fixed["retry"] == "resolved" and fixed["state"] == "resolved" and fixed["resolved_by"] == "admin"
    missing_note = api.post(f"/api/v1/incidents/{by_case[cases[1]]}/resolve", json={}, headers=auth(api, "admin"))
    assert missing_note.status_code == 400
    resolved = api.post(
        f"/api/v1/incidents/{by_case[cases[1]]}/resolve", json={"note": "数据已人工修复"}, headers=auth(api, "admin")
    )
    assert resolved.status_code == 200 and resolved.get_json()["note"] == "数据已人工修复"
    twice = api.post(f"/api/v1/incidents/{by_case[cases[1]]}/resolve", json={"note": "再"}, headers=auth(api, "admin"))
    assert twice.status_code == 409 and twice.get_json()["error"]["reason"] == "incident_not_open"
    assert api.post("/api/v1/incidents/999999/retry", headers=auth(api, "admin")).status_code == 404
    with engine.db.reading() as session:
        trail = session.scalars(sa.select(TrailEntry.event).where(TrailEntry.event.like("incident_%"))).all()
    assert sorted(trail) == ["incident_opened"] * 2 + ["incident_resolved"] + ["incident_retried"] * 2
    assert engine.history.verify().ok


def test_access_administrators_act_supervisors_read_their_units_others_are_refused(api, engine, broken):
    incident = api.get("/api/v1/incidents", headers=auth(api, "admin")).get_json()["items"][0]["id"]
    seen = api.get("/api/v1/incidents", headers=auth(api, "supervisor"))
    assert seen.status_code == 200 and seen.get_json()["total"] == 2
    assert all("traceback" not in i or i["traceback"] is None for i in seen.get_json()["items"])
    assert api.get("/api/v1/incidents", headers=auth(api, "far_supervisor")).get_json()["total"] == 0
    assert api.get(f"/api/v1/incidents/{incident}", headers=auth(api, "far_supervisor")).status_code == 404
    for user in ("supervisor", "clerk"):
        refused = api.post(f"/api/v1/incidents/{incident}/retry", headers=auth(api, user))
        assert refused.status_code == 403
        refused = api.post(f"/api/v1/incidents/{incident}/resolve", json={"note": "x"}, headers=auth(api, user))
        assert refused.status_code == 403
    listing = api.get("/api/v1/incidents", headers=auth(api, "clerk"))
    assert listing.status_code == 403 and listing.get_json()["error"]["reason"] == "incidents_forbidden"
    assert api.get("/api/v1/incidents").status_code == 401


def test_the_page_filters_retries_and_resolves_with_csrf(app, engine, broken):
    cases, good = broken
    admin = page(app, "admin")
    body = text(admin.get("/admin/incidents"))
    assert "故障事件" in body and "未处理 2 件" in body and "到期定时器" in body and "意外错误" in body
    one = text(admin.get(f"/admin/incidents?case={cases[0]}"))
    assert f'href="/cases/{cases[0]}"' in one and f'href="/cases/{cases[1]}"' not in one
    assert "没有符合条件的故障事件" in text(admin.get("/admin/incidents?state=resolved"))
    ids = {i["case"]: i["id"] for i in engine.incidents.list(engine.identity.actor("admin"))["items"]}
    # forms need their CSRF token
    assert admin.client.post(f"/admin/incidents/{ids[cases[0]]}/retry").status_code == 400
    heal_workflow(engine, cases[0], good[0])
    done = admin.post(f"/admin/incidents/{ids[cases[0]]}/retry", {"next": "/admin/incidents?state=open"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/incidents?state=open")
    assert "重试成功" in text(admin.get("/admin/incidents"))
    away = admin.post(f"/admin/incidents/{ids[cases[1]]}/resolve", {"note": "", "next": "https://evil.example/"})
    assert away.headers["Location"].endswith("/admin/incidents")  # never another site
    assert "请填写 note" in text(admin.get("/admin/incidents")) and engine.incidents.open_count() == 1
    admin.post(f"/admin/incidents/{ids[cases[1]]}/resolve", {"note": "已人工办结"})
    assert engine.incidents.open_count() == 0
    resolved = text(admin.get("/admin/incidents?state=resolved&page=1"))
    assert "已人工办结" in resolved and "已处理" in resolved
    assert page(app, "supervisor").get("/admin/incidents").status_code == 403
    assert page(app, "clerk").get("/admin/incidents").status_code == 403


def test_the_page_is_paged_with_the_shared_pager(app, engine, clock):
    cases = [engine.runtime.start_case("TIMER-1", {"name": f"申请人{i}"}, {}, ENGINE)["id"] for i in range(22)]
    for case_id in cases:
        poison_workflow(engine, case_id)
    clock.advance(hours=2)
    engine.sweep()
    admin = page(app, "admin")
    first = text(admin.get("/admin/incidents"))
    assert "共 22 条" in first and 'rel="next"' in first
    assert "第 2 / 2 页" in text(admin.get("/admin/incidents?page=2"))


def test_the_cockpit_counts_open_incidents(app, api, engine, broken):
    assert 'id="count-incidents">2<' in text(page(app, "supervisor").get("/cockpit/"))
    assert api.get("/api/v1/cockpit", headers=auth(api, "supervisor")).get_json()["incidents_open"] == 2
    assert api.get("/api/v1/cockpit", headers=auth(api, "far_supervisor")).get_json()["incidents_open"] == 0
    assert engine.incidents.open_count() == 2


def test_metrics_count_the_open_incidents_by_kind(api, engine, broken):
    """/metrics (loopback) reads the open incidents at each scrape: shenpi_open_incidents{kind}."""
    scraped = api.get("/metrics").get_data(as_text=True)
    assert 'shenpi_open_incidents{kind="timers"} 2.0' in scraped
    assert engine.incidents.open_counts() == {"timers": 2}
