"""The hall's display board: today's counts and the public fields only; its page never shows a full name."""

from __future__ import annotations

import datetime as dt

import pytest

from web import create_app

from ..helpers import complete

APPLICANTS = ["张三丰", "欧阳娜娜", "郑州某某科技有限公司"]


@pytest.fixture
def board_engine(five_step_engine, clock):
    citizen = five_step_engine.identity.actor("citizen")
    clock.set(clock.now() - dt.timedelta(days=1))
    five_step_engine.cases.start_case("TEST-0001", {"name": "昨日申请人"}, {}, citizen)
    clock.set(clock.now() + dt.timedelta(days=1))
    ids = [five_step_engine.cases.start_case("TEST-0001", {"name": name}, {}, citizen)["id"] for name in APPLICANTS]
    for data in ({"accept": "accept"}, {}, {"review": "approve"}):
        complete(five_step_engine, ids[0], data)
    complete(five_step_engine, ids[0], {"approval": "deny"}, opinion="内部审批意见")
    complete(five_step_engine, ids[1], {"accept": "accept"})
    return five_step_engine


def test_board_counts_today_and_shows_only_public_fields(board_engine):
    board = board_engine.hall.board()
    assert board["today"] == {"received": 3, "completed": 1}
    assert [c["applicant"] for c in board["cases"][:3]] == ["郑州****公司", "欧阳**", "张**"]
    assert [c["status"] for c in board["cases"][:3]] == ["awaiting_acceptance", "in_progress", "denied"]
    assert set(board["cases"][0]) == {"number", "matter_name", "department", "applicant", "received_at", "status"}
    assert board_engine.hall.board(department="其他局")["cases"] == []


def test_hall_page_never_shows_full_names_and_polls_a_fragment(board_engine):
    client = create_app(shenpi=board_engine, testing=True).test_client()
    page = client.get("/hall").get_data(as_text=True)
    assert 'class="board-page"' in page and 'class="board"' in page
    assert 'hx-trigger="every 30s"' in page and 'hx-get="/hall/rows"' in page
    fragment = client.get("/hall/rows").get_data(as_text=True)
    assert "<html" not in fragment and "郑州****公司" in fragment
    for html in (page, fragment):
        for name in APPLICANTS + ["昨日申请人"]:
            assert name not in html
        assert "内部审批意见" not in html and "不予许可" in html and "待受理" in html
