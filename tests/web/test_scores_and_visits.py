"""Issue 16 §2 on the pages and the API: each official's own score (/me/score, GET /api/v1/me/score), supervisors'
manual daily points, quarterly and annual results, the versioned standard, and the window's record of visits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.models import CaseVisit, ManualPoint

from .helpers import auth, signed_in, text


@pytest.fixture
def engine(engine, october):
    return engine


def test_an_official_sees_their_own_days_and_month_on_the_page(app, engine):
    """002 §1 三是: "所有工作人员均可以看到每日、每月加、减分情况"."""
    page = signed_in(app, "clerk").get("/me/score?month=2026-10")
    body = text(page)
    assert page.status_code == 200 and "窗口甲" in body and "2026-10-15" in body
    assert "本人的红牌纠错信号" in body and "季度成绩" in body and "年度成绩" in body
    assert "录入每日加减分" not in body  # the form is the supervisors'


def test_a_supervisor_records_daily_points_with_a_reason_through_the_form(app, engine):
    pages = signed_in(app, "supervisor")
    page = pages.get("/me/score?month=2026-10&official=clerk")
    assert page.status_code == 200 and "录入每日加减分" in text(page) and "窗口甲" in text(page)
    done = pages.post(
        "/me/score/points", {"official": "clerk", "day": "2026-10-20", "points": "1.5", "reason": "群众表扬"}
    )
    assert done.status_code == 302 and "official=clerk" in done.headers["Location"]
    refused = pages.post("/me/score/points", {"official": "clerk", "day": "2026-10-20", "points": "0", "reason": "x"})
    assert refused.status_code == 302  # flashed: the points must not be 0
    with engine.db.reading() as session:
        assert session.execute(sa.select(ManualPoint.official, ManualPoint.points, ManualPoint.reason)).all() == [
            ("clerk", 1.5, "群众表扬")
        ]
    mine = text(signed_in(app, "clerk").get("/me/score?month=2026-10"))
    assert "群众表扬" in mine and "+1.5" in mine
    assert (
        signed_in(app, "far_supervisor")
        .post("/me/score/points", {"official": "clerk", "day": "2026-10-20", "points": "1", "reason": "表扬"})
        .status_code
        == 403
    )


def test_the_points_form_offers_the_officials_of_the_supervisors_units(app, engine):
    """The supervisor picks the official from a list (name and account, grouped by department) instead of typing an
    account id; the official being viewed is chosen already; the server still refuses one outside their units."""
    page = signed_in(app, "supervisor").get("/me/score?month=2026-10&official=clerk").get_data(as_text=True)
    form = page[page.index('id="record-points"') :]
    assert '<select id="p-official" name="official" required>' in form
    assert '<optgroup label="测试局">' in form and '<optgroup label="其他局">' in form
    assert '<option value="clerk" selected>窗口甲（clerk）</option>' in form
    assert '<option value="clerk2">窗口乙（clerk2）</option>' in form
    assert 'value="supervisor"' not in form and 'value="citizen"' not in form
    viewer = page[: page.index('id="record-points"')]
    assert '<select id="official" name="official">' in viewer and '<option value="clerk" selected>' in viewer

    far = signed_in(app, "far_supervisor").get("/me/score?month=2026-10").get_data(as_text=True)
    assert 'value="clerk"' not in far and "所监察的单位暂无工作人员" in far
    refused = signed_in(app, "far_supervisor").post(
        "/me/score/points", {"official": "clerk", "day": "2026-10-20", "points": "1", "reason": "表扬"}
    )
    assert refused.status_code == 403
    unknown = signed_in(app, "supervisor").post(
        "/me/score/points", {"official": "nobody", "day": "2026-10-20", "points": "1", "reason": "表扬"}
    )
    assert unknown.status_code == 302  # flashed: no such official
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ManualPoint)) == 0


def test_the_score_over_the_api(api, engine):
    mine = api.get("/api/v1/me/score?month=2026-10", headers=auth(api, "clerk"))
    assert mine.status_code == 200 and mine.json["official"] == "clerk" and mine.json["quarter"]["period"] == "2026-Q4"
    created = api.post(
        "/api/v1/manual-points",
        json={"official": "clerk", "day": "2026-10-21", "points": -1, "reason": "窗口脱岗"},
        headers=auth(api, "supervisor"),
    )
    assert created.status_code == 201 and created.json["points"] == -1.0 and created.json["name"] == "窗口甲"
    again = api.get("/api/v1/me/score?month=2026-10", headers=auth(api, "clerk")).json
    assert [d["minus"] for d in again["days"] if d["day"] == "2026-10-21"] == [-1.0]
    bad = api.post(
        "/api/v1/manual-points",
        json={"official": "clerk", "day": "2026-10-21", "points": 50, "reason": "x"},
        headers=auth(api, "supervisor"),
    )
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_input"
    assert api.get("/api/v1/me/score?month=2026-13", headers=auth(api, "clerk")).status_code == 400
    assert api.get("/api/v1/me/score?official=clerk", headers=auth(api, "clerk2")).status_code == 403
    period = api.get("/api/v1/evaluation-periods/2026-Q4", headers=auth(api, "supervisor"))
    assert period.status_code == 200 and period.json["months"] == ["2026-10", "2026-11"]
    assert api.get("/api/v1/evaluation-periods/2026-Q9", headers=auth(api, "supervisor")).status_code == 400


def test_quarterly_page_and_standard_versions(app, engine):
    pages = signed_in(app, "supervisor")
    quarter = pages.get("/reports/period?period=2026-Q4")
    assert quarter.status_code == 200 and "测试局" in text(quarter) and "2026-10" in text(quarter)
    assert "2026" in text(pages.get("/reports/period?period=2026"))
    values = engine.performance.settings()
    form = {key: str(value) for key, value in values.items()} | {"red_signal": "-3", "reason": "加大红牌扣分"}
    assert pages.post("/reports/settings", form).status_code == 302
    settings = text(pages.get("/reports/settings"))
    assert "加大红牌扣分" in settings and "测评标准的版本" in settings


def test_the_window_records_a_visit_on_the_case_page_and_over_the_api(app, api, engine, october):
    pages = signed_in(app, "clerk")
    case_page = text(pages.get(f"/cases/{october['on_time']}"))
    assert "现场跑动" in case_page and "登记跑动" in case_page and "批后监督检查" in case_page
    done = pages.post(f"/cases/{october['on_time']}/do/record_visit", {"purpose": "现场核验原件"})
    assert done.status_code == 303
    created = api.post(
        f"/api/v1/cases/{october['on_time']}/visits", json={"purpose": "领取证照"}, headers=auth(api, "clerk")
    )
    assert created.status_code == 201 and created.json["visits"] == 2
    listed = api.get(f"/api/v1/cases/{october['on_time']}/visits", headers=auth(api, "supervisor")).json
    assert [v["purpose"] for v in listed["items"]] == ["现场核验原件", "领取证照"]
    refused = api.post(
        f"/api/v1/cases/{october['on_time']}/visits", json={"purpose": "来访"}, headers=auth(api, "supervisor")
    )
    assert refused.status_code == 403
    inspected = api.post(
        f"/api/v1/cases/{october['on_time']}/inspections",
        json={"compliant": False, "finding": "超范围经营"},
        headers=auth(api, "clerk"),
    )
    assert inspected.status_code == 201 and inspected.json["compliant"] is False
    running = api.post(
        f"/api/v1/cases/{october['running']}/inspections",
        json={"compliant": True, "finding": "检查"},
        headers=auth(api, "clerk"),
    )
    assert running.status_code == 409
    with engine.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(CaseVisit)) == 4  # 2 of the fixture + 2
