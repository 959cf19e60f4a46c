"""Issue 16 §2, indicators by their definitions (seed 003 附件 名词解释; seed 002 Art. 16–18; 000 三(五); 004 五(四)):
online depth in three levels, visits recorded by the window, Art. 17(4) and (5) scored from their own data, the
scoring standard in versions, each official's daily points, quarterly and annual results, and one definition of
on time shared by the report and the cockpit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from engine.catalogue.service import validate_entry
from engine.errors import InvalidInput, InvalidState, PermissionDenied
from engine.kernel.clock import SHANGHAI
from engine.models import CaseVisit, ExternalFact, Matter, OutboxMessage, ScoringStandard, TrailEntry

from ..helpers import FIVE_STEP_ENTRY, START, applied_case, update_case


def department(evaluation, name):
    return next(d for d in evaluation["departments"] if d["name"] == name)


def events(engine, name):
    with engine.db.reading() as session:
        rows = session.scalars(sa.select(TrailEntry).where(TrailEntry.event == name).order_by(TrailEntry.seq)).all()
        return [(row.case_id, row.actor, json.loads(row.detail) if row.detail else None) for row in rows]


def test_online_service_rate_and_depth_shares_follow_the_seed(five_step_engine):
    """003 附件: "网上办理率:指可以在网上办理、达到一级办事深度的事项占全部事项的比率" and "网上深化率:指网上办事深度
    分别达到一、二、三级的比率" — four matters at depth 1, 2, 3 and none: 3/4 online, a quarter at each level."""
    for number, depth in ((2, 1), (3, 2), (4, None)):
        entry = {**FIVE_STEP_ENTRY, "code": f"TEST-000{number}", "key": f"five_step_{number}"}
        if depth:
            entry["online_depth"] = depth
        five_step_engine.catalogue.publish(entry, "admin")
    with five_step_engine.db.transaction() as session:
        matter = session.get(Matter, "TEST-0001")
        matter.entry = {**matter.entry, "online_depth": 3}
    row = department(five_step_engine.performance.evaluate("2026-11"), "测试局")["indicators"]
    assert row["published_matters"] == 4 and row["online_service_rate"] == 0.75
    assert (row["online_depth_1_rate"], row["online_depth_2_rate"], row["online_depth_3_rate"]) == (0.25, 0.25, 0.25)


def test_the_catalogue_has_the_seeds_three_depth_levels():
    """003 附件 网上办事深度: 一级, 二级, 三级 — no fourth level."""
    for depth in (1, 2, 3):
        assert validate_entry({**FIVE_STEP_ENTRY, "online_depth": depth})["online_depth"] == depth
    for bad in (0, 4, "3", True):
        with pytest.raises(InvalidInput):
            validate_entry({**FIVE_STEP_ENTRY, "online_depth": bad})


def test_the_window_records_visits_and_the_indicator_counts_them(five_step_engine, october):
    """003 附件 三级: "无需到现场或者只需到现场一次就可完成服务事项的全过程办理" — visits are recorded one by one by the
    window (API, case page) with a trail row; a case with none (online) counts 0."""
    engine = five_step_engine
    clerk, citizen = engine.identity.actor("clerk"), engine.identity.actor("citizen")
    listed = engine.visits.of_case(october["late"], clerk)
    assert listed["visits"] == 2 and [v["purpose"] for v in listed["items"]] == ["递交申请材料", "领取许可证"]
    assert [(case, actor) for case, actor, _ in events(engine, "onsite_visit_recorded")] == [
        (october["late"], "clerk"),
        (october["late"], "clerk"),
    ]
    # two ended cases (the online one with no visit): 2 / 2
    assert department(engine.performance.evaluate("2026-10"), "测试局")["indicators"]["visits_per_case"] == 1.0
    engine.visits.record(october["on_time"], clerk, "现场核验原件")
    assert department(engine.performance.evaluate("2026-10"), "测试局")["indicators"]["visits_per_case"] == 1.5
    for who in (citizen, engine.identity.actor("outsider"), engine.identity.actor("supervisor")):
        with pytest.raises(PermissionDenied):
            engine.visits.record(october["late"], who, "来访")
    with pytest.raises(InvalidInput):
        engine.visits.record(october["late"], clerk, "  ")
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(CaseVisit)) == 3


def test_post_approval_inspections_score_article_17_4(five_step_engine, october, clock):
    """002 Art. 17: "(四)对审批事项履行监督检查职责的情况" — scored from post-approval inspections: an approval of a
    matter with an inspection duty whose inspection falls due without one is deducted, an inspection added."""
    engine = five_step_engine
    clerk = engine.identity.actor("clerk")
    with engine.db.transaction() as session:
        matter = session.get(Matter, "TEST-0001")
        matter.entry = {**matter.entry, "inspection_days": 30}  # both October approvals are due in November
    clock.set(dt.datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    november = department(engine.performance.evaluate("2026-11"), "测试局")
    assert november["counts"]["uninspected_approval"] == 2
    assert {line["item"]: line["points"] for line in november["lines"]}["uninspected_approval"] == -2.0
    clock.set(dt.datetime(2026, 11, 5, 10, tzinfo=SHANGHAI))
    engine.inspections.record(october["on_time"], clerk, True, "现场检查：持证经营，符合许可条件")
    clock.set(dt.datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    november = department(engine.performance.evaluate("2026-11"), "测试局")
    assert november["counts"]["uninspected_approval"] == 1 and november["counts"]["inspection"] == 1
    assert events(engine, "inspection_recorded")[0][:2] == (october["on_time"], "clerk")
    with pytest.raises(InvalidState):  # a running case has no approval to inspect
        engine.inspections.record(october["running"], clerk, True, "检查")
    with pytest.raises(PermissionDenied):
        engine.inspections.record(october["on_time"], engine.identity.actor("outsider"), True, "检查")
    with pytest.raises(InvalidInput):
        engine.inspections.record(october["on_time"], clerk, "yes", "检查")


def test_data_reporting_is_scored_from_its_timeliness(five_step_engine, october):
    """002 Art. 17: "(五)行政审批数据报送的情况" — a case whose record reached the supervision platform later than the
    limit (24 hours by default), or whose ministry system reported a step late, is deducted once."""
    engine = five_step_engine
    at = dt.datetime(2026, 10, 16, 10, tzinfo=SHANGHAI)
    with engine.db.transaction() as session:
        for key, case_id, sent in (
            ("a", october["on_time"], at + dt.timedelta(hours=2)),  # in time
            ("b", october["late"], at + dt.timedelta(hours=30)),  # late
            ("c", october["late"], at + dt.timedelta(hours=40)),  # late again: the same case counts once
        ):
            session.add(
                OutboxMessage(
                    topic="trail",
                    key=key,
                    case_id=case_id,
                    payload="{}",
                    created_at=at,
                    status="sent",
                    next_attempt_at=at,
                    sent_at=sent,
                )
            )
        session.add(
            ExternalFact(
                system="gs",
                external_id="X1",
                step="decided",
                case_id=october["running"],
                happened_at=at - dt.timedelta(days=3),
                reported_at=at,
            )
        )
    row = department(engine.performance.evaluate("2026-10"), "测试局")
    assert row["counts"]["late_data_report"] == 2
    assert {line["item"]: line["points"] for line in row["lines"]}["late_data_report"] == -1.0
    supervisor = engine.identity.actor("supervisor")
    engine.performance.update_settings({"report_limit_hours": 48}, supervisor, "省平台要求 48 小时内报送")
    assert department(engine.performance.evaluate("2026-10"), "测试局")["counts"]["late_data_report"] == 1


def test_the_scoring_standard_changes_only_as_a_new_version_with_its_trail_row(five_step_engine, october):
    """002 Art. 18: "监察机关根据测评内容制定测评标准,并采用扣分和加分相结合的方式,评定测评分数" — every change is a
    version of the whole standard with its trail row; the evaluation names the version it used."""
    engine = five_step_engine
    supervisor = engine.identity.actor("supervisor")
    assert engine.performance.evaluate("2026-10")["standard_version"] == 0
    engine.performance.update_settings({"red_signal": -3}, supervisor, "加大红牌扣分")
    engine.performance.update_settings({"red_signal": -3}, supervisor)  # no change: no version
    engine.performance.update_settings({"inspection": 0.5, "red_signal": -4}, supervisor, "第二版")
    versions = engine.performance.standard_versions(supervisor)
    assert [(v["version"], v["settings"]["red_signal"], v["reason"]) for v in versions] == [
        (2, -4.0, "第二版"),
        (1, -3.0, "加大红牌扣分"),
    ]
    assert versions[0]["settings"]["inspection"] == 0.5 and versions[1]["settings"]["inspection"] == 0.1
    trail = [detail for _, _, detail in events(engine, "performance_settings_changed")]
    assert [(d["version"], d["changes"]["red_signal"]) for d in trail] == [
        (1, {"from": -2.0, "to": -3.0}),
        (2, {"from": -3.0, "to": -4.0}),
    ]
    assert engine.performance.evaluate("2026-10")["standard_version"] == 2
    with pytest.raises(PermissionDenied):
        engine.performance.update_settings({"red_signal": -1}, engine.identity.actor("clerk"))
    with pytest.raises(PermissionDenied):
        engine.performance.standard_versions(engine.identity.actor("clerk"))
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ScoringStandard)) == 2


def test_every_official_sees_their_own_daily_and_monthly_points(five_step_engine, october, clock):
    """002 §1 三是: "每日的考核成绩由纪检监察人员录入,月底系统自动生成考核成绩…所有工作人员均可以看到每日、每月加、减分
    情况"; 000 三(五): "及时公布市直各单位季度和年度绩效考评情况"."""
    engine = five_step_engine
    supervisor, clerk = engine.identity.actor("supervisor"), engine.identity.actor("clerk")
    engine.performance.record_points("clerk", "2026-10-20", 2, "群众来信表扬", supervisor)
    engine.performance.record_points("clerk", "2026-10-21", -1.5, "窗口脱岗", supervisor)
    assert events(engine, "manual_points_recorded")[0][2] == {
        "official": "clerk",
        "day": "2026-10-20",
        "points": 2.0,
        "reason": "群众来信表扬",
    }
    mine = engine.performance.my_score(clerk, "2026-10")
    days = {row["day"]: row for row in mine["days"]}
    assert days["2026-10-20"]["plus"] == 2.0 and days["2026-10-20"]["manual"][0]["reason"] == "群众来信表扬"
    assert days["2026-10-21"]["minus"] == -1.5
    assert days["2026-10-15"]["minus"] == -4.0  # the red (−2) and two yellow (−1 each) signals naming the clerk
    evaluation = engine.performance.evaluate("2026-10")
    official = next(o for o in evaluation["officials"] if o["id"] == "clerk")
    assert mine["result"]["score"] == official["score"]  # the page and the monthly evaluation agree
    assert {"item": "manual_points", "count": 1, "points": 2.0} in official["lines"]
    assert mine["quarter"]["period"] == "2026-Q4" and [m["month"] for m in mine["quarter"]["months"]] == [
        "2026-10",
        "2026-11",
    ]
    assert mine["year"]["period"] == "2026" and len(mine["year"]["months"]) == 11
    assert mine["quarter"]["score"] == round(sum(m["score"] for m in mine["quarter"]["months"]) / 2, 2)
    # a supervisor reads an official of their units; officials read only themselves
    assert engine.performance.my_score(supervisor, "2026-10", "clerk")["result"] == mine["result"]
    with pytest.raises(PermissionDenied):
        engine.performance.my_score(engine.identity.actor("clerk2"), "2026-10", "clerk")
    for who in (clerk, engine.identity.actor("far_supervisor")):
        with pytest.raises(PermissionDenied):
            engine.performance.record_points("clerk", "2026-10-20", 1, "表扬", who)
    for bad in ({"points": 0}, {"points": 11}, {"points": True}, {"day": "2026-13-01"}, {"day": "2026-11-24"}):
        args = {"official": "clerk", "day": "2026-10-20", "points": 1, "reason": "表扬", **bad}
        with pytest.raises(InvalidInput):
            engine.performance.record_points(**args, actor=supervisor)
    with pytest.raises(InvalidInput):
        engine.performance.record_points("clerk", "2026-10-20", 1, "", supervisor)


def test_a_supervisor_chooses_among_the_officials_of_their_units(five_step_engine):
    """002 §1 三是: "每日的考核成绩由纪检监察人员录入" — the supervisor records points for the officials of the units they
    oversee: the form offers exactly those (active officials, by department, with their names), the administrator
    every unit's; officials get no such list, and recording stays checked on the server."""
    from engine.models import User

    engine = five_step_engine
    with engine.db.transaction() as session:
        session.add(User(id="gone", name="已离岗", department_id="T01", posts=[], roles=["official"], active=False))
        session.add(User(id="far_clerk", name="外县窗口", department_id="X00", posts=[], roles=["official"]))
    offered = engine.performance.scorable_officials(engine.identity.actor("supervisor"))
    assert offered == [  # by department, then name (in code point order on every database)
        {"id": "outsider", "name": "他局人员", "department": "其他局"},
        {"id": "clerk2", "name": "窗口乙", "department": "测试局"},
        {"id": "clerk", "name": "窗口甲", "department": "测试局"},
    ]
    assert [o["id"] for o in engine.performance.scorable_officials(engine.identity.actor("far_supervisor"))] == [
        "far_clerk"
    ]
    every = {o["id"] for o in engine.performance.scorable_officials(engine.identity.actor("admin"))}
    assert every == {"clerk", "clerk2", "outsider", "far_clerk"}  # officials only: no supervisor, applicant, admin
    with pytest.raises(PermissionDenied):
        engine.performance.scorable_officials(engine.identity.actor("clerk"))
    far = engine.identity.actor("far_supervisor")
    with pytest.raises(PermissionDenied):  # whatever the form offered, the server checks the unit
        engine.performance.record_points("clerk", "2026-11-20", 1, "表扬", far)
    assert engine.performance.record_points("far_clerk", "2026-11-20", 1, "表扬", far)["name"] == "外县窗口"


def test_quarterly_and_annual_results_average_the_months(five_step_engine, october, clock):
    """000 三(五): "公布市直各单位季度和年度绩效考评情况"; 004 五(四): "年度综合绩效评估" — a quarter and a year are the
    average of their months so far; a month without data counts the base score."""
    engine = five_step_engine
    supervisor = engine.identity.actor("supervisor")
    october_score = department(engine.performance.evaluate("2026-10"), "测试局")["score"]
    november_score = department(engine.performance.evaluate("2026-11"), "测试局")["score"]
    quarter = engine.performance.period("2026-Q4", supervisor)
    assert quarter["months"] == ["2026-10", "2026-11"] and quarter["complete"] is False
    row = next(d for d in quarter["departments"] if d["name"] == "测试局")
    assert row["months"] == [october_score, november_score]
    assert row["score"] == round((october_score + november_score) / 2, 2)
    year = engine.performance.period("2026", supervisor)
    test_bureau = next(d for d in year["departments"] if d["name"] == "测试局")
    assert len(test_bureau["months"]) == 11 and test_bureau["months"][0] == 100.0  # January: no data, the base
    for bad in ("2026-Q5", "26", "2026-Q", None):
        with pytest.raises(InvalidInput):
            engine.performance.period(bad, supervisor)
    with pytest.raises(PermissionDenied):
        engine.performance.period("2026-Q4", engine.identity.actor("clerk"))


def test_the_cockpit_and_the_report_give_the_same_figures_for_a_department_and_month(five_step_engine, october):
    """Issue 16 §2: "one definition of on-time (against the statutory limit, the promised one shown beside it),
    average handling time in working days" — the cockpit's ranking and the monthly report agree."""
    engine = five_step_engine
    supervisor = engine.identity.actor("supervisor")
    update_case(engine, october["late"], promised_due_at=dt.datetime(2026, 10, 13, 0, tzinfo=SHANGHAI))
    report = department(engine.performance.evaluate("2026-10"), "测试局")["indicators"]
    cockpit = next(
        r for r in engine.cockpit.rankings(supervisor, month="2026-10")["on_time"] if r["department"] == "测试局"
    )
    assert cockpit["ended"] == report["cases_ended"] == 2
    assert cockpit["on_time_rate"] == report["on_time_rate"] == 0.5
    assert cockpit["within_promise_rate"] == report["within_promise_rate"] == 0.5
    assert cockpit["average_handling_days"] == report["average_handling_days"] == 1.5
    assert cockpit["rate"] == 50.0
    with pytest.raises(InvalidInput):
        engine.cockpit.rankings(supervisor, month="2026-13")


def test_an_online_case_without_visits_counts_zero(five_step_engine, clock):
    """ "online cases count 0": a case applied online and never visited brings the average down, not up."""
    engine = five_step_engine
    case = applied_case(engine)
    assert engine.visits.of_case(case["id"], engine.identity.actor("clerk")) == {
        "case_id": case["id"],
        "visits": 0,
        "items": [],
    }
    assert clock.now() == START
