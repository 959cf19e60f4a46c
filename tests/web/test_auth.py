"""Signing in and out, registration, CSRF, rate limiting, cookies, language and error pages."""

from __future__ import annotations

import pytest

from demo.seed import DEMO_PASSWORD
from web import create_app

from .helpers import PageClient, set_passwords


@pytest.fixture
def pages(app):
    return PageClient(app)


def test_sign_in_lands_on_the_role_home_and_sign_out_ends_the_session(pages):
    response = pages.login("clerk")
    assert response.status_code == 302
    assert pages.get("/account").status_code == 200
    assert "窗口甲" in pages.get("/account").get_data(as_text=True)
    assert pages.post("/logout").status_code == 302
    assert pages.get("/account").headers["Location"].startswith("/login")


def test_wrong_password_shows_one_message_and_keeps_the_user_out(pages):
    page = pages.login("clerk", "wrong-password-1")
    assert page.status_code == 200 and "用户名或密码错误" in page.get_data(as_text=True)
    assert pages.get("/account").status_code == 302


def test_next_parameter_only_goes_to_this_site(pages):
    token = pages.csrf()
    for target, expected in (("/account", "/account"), ("https://evil.example/", None), ("//evil.example", None)):
        pages.post("/logout")
        pages.token = None
        response = pages.client.post(
            f"/login?next={target}", data={"user_id": "clerk", "password": DEMO_PASSWORD, "csrf_token": pages.csrf()}
        )
        location = response.headers["Location"]
        assert "evil" not in location
        if expected:
            assert location == expected
    assert token


def test_forms_without_the_csrf_token_are_refused(pages):
    response = pages.client.post("/login", data={"user_id": "clerk", "password": DEMO_PASSWORD})
    assert response.status_code == 400 and "刷新" in response.get_data(as_text=True)
    pages.login("clerk")
    assert pages.client.post("/logout").status_code == 400


def test_api_is_not_subject_to_csrf_but_to_its_token(app):
    assert app.test_client().get("/api/v1/tasks").status_code == 401


def test_repeated_login_attempts_are_limited(pages):
    statuses = [pages.login("clerk", f"wrong-password-{n}").status_code for n in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429
    assert "频繁" in pages.login("clerk").get_data(as_text=True)


def test_applicant_registers_and_is_signed_in(pages):
    response = pages.post(
        "/register",
        {
            "user_id": "wang.wu",
            "name": "王五",
            "phone": "13900000000",
            "password": "wangwu-2026",
            "confirm": "wangwu-2026",
        },
    )
    assert response.status_code == 302
    assert "王五" in pages.get("/account").get_data(as_text=True)


def test_registration_errors_are_shown_on_the_form(pages):
    page = pages.post(
        "/register", {"user_id": "citizen", "name": "张三", "password": "zhangsan-2026", "confirm": "zhangsan-2026"}
    ).get_data(as_text=True)
    assert "已被注册" in page
    page = pages.post(
        "/register", {"user_id": "li.si", "name": "李四", "password": "12345678", "confirm": "12345678"}
    ).get_data(as_text=True)
    assert "字母" in page
    page = pages.post(
        "/register", {"user_id": "li.si", "name": "李四", "password": "lisi-2026-a", "confirm": "lisi-2026-b"}
    ).get_data(as_text=True)
    assert "不一致" in page


def test_password_change_needs_the_current_password(pages):
    pages.login("clerk")
    page = pages.post(
        "/account", {"current": "wrong-one-1", "password": "new-pass-2026", "confirm": "new-pass-2026"}
    ).get_data(as_text=True)
    assert "当前密码不正确" in page
    assert (
        pages.post(
            "/account", {"current": DEMO_PASSWORD, "password": "new-pass-2026", "confirm": "new-pass-2026"}
        ).status_code
        == 302
    )
    pages.post("/logout")
    assert pages.login("clerk", "new-pass-2026").status_code == 302


def test_pages_carry_security_headers_and_html_errors(pages):
    response = pages.get("/no-such-page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "页面不存在" in body and "Traceback" not in body
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    htmx = pages.client.get("/no-such-page", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Retarget"] == "#messages" and "alert-error" in htmx.get_data(as_text=True)


def test_session_cookie_is_secure_http_only_and_same_site(engine, monkeypatch):
    set_passwords(engine, "clerk")
    settings = engine.settings.model_copy(update={"secret_key": "k" * 32, "secure_cookies": True})
    app = create_app(settings=settings, shenpi=engine, testing=True)
    app.config.update(SESSION_COOKIE_SECURE=True)  # testing turns it off for the plain-HTTP test client
    pages = PageClient(app)
    cookie = pages.login("clerk").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_switch_is_remembered_for_the_user(pages, engine):
    pages.login("clerk")
    pages.post("/language", {"lang": "en", "next": "/account"})
    assert engine.identity.profile("clerk")["locale"] == "en"
    assert '<html lang="en">' in pages.get("/account").get_data(as_text=True)
    pages.post("/language", {"lang": "xx"})
    assert engine.identity.profile("clerk")["locale"] == "en"


def test_in_demo_mode_the_sign_in_page_lists_who_works_which_step(engine, app):
    plain = PageClient(app).client.get("/login").get_data(as_text=True)
    assert "demo-accounts" not in plain  # not outside demo mode
    engine.settings = engine.settings.model_copy(update={"demo": True})
    page = PageClient(create_app(shenpi=engine, testing=True)).client.get("/login").get_data(as_text=True)
    table = page[page.index('id="demo-accounts"') :]
    assert DEMO_PASSWORD in table and "测试事项" in table
    # TEST-0001's first step is the 测试局 window's: the clerks who hold that post
    assert "<td>受理</td>" in table and "clerk, clerk2" in table
