"""Masked names: public pages never show a full name."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.casefiles.masking import MASK, mask_name


def test_people_keep_their_surname_and_organisations_their_ends():
    assert mask_name("张三") == "张*"
    assert mask_name("张三丰") == "张**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("欧阳") == "欧*"
    assert mask_name("郑州某某科技有限公司") == "郑州****公司"
    assert mask_name("  李  ") == "*"
    assert mask_name("") == "" and mask_name(None) == ""


names = st.text(alphabet=st.characters(blacklist_characters=MASK, blacklist_categories=("Cs",)), min_size=2, max_size=40)
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=20)
organisations = st.builds(lambda head, tail: head + tail, chinese, st.sampled_from(["有限公司", "合作社", "超市", "店"]))


@given(st.one_of(names, chinese, organisations))
def test_the_full_name_never_appears_in_the_mask(name):
    masked = mask_name(name)
    assert name.strip() not in masked or len(name.strip()) < 2
    assert MASK in masked or not name.strip()


# --- the board -----------------------------------------------------------------------------------
import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from web import create_app  # noqa: E402

from .test_runtime import complete  # noqa: E402

APPLICANTS = ["张三丰", "欧阳娜娜", "郑州某某科技有限公司"]


@pytest.fixture
def board_engine(five_step, clock):
    citizen = five_step.identity.actor("citizen")
    clock.set(clock.now() - dt.timedelta(days=1))
    five_step.runtime.start_case("TEST-0001", {"name": "昨日申请人"}, {}, citizen)
    clock.set(clock.now() + dt.timedelta(days=1))
    ids = [five_step.runtime.start_case("TEST-0001", {"name": name}, {}, citizen)["id"] for name in APPLICANTS]
    for data in ({"accept": "accept"}, {}, {"review": "approve"}):
        complete(five_step, ids[0], data)
    complete(five_step, ids[0], {"approval": "deny"}, opinion="内部审批意见")
    complete(five_step, ids[1], {"accept": "accept"})
    return five_step


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
