"""The case clock: limits from acceptance, pauses with reasons, lights that change on time and are queryable."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.errors import InvalidInput, InvalidState, PermissionDenied
from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI
from engine.models import TrailEntry

from ..helpers import complete


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def local(text):
    return dt.datetime.fromisoformat(text).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def accepted_case(engine):
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(engine, case["id"], {"accept": "accept"})
    return engine.cases.get_case(case["id"], ENGINE)


def events(engine, case_id):
    return [(r["event"], r["from"], r["to"]) for r in engine.history.case_trail(case_id, ENGINE)]


def test_acceptance_starts_the_limits(five_step_engine):
    case = accepted_case(five_step_engine)
    clock = case["clock"]
    assert local(clock["accepted_at"]) == "2026-11-23 09:00"
    assert local(clock["promised_due_at"]) == "2026-12-07 17:30"  # 10 working days
    assert local(clock["statutory_due_at"]) == "2026-12-21 17:30"  # 20 working days
    assert case["light"] == "none" and clock["paused_working_days"] == 0
    assert ("case_accepted", None, "none") in events(five_step_engine, case["id"])


def test_lights_change_on_time_through_the_sweep(five_step_engine, clock):
    """Seed 002 §1: "在办理时限剩余3天时,系统亮黄灯预警……法定限期内仍未办结的,系统亮红灯示警". The order is normal →
    yellow → red; this test once expected yellow → green → yellow on the due date (Art. 10's green warning as a
    light): the due date is now a signal beside the light (tests/integration/test_lights.py), so it stays yellow."""
    case = accepted_case(five_step_engine)
    expected = [
        ("2026-12-02T17:00", "none"),
        ("2026-12-03T10:00", "yellow"),
        ("2026-12-07T08:00", "yellow"),  # the due date: 今日到期, not a light
        ("2026-12-08T10:00", "yellow"),
        ("2026-12-22T09:00", "red"),
    ]
    for instant, light in expected:
        clock.set(at(instant))
        five_step_engine.sweep()
        assert five_step_engine.cases.get_case(case["id"], ENGINE)["light"] == light, instant
    changes = [(f, t) for e, f, t in events(five_step_engine, case["id"]) if e == "light_changed"]
    assert changes == [("none", "yellow"), ("yellow", "red")]
    reds = five_step_engine.cases.list_cases(ENGINE, light="red", department="测试局")
    assert [c["id"] for c in reds] == [case["id"]]
    assert five_step_engine.cases.list_cases(ENGINE, light="red", department="其他局") == []
    assert five_step_engine.sweep()["lights"] == 0  # nothing more to change
    assert five_step_engine.history.verify().ok


def test_pause_and_resume(five_step_engine, clock):
    case = accepted_case(five_step_engine)
    clerk = five_step_engine.identity.actor("clerk")
    clock.set(at("2026-11-24T09:00"))
    paused = five_step_engine.case_clock.pause(
        case["id"], "supplement", "一次性告知：缺少营业执照复印件", clerk, missing=["营业执照复印件"]
    )
    assert paused["paused"] and paused["pause_kind"] == "supplement"
    with pytest.raises(InvalidState):
        five_step_engine.case_clock.pause(case["id"], "hearing", "again", clerk)
    clock.set(at("2026-12-20T10:00"))
    assert five_step_engine.sweep()["lights"] == 0  # a paused clock raises no light
    clock.set(at("2026-11-26T09:00"))
    resumed = five_step_engine.case_clock.resume(case["id"], clerk, "材料已补正")
    assert resumed["paused_working_days"] == 2.0 and not resumed["paused"]
    assert local(resumed["promised_due_at"]) == "2026-12-09 17:30"
    assert local(resumed["statutory_due_at"]) == "2026-12-23 17:30"
    kinds = [e for e, _f, _t in events(five_step_engine, case["id"])]
    assert "clock_paused" in kinds and "clock_resumed" in kinds
    trail = five_step_engine.history.case_trail(case["id"], ENGINE)
    assert (
        next(r for r in trail if r["event"] == "clock_paused")["detail"]["reason"] == "一次性告知：缺少营业执照复印件"
    )
    with pytest.raises(InvalidState):
        five_step_engine.case_clock.resume(case["id"], clerk)


def test_pause_refusals(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    clerk = five_step_engine.identity.actor("clerk")
    with pytest.raises(InvalidState):  # before acceptance only the 补正 notice (tests/integration/test_intake.py)
        five_step_engine.case_clock.pause(case["id"], "hearing", "未受理", clerk)
    complete(five_step_engine, case["id"], {"accept": "accept"})
    with pytest.raises(InvalidInput):
        five_step_engine.case_clock.pause(case["id"], "holiday", "x", clerk)
    with pytest.raises(InvalidInput):
        five_step_engine.case_clock.pause(case["id"], "hearing", "  ", clerk)
    with pytest.raises(PermissionDenied):
        five_step_engine.case_clock.pause(case["id"], "hearing", "听证", five_step_engine.identity.actor("outsider"))


def test_refused_application_never_starts_the_clock(five_step_engine):
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(five_step_engine, case["id"], {"accept": "refuse"})
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["clock"]["accepted_at"] is None


def test_a_year_without_its_arrangement_never_refuses_acceptance(five_step_engine, clock):
    """chinesecalendar stops at 2026: the limits run on into 2027 on the provisional calendar, and say so."""
    clock.set(at("2026-12-21T10:00"))
    case = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(five_step_engine, case["id"], {"accept": "accept"})
    view = five_step_engine.cases.get_case(case["id"], ENGINE)["clock"]
    assert local(view["promised_due_at"]) == "2027-01-05 17:30"  # 元旦 (Friday 1 January) is off
    assert view["provisional"] is True
    with five_step_engine.db.reading() as session:
        alerts = session.scalars(sa.select(TrailEntry.event).where(TrailEntry.event == "calendar_data_missing")).all()
    assert alerts == []


def test_api_shows_the_clock_and_filters_by_light(five_step_engine, clock):
    from web import create_app

    client = create_app(shenpi=five_step_engine, testing=True).test_client()
    headers = {"Authorization": f"Bearer {five_step_engine.identity.create_token('clerk')}"}
    case = accepted_case(five_step_engine)
    body = client.post(
        f"/api/v1/cases/{case['id']}/pause", headers=headers, json={"kind": "expert_review", "reason": "组织专家评审"}
    ).get_json()
    assert body["paused"] is True
    assert (
        client.post(
            f"/api/v1/cases/{case['id']}/pause", headers=headers, json={"kind": "bogus", "reason": "x"}
        ).status_code
        == 400
    )
    clock.advance(days=1)
    assert client.post(f"/api/v1/cases/{case['id']}/resume", headers=headers, json={}).status_code == 200
    view = client.get(f"/api/v1/cases/{case['id']}", headers=headers).get_json()
    assert {"accepted_at", "promised_due_at", "statutory_due_at", "paused_working_days", "light"} <= view[
        "clock"
    ].keys()
    assert view["clock"]["paused_working_days"] == 1.0
    clock.set(at("2027-01-29T10:00"))
    five_step_engine.sweep()
    reds = client.get("/api/v1/cases?light=red&department=测试局", headers=headers).get_json()
    assert [c["id"] for c in reds] == [case["id"]]
    assert client.get("/api/v1/cases?light=purple", headers=headers).status_code == 400
