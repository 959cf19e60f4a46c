"""The English catalogue: complete, placeholders intact, in step with the source, and used by the pages.

Message ids are the Chinese strings themselves, so Chinese needs no catalogue; English does.  When one of
these tests fails after adding UI text, run `make translations`, translate the new entries in
web/translations/en/LC_MESSAGES/messages.po and commit it.
"""

from __future__ import annotations

import inspect
import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from .helpers import WEB, PageClient, compile_english_catalogue
from .helpers import english_catalogue as _catalog

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _ids(message) -> tuple:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _translated_ids() -> set[str]:
    return {i for m in _catalog() if m.id for i in _ids(m)}


def _missing(texts) -> list[str]:
    known = _translated_ids()
    return sorted({t for t in texts if t and CJK.search(t) and t not in known})


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    catalog = _catalog()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 500
    untranslated = [m.id for m in messages if not all(s and s.strip() for s in _strings(m))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    for m in messages:
        for source, translation in zip(_ids(m), _strings(m)):
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), m.id
        assert not CJK.search("".join(_strings(m))), f"Chinese left in the translation of {m.id!r}"


def test_every_extracted_message_is_in_the_english_catalogue():
    with (WEB / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(WEB / "babel.cfg"))
    extracted = {
        msgid if isinstance(msgid, str) else msgid[0]
        for _file, _line, msgid, _comments, _context in extract_from_dir(
            str(WEB), method_map, options_map, keywords=KEYWORDS
        )
    }
    assert len(extracted) > 500
    missing = sorted(extracted - _translated_ids())
    assert not missing, f"new UI text without an English translation (run `make translations` and translate): {missing}"


def test_strings_translated_through_a_variable_are_in_the_catalogue():
    """Values rendered with _(value): engine names, fixed dictionaries and form labels (see web/i18n_names.py)."""
    from engine.catalogue.service import HANDLING, TYPES
    from engine.identity.actors import ROLE_NAMES
    from engine.organisation.service import LEVEL_NAMES
    from engine.runtime.case_clock import PAUSE_KINDS
    from engine.violations.rules import RULES
    from web.errors import PAGE_TITLES
    from web.manage.calendar_pages import KIND_NAMES, WEEKDAYS
    from web.manage.matters import STATUSES

    texts = [
        *ROLE_NAMES.values(),
        *LEVEL_NAMES.values(),
        *HANDLING,
        *TYPES,
        *PAUSE_KINDS.values(),
        *PAGE_TITLES.values(),
        *KIND_NAMES.values(),
        *WEEKDAYS,
        *STATUSES.values(),
        *(text for rule in RULES.values() for text in (rule.label, rule.description)),
    ]
    assert not _missing(texts)
    assert not _missing(_form_texts()), "form labels or validator messages missing from web/i18n_names.py"


def _form_texts() -> list[str]:
    import web.auth
    import web.manage.calendar_pages
    import web.manage.departments
    import web.manage.matter_form
    import web.manage.users
    import web.portal.apply
    import web.portal.complaints
    import web.portal.rating

    texts = []
    for module in (
        web.auth,
        web.manage.calendar_pages,
        web.manage.departments,
        web.manage.matter_form,
        web.manage.users,
        web.portal.apply,
        web.portal.complaints,
        web.portal.rating,
    ):
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, FlaskForm) or form.__module__ != module.__name__:
                continue
            for field in vars(form).values():
                if not isinstance(field, UnboundField):
                    continue
                texts.append(field.args[0] if field.args else field.kwargs.get("label"))
                texts += [
                    v.message
                    for v in field.kwargs.get("validators", ())
                    if isinstance(getattr(v, "message", None), str)
                ]
                texts += [c[1] for c in field.kwargs.get("choices", ()) if isinstance(c, tuple)]
    return [t for t in texts if isinstance(t, str)]


@pytest.fixture
def english(app):
    """A client whose session has switched to English, with the catalogue compiled if needed."""
    compile_english_catalogue()
    pages = PageClient(app)
    assert pages.post("/language", {"lang": "en", "next": "/login"}).status_code == 302
    return pages


def _top_bar(html: str) -> str:
    header = re.search(r"<header.*?</header>", html, re.S)
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    text = (header or nav).group(0)
    text = re.sub(r'<button name="lang" value="zh"[^>]*>中文</button>', "", text)  # the language's own name
    text = re.sub(r'<span class="brand-mark">审</span>', "", text)  # the logo glyph
    return re.sub(r"<[^>]+>", " ", text)


def test_login_and_portal_render_in_english(english):
    login = english.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in login
    assert "Sign in" in login and "Password" in login
    assert "登录" not in login
    assert not CJK.search(_top_bar(login)), _top_bar(login)

    portal = english.get("/portal").get_data(as_text=True)
    assert "Online service hall" in portal and "Search matters" in portal
    assert not CJK.search(_top_bar(portal)), _top_bar(portal)

    english.login("clerk")  # signing in restores the user's own language, so choose English again
    english.post("/language", {"lang": "en", "next": "/account"})
    inbox = english.get("/account", follow_redirects=True).get_data(as_text=True)
    top = _top_bar(inbox)
    assert "Sign out" in top and "Post user" in top
    nav = re.search(r'<nav class="mainnav".*?</nav>', inbox, re.S).group(0)  # the user's name is data
    assert "To-do tasks" in nav and not CJK.search(nav), nav


def test_chinese_stays_the_default(app):
    page = PageClient(app).get("/login").get_data(as_text=True)
    assert "登录" in page and "Sign in" not in page
