"""The engine's messages in the reader's language: the one place that words an engine error for a person.

The engine raises errors with a ``reason`` (a stable id) and ``params``, and gives every reason an English template
(``engine.error_messages.MESSAGES``). Here the reason is looked up in the ``engine`` domain of the catalogues — message
context the reason, message id the English template — so ``web/translations/zh/LC_MESSAGES/engine.po`` holds the
Chinese wording; English needs no catalogue (the template is the English text), but an ``en/LC_MESSAGES/engine.po``
would reword it. The pages' own words stay in the ``messages`` domain, whose ids are Chinese.

``describe`` is used by the error pages, the htmx message fragments, the pages' ``readable`` refusals and the API's
error body (whose language follows ``Accept-Language``, see ``web.auth.select_locale``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_babel import Domain, get_locale, gettext

from engine.error_messages import MESSAGES
from engine.errors import EngineError, Message, fill, plain

TRANSLATIONS = Path(__file__).parent / "translations"
ENGINE_DOMAIN = "engine"
engine_messages = Domain(translation_directories=[str(TRANSLATIONS)], domain=ENGINE_DOMAIN)


def chinese() -> bool:
    locale = get_locale()  # None outside a request: the English templates
    return locale is not None and locale.language == "zh"


def separator() -> str:
    """How a list inside a message is joined: 、 in Chinese, a comma in English."""
    return "、" if chinese() else ", "


def describe(item) -> str:
    """An engine error or message in the current language; other text goes through the pages' catalogue."""
    if isinstance(item, EngineError):
        item = item.message
    if isinstance(item, Message) and item.reason in MESSAGES:
        template = engine_messages.pgettext(item.reason, MESSAGES[item.reason])
        return fill(template, item.params, separator(), _shown)
    if item is None:
        return ""
    return gettext(item) if isinstance(item, str) and item else str(item)


def describe_stored(reason: str, params: dict) -> str:
    """An error kept as its reason and params (an incident's) in the current language."""
    if reason in MESSAGES:
        return fill(engine_messages.pgettext(reason, MESSAGES[reason]), params, separator(), _shown)
    return reason


def describe_all(items) -> str:
    """Several messages (or names) as one text in the current language."""
    return separator().join(_shown(item) for item in items)


def describe_refusals(result: dict) -> dict:
    """A migration's result with each refused case's message in the current language."""
    for case in result["cases"]:
        if case.get("message"):
            case["message"] = describe(case["message"])
    return result


def localised(value):
    """A detail of an error as JSON, with every message in it worded in the current language."""
    if isinstance(value, Message):
        return describe(value)
    if isinstance(value, dict):
        return {str(k): localised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [localised(v) for v in value]
    return plain(value)


def error_body(exc: EngineError) -> dict:
    """The API's ``error`` object: ``code``, ``reason``, ``message`` in the current language, the detail keys
    (``field``, ``fields``, ``errors``, ``element``, ``line``, …) and the other ``params``."""
    body = exc.to_dict()
    body["message"] = describe(exc)
    for key, value in exc.details.items():
        body[key] = localised(value)
    if "params" in body:
        body["params"] = {key: localised(exc.params[key]) for key in body["params"]}
    return body


def _shown(value) -> str:
    """A param as shown inside a message: messages worded, the engine's fixed names translated, data as it is."""
    if isinstance(value, Message):
        return describe(value)
    if isinstance(value, str) and value in _terms():
        return gettext(value)
    return str(value)


@lru_cache(maxsize=1)
def _terms() -> frozenset:
    """The engine's fixed Chinese names that may appear in params (levels, roles, matter types, pause kinds);
    the pages' catalogue translates them (web/i18n_names.py lists them)."""
    from engine.catalogue import HANDLING, TYPES
    from engine.identity import ROLE_NAMES
    from engine.organisation import LEVEL_NAMES
    from engine.runtime import PAUSE_KINDS

    return frozenset((*HANDLING, *TYPES, *ROLE_NAMES.values(), *LEVEL_NAMES.values(), *PAUSE_KINDS.values()))


def template_catalog():
    """The ``engine`` domain's template: one entry per reason (its context) with its English wording (its id).
    ``make translations`` writes it to web/translations/engine.pot and merges it into each engine.po."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="Shenpi", domain=ENGINE_DOMAIN, fuzzy=False)
    for reason, english in MESSAGES.items():
        catalog.add(english, context=reason, flags=("python-format",) if "%(" in english else ())
    return catalog


if __name__ == "__main__":  # python -m web.messages OUTPUT.pot
    import sys

    from babel.messages.pofile import write_po

    with open(sys.argv[1], "wb") as out:
        write_po(out, template_catalog(), width=None, omit_header=False)
