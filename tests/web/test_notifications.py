"""Choosing notice channels on the account page and through the API."""

from __future__ import annotations

from .helpers import PageClient


def test_the_account_page_saves_channels_and_shows_the_webhook_secret_once(app, engine):
    pages = PageClient(app)
    pages.login("citizen")
    assert "通知方式" in pages.get("/account").get_data(as_text=True)
    page = pages.post(
        "/account/notifications",
        {
            "email_enabled": "on",
            "email_address": "bad",
            "webhook_enabled": "on",
            "webhook_address": "https://example.com/h",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "field-error" in text and "签名密钥" in text
    secret = engine.notification_settings.channels("citizen")
    assert secret["webhook"]["enabled"] and not secret["email"]["enabled"]
    again = pages.post(
        "/account/notifications",
        {
            "email_enabled": "on",
            "email_address": "a@example.com",
            "webhook_enabled": "on",
            "webhook_address": "https://example.com/h",
        },
    )
    assert "签名密钥" not in again.get_data(as_text=True) and "通知方式已保存" in again.get_data(as_text=True)
    assert engine.notification_settings.channels("citizen")["email"] == {
        "enabled": True,
        "address": "a@example.com",
        "has_secret": False,
    }
    rotated = pages.post("/account/notifications", {"action": "rotate"})
    assert "签名密钥" in rotated.get_data(as_text=True)


def test_the_form_needs_its_csrf_token(app):
    pages = PageClient(app)
    pages.login("citizen")
    assert pages.client.post("/account/notifications", data={"sms_enabled": "on"}).status_code == 400


def test_the_api_sets_channels_with_clear_errors(app, engine):
    token = engine.identity.create_token("citizen")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.put(
        "/api/v1/me/notification-channels",
        headers=headers,
        json={
            "sms": {"enabled": True, "address": "138 0000 0000"},
            "webhook": {"enabled": True, "address": "https://example.com/h"},
        },
    ).get_json()
    assert body["sms"] == {"enabled": True, "address": "13800000000", "has_secret": False}
    assert len(body["webhook_secret"]) == 64
    error = client.put("/api/v1/me/notification-channels", headers=headers, json={"email": {"enabled": True}})
    assert error.status_code == 400 and error.get_json()["error"]["reason"] == "email_invalid"
    assert "电子邮箱" in error.get_json()["error"]["message"]
    error = client.put(
        "/api/v1/me/notification-channels",
        headers={**headers, "Accept-Language": "en"},
        json={"email": {"enabled": True}},
    )
    assert "e-mail" in error.get_json()["error"]["message"]
    assert client.put("/api/v1/me/notification-channels", headers=headers, json={"email": "on"}).status_code == 400
    assert client.get("/api/v1/me/notification-channels", headers=headers).get_json()["webhook"]["has_secret"]
