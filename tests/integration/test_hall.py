"""The hall's display board: today's counts (received, accepted, decided), a screen of cases at a time rolling on to
the next, the time limits and fees of the matters on the screen, and the public fields only; its page never shows a
full name.

Seed 002 §1 四是: 通过政务大厅电子显示屏、电子触摸屏和政务审批网将业务相关法律法规、人员职责、工作流程、收费标准、办理进度等
予以实时公开 …… 政务中心通过大厅电子显示屏和行政审批网随时滚动显示所有办件进展情况."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.models import Matter
from web import create_app

from ..helpers import FIVE_STEP_ENTRY, complete

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
    assert board["today"] == {"received": 3, "accepted": 2, "completed": 1}
    assert [c["applicant"] for c in board["cases"][:3]] == ["郑州****公司", "欧阳**", "张**"]
    assert [c["status"] for c in board["cases"][:3]] == ["awaiting_acceptance", "in_progress", "denied"]
    assert set(board["cases"][0]) == {
        "number",
        "matter",
        "matter_name",
        "department",
        "applicant",
        "received_at",
        "status",
    }
    assert board_engine.hall.board(department="其他局")["cases"] == []


def test_hall_page_never_shows_full_names_and_polls_a_fragment(board_engine):
    client = create_app(shenpi=board_engine, testing=True).test_client()
    page = client.get("/hall").get_data(as_text=True)
    assert 'class="board-page"' in page and 'class="board"' in page
    assert 'hx-trigger="every 15s"' in page and 'hx-get="/hall/rows?page=1&amp;notices=1"' in page  # one screen
    fragment = client.get("/hall/rows").get_data(as_text=True)
    assert "<html" not in fragment and "郑州****公司" in fragment
    for html in (page, fragment):
        for name in APPLICANTS + ["昨日申请人"]:
            assert name not in html
        assert "内部审批意见" not in html and "不予许可" in html and "待受理" in html


def test_screens_roll_page_by_page_and_wrap_to_the_first(board_engine):
    """随时滚动显示所有办件进展情况: ten cases a screen; each screen names the next, the last the first."""
    citizen = board_engine.identity.actor("citizen")
    for n in range(8):
        board_engine.cases.start_case("TEST-0001", {"name": f"申请人{n}"}, {}, citizen)
    first, second = board_engine.hall.board(page=1), board_engine.hall.board(page=2)
    assert (first["total"], first["pages"], first["next_page"]) == (12, 2, 2)
    assert len(first["cases"]) == 10 and len(second["cases"]) == 2 and second["next_page"] == 1
    assert not {c["number"] for c in first["cases"]} & {c["number"] for c in second["cases"]}
    assert board_engine.hall.board(page=99)["page"] == 2  # past the last screen: the last
    client = create_app(shenpi=board_engine, testing=True).test_client()
    assert 'hx-get="/hall/rows?page=2&amp;notices=1"' in client.get("/hall").get_data(as_text=True)
    assert 'hx-get="/hall/rows?page=1&amp;notices=1"' in client.get("/hall/rows?page=2").get_data(as_text=True)


def test_fee_and_time_limit_notices_of_the_matters_on_the_screen(board_engine):
    """收费标准……予以实时公开: the matters on the screen with their promised and statutory limits and fees."""
    notices = board_engine.hall.board()["notices"]
    assert notices == [
        {
            "code": "TEST-0001",
            "name": "测试事项",
            "department": "测试局",
            "handling": "承诺件",
            "promised_limit_days": 10,
            "statutory_limit_days": 20,
            "free": True,
            "fees": [],
        }
    ]
    entry = board_engine.catalogue.entry("TEST-0001")
    fee = {"item": "证照工本费", "standard": "10元/本", "basis": "《收费标准文件》"}
    board_engine.catalogue.publish({**{k: v for k, v in entry.items() if k in FIVE_STEP_ENTRY}, "fees": [fee]}, "admin")
    notice = board_engine.hall.board()["notices"][0]
    assert notice["free"] is False and notice["fees"] == [fee]
    html = create_app(shenpi=board_engine, testing=True).test_client().get("/hall").get_data(as_text=True)
    assert "证照工本费：10元/本" in html and "10 个工作日" in html and "20 个工作日" in html
    assert "今日收件" in html and "今日受理" in html


def _matter(code, department="测试局", published=True, fees=()):
    entry = {"promised_limit_days": 5, "statutory_limit_days": 15, "fees": list(fees)}
    return Matter(
        code=code,
        key=f"k-{code}",
        name=f"事项{code}",
        department=department,
        matter_type="行政许可",
        statutory_limit_days=15,
        promised_limit_days=5,
        star_level=3,
        handling="承诺件",
        process_key=f"k-{code}",
        published=published,
        entry=entry,
    )


def test_every_published_matters_notices_roll_a_group_a_screen(board_engine):
    """002 §1 四是: "将业务相关法律法规、人员职责、工作流程、收费标准、办理进度等予以实时公开" — the limits and fees of every
    published matter, not only of those whose cases are on the screen, roll eight to a screen and wrap; a withdrawn
    matter is not shown; ``?department=`` shows that department's."""
    fee = {"item": "工本费", "standard": "5元/本", "basis": "《收费依据》"}
    with board_engine.db.transaction() as session:
        session.add_all([_matter(f"ROLL-{n:02d}", fees=[fee] if n == 3 else []) for n in range(10)])
        session.add(_matter("ROLL-GONE", published=False))
        session.add(_matter("ROLL-OTHER", department="其他局"))
    first = board_engine.hall.board()["all_notices"]
    assert (first["total"], first["pages"], first["page"], first["next_page"]) == (12, 2, 1, 2)
    second = board_engine.hall.board(notice_page=2)["all_notices"]
    codes = [m["code"] for m in first["matters"] + second["matters"]]
    assert codes == sorted([f"ROLL-{n:02d}" for n in range(10)] + ["ROLL-OTHER", "TEST-0001"])
    assert len(first["matters"]) == 8 and second["next_page"] == 1
    assert board_engine.hall.board()["notices"] == [
        n for n in first["matters"] + second["matters"] if n["code"] == "TEST-0001"
    ]  # the matters on the screen, as before
    own = board_engine.hall.board(department="其他局")["all_notices"]
    assert [m["code"] for m in own["matters"]] == ["ROLL-OTHER"] and own["pages"] == 1
    client = create_app(shenpi=board_engine, testing=True).test_client()
    page = client.get("/hall").get_data(as_text=True)
    assert 'hx-get="/hall/rows?page=1&amp;notices=2"' in page and "事项ROLL-00" in page and "事项ROLL-09" not in page
    rolled = client.get("/hall/rows?page=1&notices=2").get_data(as_text=True)
    assert "事项ROLL-09" in rolled and "事项ROLL-03" not in rolled and "notices=1" in rolled
    assert "工本费：5元/本" in client.get("/hall/rows?notices=1").get_data(as_text=True)
    assert "事项ROLL-GONE" not in page + rolled
