"""The provisional calendar on the pages: the mark on a case's limits, the admin calendar's provisional year and its
file import (which recounts), and the warning that next year's arrangement is missing (cockpit, admin calendar)."""

from __future__ import annotations

import datetime as dt
import io

from engine.identity.actors import ENGINE
from engine.kernel.clock import SHANGHAI

from ..helpers import complete
from .helpers import signed_in, text

OFFICIAL_2027_CSV = (
    "date,workday,name\n2027-01-01,休息,元旦\n"
    + "".join(f"2027-02-{d:02d},休息,春节\n" for d in range(5, 12))
    + "2027-02-20,上班,春节调休\n"
).encode()
WARNING = "尚未导入 2027 年国务院办公厅的节假日安排"


def year_end_case(engine, clock, applicant=ENGINE) -> int:
    clock.set(dt.datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    case = engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, applicant)
    complete(engine, case["id"], {"accept": "accept"})
    return case["id"]


def test_the_case_page_marks_provisional_limits(app, engine, clock):
    case_id = year_end_case(engine, clock)
    page = text(signed_in(app, "clerk").get(f"/cases/{case_id}"))
    assert page.count('class="badge provisional-mark"') == 2  # promised and statutory limits
    clock.set(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    other = engine.cases.start_case("TEST-0001", {"name": "李四"}, {}, ENGINE)
    complete(engine, other["id"], {"accept": "accept"})
    assert "provisional-mark" not in text(signed_in(app, "clerk").get(f"/cases/{other['id']}"))


def test_the_applicant_sees_the_promised_date_is_provisional(app, engine, clock):
    case_id = year_end_case(engine, clock, engine.identity.actor("citizen"))
    assert "（暂定）" in text(signed_in(app, "citizen").get(f"/portal/my/cases/{case_id}"))


def test_the_admin_calendar_shows_a_provisional_year_and_warns_from_1_november(app, clock):
    pages = signed_in(app, "admin")
    page = text(pages.get("/admin/calendar?year=2027"))
    assert WARNING in page and 'id="provisional-year"' in page
    assert 'class="day holiday provisional"' in page and "春节" in page
    assert 'id="provisional-year"' not in text(pages.get("/admin/calendar?year=2026"))
    clock.set(dt.datetime(2026, 10, 31, 10, 0, tzinfo=SHANGHAI))
    assert WARNING not in text(pages.get("/admin/calendar?year=2026"))


def test_the_cockpit_warns_that_next_years_arrangement_is_missing(app, engine, clock):
    pages = signed_in(app, "supervisor")
    assert WARNING in text(pages.get("/cockpit/"))
    engine.calendars.import_arrangement(
        2027, [{"day": dt.date(2027, 1, 1), "workday": False, "name": "元旦"}], "国办通知", "admin"
    )
    assert WARNING not in text(pages.get("/cockpit/"))


def test_importing_the_official_file_on_the_admin_page_recounts(app, engine, clock):
    case_id = year_end_case(engine, clock)
    pages = signed_in(app, "admin")
    response = pages.post(
        "/admin/calendar/import", {"year": "2027", "file": (io.BytesIO(OFFICIAL_2027_CSV), "2027.csv")}
    )
    assert response.status_code == 302
    page = text(pages.get("/admin/calendar?year=2027"))
    assert "已导入 2027 年官方安排（9 天）；重新计算了 2 个暂定期限（1 件办件）" in page
    assert 'id="provisional-year"' not in page
    assert engine.cases.get_case(case_id, ENGINE)["clock"]["provisional"] is False


def test_a_bad_arrangement_file_is_refused_readably(app, engine):
    pages = signed_in(app, "admin")
    for name, content, message in (
        ("2027.txt", OFFICIAL_2027_CSV, "请选择 CSV"),
        ("2027.csv", "date,workday,name\n2027-01-01,休息,元旦\n".encode("gbk"), "不是 UTF-8 编码的文本"),
        ("2027.csv", b"date,workday\n2028-01-01,no\n", "有 2027 年以外的日期"),
        ("2027.csv", b"x" * (engine.settings.max_upload_bytes + 1), "文件过大"),
    ):
        response = pages.post("/admin/calendar/import", {"year": "2027", "file": (io.BytesIO(content), name)})
        assert response.status_code == 302, name
        assert message in text(pages.get("/admin/calendar?year=2027")), name
    assert not engine.calendars.is_official(2027)
    monitor = signed_in(app, "supervisor")
    refused = monitor.post(
        "/admin/calendar/import", {"year": "2027", "file": (io.BytesIO(OFFICIAL_2027_CSV), "2027.csv")}
    )
    assert refused.status_code == 403 and not engine.calendars.is_official(2027)
