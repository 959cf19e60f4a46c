"""The supervision cockpit: counts and lists that follow the lights of real cases, scoped to the supervisor's
units, trends per Shanghai day with empty days filled, rankings, and every reading logged."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import InvalidInput, PermissionDenied
from engine.kernel.clock import SHANGHAI

from ..helpers import accepted_case as start
from ..helpers import add_signal, complete


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def finish(engine, case_id):
    for data in ({}, {"review": "approve"}, {"approval": "approve"}, {}):
        complete(engine, case_id, data)


def test_counts_and_lists_follow_the_lights(five_step_engine, clock):
    supervisor = five_step_engine.identity.actor("supervisor")
    first, second, done = (
        start(five_step_engine, "王五"),
        start(five_step_engine, "李四"),
        start(five_step_engine, "赵六"),
    )
    clock.set(at("2026-11-24T10:00"))
    finish(five_step_engine, done["id"])
    overview = five_step_engine.cockpit.overview(supervisor)
    assert overview["cases"]["none"] == 2 and overview["cases"]["red"] == 0
    assert five_step_engine.cockpit.cases(supervisor)["total"] == 0

    clock.set(at("2026-12-03T10:00"))
    five_step_engine.sweep()
    overview = five_step_engine.cockpit.overview(supervisor)
    assert overview["cases"]["yellow"] == 2 and overview["cases"]["none"] == 0
    row = next(r for r in overview["departments"] if r["department"] == "测试局")
    assert (row["running"], row["yellow"], row["red"]) == (2, 2, 0)
    listed = five_step_engine.cockpit.cases(supervisor)
    assert {c["number"] for c in listed["items"]} == {first["number"], second["number"]}
    assert listed["items"][0]["matter_name"] == "测试事项" and listed["items"][0]["light"] == "yellow"

    clock.set(at("2026-12-22T09:00"))
    five_step_engine.sweep()
    overview = five_step_engine.cockpit.overview(supervisor)
    assert overview["cases"]["red"] == 2 and overview["cases"]["yellow"] == 0
    assert sum(overview["tasks"].values()) == 2
    assert five_step_engine.cockpit.cases(supervisor, light="red", department="测试局")["total"] == 2
    assert five_step_engine.cockpit.cases(supervisor, light="yellow")["total"] == 0
    assert five_step_engine.cockpit.cases(supervisor, department="其他局")["total"] == 0
    paged = five_step_engine.cockpit.cases(supervisor, per_page=1, page=2)
    assert paged["total"] == 2 and len(paged["items"]) == 1
    with pytest.raises(InvalidInput):
        five_step_engine.cockpit.cases(supervisor, light="purple")


def test_signals_items_and_complaints_are_counted(five_step_engine, clock):
    supervisor = five_step_engine.identity.actor("supervisor")
    case = start(five_step_engine)
    add_signal(five_step_engine, "测试局", "red", case["id"])
    add_signal(five_step_engine, "测试局", "yellow", case["id"], subject="fee:1")
    add_signal(five_step_engine, "测试局", "yellow", case["id"], status="corrected", subject="fee:2")
    overview = five_step_engine.cockpit.overview(supervisor)
    assert overview["signals"]["red"]["open"] == 1 and overview["signals"]["yellow"] == {
        "open": 1,
        "corrected": 1,
        "closed": 0,
    }
    assert overview["signals_open"] == 2
    assert next(r for r in overview["departments"] if r["department"] == "测试局")["signals_open"] == 2
    listed = five_step_engine.cockpit.signals(supervisor)
    assert listed["total"] == 2 and {s["case_number"] for s in listed["items"]} == {case["number"]}
    assert five_step_engine.cockpit.signals(supervisor, colour="red")["total"] == 1
    assert overview["complaints"]["submitted"] == 0
    assert overview["items"] == {"none": 0, "yellow": 0, "red": 0}  # no "green" light any more (issue 16 §3)


def test_a_district_supervisor_sees_only_their_district(five_step_engine, clock):
    start(five_step_engine)
    add_signal(five_step_engine, "外县人民政府", "yellow")
    add_signal(five_step_engine, "测试局", "red")
    city, district = five_step_engine.identity.actor("supervisor"), five_step_engine.identity.actor("far_supervisor")
    assert five_step_engine.cockpit.overview(city)["cases"]["none"] == 1
    far = five_step_engine.cockpit.overview(district)
    assert sum(far["cases"].values()) == 0 and [r["department"] for r in far["departments"]] == ["外县人民政府"]
    assert [s["department"] for s in five_step_engine.cockpit.signals(district)["items"]] == ["外县人民政府"]
    assert [s["department"] for s in five_step_engine.cockpit.signals(city)["items"]] == ["测试局"]
    assert sum(five_step_engine.cockpit.trends(district)["series"]["started"]) == 0
    assert five_step_engine.cockpit.overview(five_step_engine.identity.actor("admin"))["signals_open"] == 2
    with pytest.raises(PermissionDenied):
        five_step_engine.cockpit.overview(five_step_engine.identity.actor("clerk"))
    with pytest.raises(PermissionDenied):
        five_step_engine.cockpit.trends(five_step_engine.identity.actor("citizen"))


def test_trends_count_per_shanghai_day_and_fill_empty_days(five_step_engine, clock):
    supervisor = five_step_engine.identity.actor("supervisor")
    clock.set(at("2026-11-02T10:00"))
    early = start(five_step_engine)
    clock.set(at("2026-11-23T09:00"))
    start(five_step_engine), start(five_step_engine)
    finish(five_step_engine, early["id"])  # promised by 2026-11-16: ended overdue
    add_signal(five_step_engine, "测试局", "yellow", raised=at("2026-11-20T23:30"))  # 15:30 UTC, still the 20th
    add_signal(
        five_step_engine, "测试局", "red", raised=at("2026-11-21T00:30"), subject="late"
    )  # 16:30 UTC on the 20th
    clock.set(at("2026-11-25T15:00"))
    trends = five_step_engine.cockpit.trends(supervisor)
    days, series = trends["days"], trends["series"]
    assert len(days) == 30 and days[-1] == "2026-11-25" and days[0] == "2026-10-27"
    day = days.index
    assert series["started"][day("2026-11-02")] == 1 and series["started"][day("2026-11-23")] == 2
    assert sum(series["started"]) == 3 and series["started"][day("2026-11-24")] == 0
    assert series["ended"][day("2026-11-23")] == 1 and series["ended_past_promise"][day("2026-11-23")] == 1
    assert series["ended_overdue"][day("2026-11-23")] == 0  # late means past the statutory limit, as in the report
    assert series["signals_yellow"][day("2026-11-20")] == 1 and series["signals_red"][day("2026-11-21")] == 1
    assert series["signals_red"][day("2026-11-20")] == 0
    assert all(isinstance(n, int) for values in series.values() for n in values)
    assert len(five_step_engine.cockpit.trends(supervisor, days=7)["days"]) == 7
    with pytest.raises(InvalidInput):
        five_step_engine.cockpit.trends(supervisor, days=0)


def test_rankings_by_on_time_rate_and_red_signals(five_step_engine, clock):
    supervisor = five_step_engine.identity.actor("supervisor")
    clock.set(at("2026-11-02T10:00"))
    late = start(five_step_engine)
    clock.set(at("2026-11-23T09:00"))
    on_time = start(five_step_engine)
    finish(five_step_engine, late["id"])
    finish(five_step_engine, on_time["id"])
    add_signal(five_step_engine, "测试局", "red")
    add_signal(five_step_engine, "其他局", "red", subject="b1")
    add_signal(five_step_engine, "其他局", "red", subject="b2")
    add_signal(five_step_engine, "其他局", "red", raised=at("2026-10-30T10:00"), subject="last month")
    rankings = five_step_engine.cockpit.rankings(supervisor)
    assert rankings["month"] == "2026-11"
    # on time against the statutory limit (both); the promised limit beside it (the first case missed it)
    assert rankings["on_time"] == [
        {
            "department": "测试局",
            "ended": 2,
            "on_time": 2,
            "rate": 100.0,
            "on_time_rate": 1.0,
            "within_promise": 1,
            "within_promise_rate": 0.5,
            "average_handling_days": rankings["on_time"][0]["average_handling_days"],
        }
    ]
    assert rankings["on_time"][0]["average_handling_days"] == pytest.approx(
        7.44, abs=0.02
    )  # (≈14.9 + 0) / 2, working days
    assert rankings["red_signals"] == [{"department": "其他局", "count": 2}, {"department": "测试局", "count": 1}]


def test_every_reading_is_logged(five_step_engine, clock):
    supervisor = five_step_engine.identity.actor("supervisor")
    five_step_engine.cockpit.overview(supervisor)
    five_step_engine.cockpit.cases(supervisor, light="red", department="测试局")
    five_step_engine.cockpit.trends(supervisor)
    five_step_engine.cockpit.overview(supervisor, record=False)
    log = five_step_engine.report_access.recent(report="cockpit")
    assert [(r["actor"], r["action"]) for r in log] == [("supervisor", "read")] * 3
    assert {r["scope"] for r in log} == {"overview", "cases light=red department=测试局", "trends"}
    assert log[0]["at"] == clock.now().isoformat()


def test_demo_history_gives_the_cockpit_lights_trends_and_escalations(bare_sqlite_engine, clock):
    from demo import seed as demo
    from demo.history import BACKLOG, PLAN, seed_past_cases
    from engine.kernel import clock as clock_module

    engine = bare_sqlite_engine
    engine.catalogue.import_directory(engine.settings.processes_dir)
    demo.seed_people(engine)
    started = seed_past_cases(engine)
    assert len(started) == len(PLAN + BACKLOG) and clock_module.current() is clock  # the test's clock is back
    supervisor = engine.identity.actor("supervisor")
    overview = engine.cockpit.overview(supervisor)
    assert overview["cases"]["red"] >= 1 and overview["cases"]["yellow"] >= 1
    assert sum(overview["items"].values()) >= 1  # overdue steps escalated into 督办 items
    series = engine.cockpit.trends(supervisor)["series"]
    assert sum(series["started"]) == len(PLAN + BACKLOG) and sum(series["ended_past_promise"]) >= 1
    assert engine.history.verify().ok
