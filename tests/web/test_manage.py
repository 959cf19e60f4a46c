"""The administration pages: catalogue, departments, users, calendar — access, forms, errors, trail."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.seed import DEMO_PASSWORD
from engine.identity.actors import MONITOR
from engine.models import User

from ..helpers import events
from .helpers import PageClient, signed_in, text

MATTER_FORM = {
    "name": "测试事项",
    "department": "测试局",
    "type": "行政许可",
    "key": "five_step",
    "handling": "承诺件",
    "star_level": "3",
    "statutory_limit_days": "20",
    "promised_limit_days": "10",
    "legal_basis": "《中华人民共和国行政许可法》",
    "conditions": "测试",
    "material_name": ["申请书"],
    "material_form": ["原件"],
    "material_required": ["yes"],
    "material_copies": ["1"],
    "material_note": [""],
}


@pytest.fixture
def engine(engine):
    """The five-step engine and a 系统监管员 (monitor) of the city's 监察局."""
    with engine.db.transaction() as session:
        session.add(User(id="monitor", name="监管员", department_id="TJC", posts=[], roles=[MONITOR]))
    return engine


@pytest.fixture
def admin_pages(app):
    return signed_in(app, "admin")


@pytest.mark.parametrize("user", ["clerk", "citizen"])
def test_officials_and_applicants_get_the_403_page(app, user):
    pages = PageClient(app)
    pages.login(user)
    for url in ("/admin/matters", "/admin/departments", "/admin/users", "/admin/calendar", "/admin/matters/TEST-0001"):
        response = pages.get(url)
        assert response.status_code == 403 and "无权" in text(response), url
    assert pages.post("/admin/matters/TEST-0001/withdraw", {"reason": "测试"}).status_code == 403


def test_monitor_reads_every_page_but_cannot_change_anything(app):
    pages = PageClient(app)
    pages.login("monitor")
    for url in (
        "/admin/matters",
        "/admin/departments?unit=T01",
        "/admin/users",
        "/admin/users/clerk",
        "/admin/calendar?year=2026",
        "/admin/matters/TEST-0001",
    ):
        page = pages.get(url)
        assert page.status_code == 200 and "只读" in text(page), url
    assert "发布新版本" not in text(pages.get("/admin/matters/TEST-0001"))
    assert pages.post("/admin/matters/TEST-0001", MATTER_FORM).status_code == 403
    assert pages.post("/admin/departments/T02/rename", {"edit-name": "改名局"}).status_code == 403
    assert pages.post("/admin/users/clerk/active", {"active": "no"}).status_code == 403
    assert (
        pages.post("/admin/calendar/day", {"day": "2026-12-07", "workday": "no", "reason": "测试"}).status_code == 403
    )
    assert pages.get("/admin/matters/new").status_code == 403


def test_matter_list_filters(admin_pages):
    page = text(admin_pages.get("/admin/matters?q=测试&status=published"))
    assert "TEST-0001" in page and "在办" in page
    assert "TEST-0001" not in text(admin_pages.get("/admin/matters?status=withdrawn"))
    assert "TEST-0001" not in text(admin_pages.get("/admin/matters?department=其他局"))


def test_matter_edit_publishes_a_new_version(admin_pages, engine):
    response = admin_pages.post(
        "/admin/matters/TEST-0001",
        {
            **MATTER_FORM,
            "name": "测试事项（二版）",
            "note": "名称规范化",
            "fee_item": ["工本费"],
            "fee_standard": ["10元"],
            "fee_basis": ["《收费办法》"],
        },
    )
    assert response.status_code == 302
    page = text(admin_pages.get("/admin/matters/TEST-0001"))
    assert "已发布第 2 版" in page and "名称规范化" in page and "工本费" in page
    assert engine.catalogue.get_matter("TEST-0001")["name"] == "测试事项（二版）"
    assert events(engine, "matter_published")[-1]["actor"] == "admin"


def test_matter_form_shows_every_error_on_its_field(admin_pages, engine):
    response = admin_pages.post(
        "/admin/matters/TEST-0001",
        {
            **MATTER_FORM,
            "promised_limit_days": "30",
            "statutory_limit_days": "二十",
            "fee_item": ["工本费"],
            "fee_standard": ["10元"],
            "fee_basis": [""],
        },
    )
    page = text(response)
    assert response.status_code == 400
    assert "法定时限须为" in page and "没有收费依据" in page and 'value="工本费"' in page
    response = admin_pages.post("/admin/matters/TEST-0001", {**MATTER_FORM, "promised_limit_days": "30"})
    assert "承诺时限不得超过法定时限" in text(response)
    response = admin_pages.post("/admin/matters/new", {**MATTER_FORM, "code": "TEST-0002", "department": "火星局"})
    assert response.status_code == 400 and "火星局" in text(response)
    assert engine.catalogue.entry("TEST-0001")["version"] == 1


def test_matter_form_edits_the_post_approval_duties(admin_pages, engine):
    """002 Art. 17 "(四)对审批事项履行监督检查职责的情况": the form sets the inspection period and the pledge check period,
    refuses values outside 1–365 on their fields (the typed values kept), and an emptied field is none again."""
    form = {**MATTER_FORM, "inspection_days": "30", "pledge_check_days": ""}
    assert admin_pages.post("/admin/matters/TEST-0001", form).status_code == 302
    entry = engine.catalogue.entry("TEST-0001")
    assert entry["inspection_days"] == 30 and "pledge_check_days" not in entry
    page = admin_pages.get("/admin/matters/TEST-0001").get_data(as_text=True)
    assert 'name="inspection_days"' in page and 'value="30"' in page and 'name="pledge_check_days"' in page
    assert "批后监督检查期限" in page and "承诺核查期限" in page

    response = admin_pages.post(
        "/admin/matters/TEST-0001", {**form, "inspection_days": "0", "pledge_check_days": "一年"}
    )
    page = text(response)
    assert response.status_code == 400
    assert "批后监督检查期限须为 1–365 个自然日" in page and "承诺核查期限须为 1–365 个工作日" in page
    assert 'value="一年"' in response.get_data(as_text=True)
    assert engine.catalogue.entry("TEST-0001")["version"] == 2

    form.update(inspection_days="", pledge_check_days="15")
    assert admin_pages.post("/admin/matters/TEST-0001", form).status_code == 302
    entry = engine.catalogue.entry("TEST-0001")
    assert "inspection_days" not in entry and entry["pledge_check_days"] == 15 and entry["version"] == 3


def test_material_and_fee_rows_come_from_htmx(admin_pages):
    row = text(admin_pages.get("/admin/matters/rows/material", headers={"HX-Request": "true"}))
    assert 'name="material_name"' in row and "readonly" not in row and 'hx-swap="delete"' in row
    assert 'name="fee_basis"' in text(admin_pages.get("/admin/matters/rows/fee"))


def test_withdraw_needs_a_reason(admin_pages, engine):
    admin_pages.post("/admin/matters/TEST-0001/withdraw", {"reason": ""})
    assert engine.catalogue.entry("TEST-0001")["published"] is True
    admin_pages.post("/admin/matters/TEST-0001/withdraw", {"reason": "上级决定停办"})
    page = text(admin_pages.get("/admin/matters/TEST-0001"))
    assert "已停办" in page and "上级决定停办" in page


def test_department_tree_rules_on_the_page(admin_pages, engine):
    response = admin_pages.post(
        "/admin/departments", {"id": "T01-S", "name": "测试街道", "level": "town", "parent": "T01"}
    )
    assert response.status_code == 302
    assert "测试街道" in text(admin_pages.get("/admin/departments"))
    response = admin_pages.post(
        "/admin/departments", {"id": "T01-D", "name": "倒挂区", "level": "district", "parent": "T01-S"}
    )
    assert response.status_code == 400 and "不能隶属于" in text(response)
    admin_pages.post("/admin/departments/T01/move", {"edit-parent": "T01-S"})
    assert "下级单位之下" in text(admin_pages.get("/admin/departments?unit=T01"))
    admin_pages.post("/admin/departments/T01/deactivate")
    page = text(admin_pages.get("/admin/departments?unit=T01"))
    assert "在岗用户" in page and "不能停用" in page
    admin_pages.post("/admin/departments/T01-S/deactivate")
    assert engine.organisation.unit("T01-S")["active"] is False


def test_user_create_edit_reset_and_deactivate(admin_pages, app, engine):
    form = {
        "id": "zhao",
        "name": "赵六",
        "department": "T01",
        "posts": ["审核人", ""],
        "roles": ["official"],
        "password": "zhao-temp-2026",
        "backup": "clerk",
    }
    bad = admin_pages.post("/admin/users/new", {**form, "password": "short", "email": "x@", "roles": []})
    assert bad.status_code == 400
    assert "密码长度" in text(bad) and "电子邮箱格式有误" in text(bad) and "请至少选择一个角色" in text(bad)
    assert admin_pages.post("/admin/users/new", form).status_code == 302
    assert engine.identity.actor("zhao").posts == ("审核人",)
    admin_pages.post(
        "/admin/users/zhao", {**form, "name": "赵六六", "posts": ["批准人"], "roles": ["official", "supervisor"]}
    )
    assert engine.identity.actor("zhao").roles == ("supervisor", "official")
    admin_pages.post("/admin/users/zhao/password", {"password": "zhao-new-2026", "confirm": "zhao-new-2026"})
    person = PageClient(app)
    assert person.login("zhao", "zhao-new-2026").status_code == 302
    assert person.get("/account").status_code == 200
    admin_pages.post("/admin/users/zhao/active", {"active": "no"})
    assert person.get("/account").status_code == 302  # signed out at the next request
    assert "用户名或密码错误" in text(PageClient(app).login("zhao", "zhao-new-2026"))
    assert [e["event"] for e in events(engine, "user_")] == ["user_created", "user_updated", "user_deactivated"]
    assert '/admin/users/zhao"' not in text(admin_pages.get("/admin/users?department=T01"))
    assert '/admin/users/zhao"' in text(admin_pages.get("/admin/users?department=T01&active=no"))
    listed = text(admin_pages.get("/admin/users?role=supervisor&active=all"))
    assert '/admin/users/zhao"' in listed and '/admin/users/clerk"' not in listed


def test_user_absence_is_recorded(admin_pages, engine):
    admin_pages.post("/admin/users/clerk/absence", {"from": "2026-11-23T09:00", "until": "2026-11-25T17:00"})
    assert "没有设置AB岗" in text(admin_pages.get("/admin/users/clerk"))
    admin_pages.post(
        "/admin/users/clerk",
        {"name": "窗口甲", "department": "T01", "posts": ["受理窗口"], "roles": ["official"], "backup": "clerk2"},
    )
    admin_pages.post("/admin/users/clerk/absence", {"from": "2026-11-23T09:00", "until": "2026-11-25T17:00"})
    assert "clerk" in engine.identity.actor("clerk2").standing_in_for
    response = admin_pages.post("/admin/users/clerk/absence", {"from": "2026-11-25T09:00", "until": "2026-11-23T17:00"})
    assert response.status_code == 302 and "结束须晚于开始" in text(admin_pages.get("/admin/users/clerk"))


def test_post_datalist_follows_the_department(admin_pages):
    options = text(admin_pages.get("/admin/users/posts?department=T01", headers={"HX-Request": "true"}))
    assert 'value="受理窗口"' in options


def test_calendar_override_changes_the_working_day(admin_pages, engine):
    day = dt.date(2026, 12, 7)
    page = text(admin_pages.get("/admin/calendar?year=2026"))
    assert "09:00–12:00" in page and "国庆节" in page
    admin_pages.post("/admin/calendar/day", {"day": day.isoformat(), "workday": "no", "reason": ""})
    assert engine.calendars.calendar().is_workday(day)
    admin_pages.post("/admin/calendar/day", {"day": day.isoformat(), "workday": "no", "reason": "临时休息"})
    assert not engine.calendars.calendar().is_workday(day)
    assert "临时休息" in text(admin_pages.get("/admin/calendar?year=2026"))
    admin_pages.post("/admin/calendar/day", {"day": day.isoformat(), "workday": "clear"})
    assert engine.calendars.calendar().is_workday(day)
    assert len(events(engine, "calendar_changed")) == 2
    admin_pages.post("/admin/calendar/import", {"year": "2031"})
    assert "没有 2031 年" in text(admin_pages.get("/admin/calendar?year=2031"))
    admin_pages.post("/admin/calendar/import", {"year": "2026"})
    assert events(engine, "calendar_imported")[-1]["detail"]["year"] == 2026


def test_list_endpoints_have_the_names_the_dashboard_links_to(app):
    with app.test_request_context():
        from flask import url_for

        assert [url_for(f"manage.{name}") for name in ("matters", "departments", "users", "calendar")] == [
            "/admin/matters",
            "/admin/departments",
            "/admin/users",
            "/admin/calendar",
        ]
    assert DEMO_PASSWORD
