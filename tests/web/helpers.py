"""What the web tests share besides fixtures: a page client that signs in through the login form and sends the CSRF
token like a browser, the API's bearer tokens, and the English catalogue."""

from __future__ import annotations

import functools
import os
import re

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from demo.seed import DEMO_PASSWORD
from engine.config import PROJECT_ROOT

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
        response = self.client.post(
            "/login", data={"user_id": user_id, "password": password, "csrf_token": self.csrf()}
        )
        self.token = None  # the session was renewed on sign-in
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


def signed_in(app, user_id: str, password: str = DEMO_PASSWORD) -> PageClient:
    """A page client with ``user_id`` signed in (the user needs a password: the ``app`` fixture gives everyone one)."""
    client = PageClient(app)
    client.login(user_id, password)
    return client


@functools.cache
def _hashed(password: str) -> str:
    from engine.identity import passwords

    return passwords.hash_password(password)


def set_passwords(engine, *user_ids: str, password: str = DEMO_PASSWORD) -> None:
    from engine.models import User

    hashed = _hashed(password)
    with engine.db.transaction() as session:
        for user_id in user_ids:
            session.get(User, user_id).password_hash = hashed


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the API ---------------------------------------------------------------------------------------------------


class _Tokens(dict):
    """A bearer token per user, made on first use."""

    def __init__(self, engine):
        super().__init__()
        self.engine = engine

    def __missing__(self, user_id: str) -> str:
        self[user_id] = self.engine.identity.create_token(user_id)
        return self[user_id]


def api_client(app):
    """The app's test client for the API, with ``tokens[user]``: use ``headers=auth(client, "clerk")``."""
    client = app.test_client()
    client.tokens = _Tokens(app.extensions["shenpi"])
    return client


def auth(client, user: str) -> dict:
    """The Authorization header of ``user`` for an ``api_client``."""
    return {"Authorization": f"Bearer {client.tokens[user]}"}


# --- the English catalogue ------------------------------------------------------------------------------------

WEB = PROJECT_ROOT / "web"
EN_PO = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def english_catalogue():
    with EN_PO.open("rb") as f:
        return read_po(f, locale="en")


def compile_english_catalogue() -> None:
    """Compile the English .po to its .mo when missing or older (the .mo is git-ignored and made by `make install`)."""
    mo = EN_PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < EN_PO.stat().st_mtime:
        partial = mo.with_name(f"{mo.name}.{os.getpid()}")  # xdist workers may compile at once: replace whole
        with partial.open("wb") as f:
            write_mo(f, english_catalogue())
        os.replace(partial, mo)
