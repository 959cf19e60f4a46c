"""Every reason's English wording: ``MESSAGES`` maps each reason the engine gives (``engine.errors``) to its English
template with named ``%(param)s`` placeholders. ``engine.errors`` words a :class:`~engine.errors.Message` with it;
``make translations`` takes the template of the ``engine`` catalogue domain from it (``python -m web.messages``:
the reason is the message context, the English the message id), and ``web/translations/zh/LC_MESSAGES/engine.po``
gives the Chinese. ``tests/unit/test_error_messages.py`` checks that every reason raised is here and translated.

One module per area of the engine; a reason is worded once (the merge refuses a repeated one).
Placeholders are %(name)s only; a list param is joined with ", " (with "、" in Chinese).
"""

from __future__ import annotations

from . import casefiles, catalogue, definitions, people, requests, running, supervision

_AREAS = (people, running, supervision, casefiles, catalogue, definitions, requests)


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in _AREAS:
        repeated = merged.keys() & area.MESSAGES.keys()
        if repeated:
            raise RuntimeError(f"reasons worded twice: {sorted(repeated)}")
        merged.update(area.MESSAGES)
    return merged


MESSAGES: dict[str, str] = _merged()
