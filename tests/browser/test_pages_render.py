"""Every main page renders styled, without script errors, in a real browser; screenshots are kept."""

from __future__ import annotations


def test_sign_in_pages_render(visitor_factory):
    visitor = visitor_factory()
    visitor.open("/login")
    visitor.check_rendered("login")
    visitor.open("/register")
    visitor.check_rendered("register")
    visitor.login("d01a")
    visitor.open("/account")
    assert "我的账号" in visitor.page.inner_text("h1")
    visitor.check_rendered("account")


def test_wrong_password_shows_a_message_in_the_page(visitor_factory):
    visitor = visitor_factory()
    visitor.login("d01a", "not-the-password-1")
    assert "用户名或密码错误" in visitor.page.inner_text("#messages")
    visitor.check_rendered("login-failed")


def test_language_switch_to_english(visitor_factory):
    visitor = visitor_factory()
    visitor.open("/login")
    visitor.page.click(".langswitch button[value=en]")
    visitor.page.wait_for_load_state("networkidle")
    assert visitor.page.get_attribute("html", "lang") == "en"
    visitor.check_rendered("login-en")


def test_administration_pages_render(visitor_factory):
    visitor = visitor_factory()
    visitor.login("admin")
    for path, name in (
        ("/admin", "admin-home"),
        ("/admin/processes", "admin-processes"),
        ("/admin/matters", "admin-matters"),
        ("/admin/departments", "admin-departments"),
        ("/admin/users", "admin-users"),
        ("/admin/calendar?year=2026", "admin-calendar"),
        ("/admin/matters/import", "admin-matters-import"),
    ):
        response = visitor.open(path)
        assert response.status == 200, path
        visitor.check_rendered(name)


def test_supervisor_case_search_renders(visitor_factory):
    visitor = visitor_factory()
    visitor.login("supervisor")
    visitor.open("/inbox/cases")
    visitor.check_rendered("supervisor-cases")


def test_supervision_pages_render(visitor_factory):
    visitor = visitor_factory()
    visitor.login("supervisor")
    for path, name in (
        ("/signals/", "signals"),
        ("/signals/rules", "signal-rules"),
        ("/supervision/", "supervision"),
        ("/complaints/", "complaints"),
        ("/reports", "reports"),
        ("/integrations/upward", "upward"),
    ):
        response = visitor.open(path)
        assert response.status == 200, path
        visitor.check_rendered(name)
    visitor.open("/results")
    visitor.check_rendered("public-results")


def test_notification_channels_page_renders(visitor_factory):
    visitor = visitor_factory()
    visitor.login("applicant")
    visitor.open("/account/notifications")
    assert "通知方式" in visitor.page.inner_text("h1")
    visitor.check_rendered("notification-channels")
