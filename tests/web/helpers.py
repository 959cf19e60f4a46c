"""A test client for the pages: signs in through the login form and sends the CSRF token like a browser."""
from __future__ import annotations

import re

from demo.seed import DEMO_PASSWORD

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class PageClient:
    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.token = None

    def csrf(self) -> str:
        if self.token is None:
            self.token = CSRF_META.search(self.client.get("/login").get_data(as_text=True)).group(1)
        return self.token

    def login(self, user_id: str, password: str = DEMO_PASSWORD):
        response = self.client.post("/login", data={"user_id": user_id, "password": password,
                                                     "csrf_token": self.csrf()})
        self.token = None   # the session was renewed on sign-in
        return response

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data=None, htmx: bool = False, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf())
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        response = self.client.post(url, data=data, headers=headers, **kwargs)
        if url == "/logout":
            self.token = None
        return response


def set_passwords(engine, *user_ids: str, password: str = DEMO_PASSWORD) -> None:
    from engine.identity import passwords
    from engine.models import User

    hashed = passwords.hash_password(password)
    with engine.db.transaction() as session:
        for user_id in user_ids:
            session.get(User, user_id).password_hash = hashed
