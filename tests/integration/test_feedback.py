"""Ratings (满意度评价) and complaints (投诉) in the engine."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from engine.identity.actors import APPLICANT, ENGINE
from engine.models import User

from ..helpers import citizen, ended_case


def add_applicant(engine, user_id="other", name="李四"):
    with engine.db.transaction() as session:
        session.add(User(id=user_id, name=name, posts=[], roles=[APPLICANT]))


def test_the_applicant_rates_an_ended_case_once(five_step_engine):
    case = ended_case(five_step_engine)
    rating = five_step_engine.feedback.rate(
        case["id"], citizen(five_step_engine), {"overall": 5, "attitude": 4}, " 很快 "
    )
    assert rating["overall"] == 5 and rating["scores"] == {"overall": 5, "attitude": 4} and rating["comment"] == "很快"
    assert five_step_engine.feedback.rating_of(case["id"], citizen(five_step_engine))["overall"] == 5
    with pytest.raises(InvalidState):
        five_step_engine.feedback.rate(case["id"], citizen(five_step_engine), {"overall": 1})
    events = [r for r in five_step_engine.history.case_trail(case["id"], ENGINE) if r["event"] == "service_rated"]
    assert len(events) == 1 and events[0]["at"].startswith("2026-11-23")
    assert five_step_engine.history.verify().ok


def test_ratings_need_an_ended_own_case_and_stars_from_1_to_5(five_step_engine):
    running = five_step_engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, citizen(five_step_engine))
    with pytest.raises(InvalidState):
        five_step_engine.feedback.rate(running["id"], citizen(five_step_engine), {"overall": 5})
    case = ended_case(five_step_engine)
    add_applicant(five_step_engine)
    with pytest.raises(PermissionDenied):
        five_step_engine.feedback.rate(case["id"], citizen(five_step_engine, "other"), {"overall": 5})
    with pytest.raises(PermissionDenied):
        five_step_engine.feedback.rate(case["id"], five_step_engine.identity.actor("clerk"), {"overall": 5})
    for scores in (
        {},
        {"overall": 0},
        {"overall": 6},
        {"overall": "5"},
        {"overall": True},
        {"overall": 4.5},
        {"overall": 3, "speed": 2},
        [5],
    ):
        with pytest.raises(InvalidInput):
            five_step_engine.feedback.rate(case["id"], citizen(five_step_engine), scores)
    with pytest.raises(InvalidInput):
        five_step_engine.feedback.rate(case["id"], citizen(five_step_engine), {"overall": 3}, "长" * 1001)
    with pytest.raises(NotFound):
        five_step_engine.feedback.rate(99999, citizen(five_step_engine), {"overall": 3})
    assert five_step_engine.feedback.rating_of(case["id"], citizen(five_step_engine)) is None


def test_an_anonymous_complaint_keeps_nothing_about_the_complainant(five_step_engine):
    filed = five_step_engine.feedback.complain(
        citizen(five_step_engine),
        "窗口态度差",
        "工作人员不耐烦",
        anonymous=True,
        department="测试局",
        contact_phone="13800000000",
    )
    assert filed["number"].startswith("TS20261123") and filed["status"] == "submitted"
    looked_up = five_step_engine.feedback.complaint_by_number(filed["number"].lower())
    assert looked_up["subject"] == "窗口态度差" and looked_up["department"] == "测试局" and looked_up["anonymous"]
    assert five_step_engine.feedback.my_complaints(citizen(five_step_engine)) == []
    with pytest.raises(InvalidInput):
        five_step_engine.feedback.complain(None, "说明", "内容", anonymous=True, case_id=1)
    assert five_step_engine.history.verify().ok


def test_a_real_name_complaint_may_name_an_own_case_and_is_listed(five_step_engine):
    case = ended_case(five_step_engine)
    filed = five_step_engine.feedback.complain(
        citizen(five_step_engine), "超期未办", "承诺五日，实际十日", anonymous=False, case_id=case["id"]
    )
    mine = five_step_engine.feedback.my_complaints(citizen(five_step_engine))
    assert [c["number"] for c in mine] == [filed["number"]] and mine[0]["case_number"] == case["number"]
    assert mine[0]["department"] == "测试局"
    assert any(r["event"] == "complaint_filed" for r in five_step_engine.history.case_trail(case["id"], ENGINE))
    add_applicant(five_step_engine)
    with pytest.raises(PermissionDenied):
        five_step_engine.feedback.complain(
            citizen(five_step_engine, "other"), "x", "y", anonymous=False, case_id=case["id"]
        )
    with pytest.raises(PermissionDenied):
        five_step_engine.feedback.complain(None, "x", "y", anonymous=False)
    assert five_step_engine.history.verify().ok


def test_complaints_check_their_input(five_step_engine):
    for kwargs in (
        {"subject": " ", "content": "内容"},
        {"subject": "主题", "content": ""},
        {"subject": "主" * 101, "content": "内容"},
        {"subject": "主题", "content": "内容", "department": "不存在局"},
        {"subject": "主题", "content": "内容", "contact_phone": "call me"},
    ):
        with pytest.raises(InvalidInput):
            five_step_engine.feedback.complain(citizen(five_step_engine), anonymous=False, **kwargs)
    for number in ("", "TS1", "ts20261123zzzzzzzz", None, "TS2026112300000000"):
        with pytest.raises(NotFound):
            five_step_engine.feedback.complaint_by_number(number)
    assert five_step_engine.feedback.departments() == ["测试局"]
