"""Checking facts reported by ministry systems (专网业务系统) before any of them is recorded.

A fact is a JSON object (the CSV import produces the same objects; schema in docs/exchange-facts.schema.json):
``case`` (the system's case number), ``matter_code``, ``step`` (received, accepted, reviewed, decided,
licence_issued), ``happened_at`` (ISO-8601; without an offset it is Beijing time), and by step: ``applicant``
({"name": …}, for a case not seen before), ``outcome`` (approved, denied, refused) and ``reasons`` for a
decision, ``licence_code`` for a licence. Every problem is reported with the fact's line; none is recorded then.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..errors import Message
from ..kernel.clock import parse_instant

STEPS = {"received": "收件", "accepted": "受理", "reviewed": "审查", "decided": "决定", "licence_issued": "发证"}
OUTCOMES = ("approved", "denied", "refused")
MAX_FACTS = 10000
FUTURE_TOLERANCE = _dt.timedelta(minutes=5)


def _text(raw: dict[str, Any], key: str, limit: int) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if value is None or len(value.strip()) > limit:
        raise ValueError(Message("text_too_long", field=key, max=limit))
    return value.strip() or None


def check_fact(raw: object, now: _dt.datetime) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The clean fact, or the (field, message) problems of this one."""
    problems: list[tuple[str, str]]
    fact: dict[str, Any]
    if not isinstance(raw, dict):
        return None, [("fact", Message("fact_not_an_object"))]
    problems, fact = [], {}
    for key, limit, required in (
        ("case", 64, True),
        ("matter_code", 64, False),
        ("reasons", 2000, False),
        ("licence_code", 32, False),
        ("official", 64, False),
    ):
        try:
            fact[key] = _text(raw, key, limit)
        except ValueError as exc:
            problems.append((key, exc.args[0]))
            continue
        if required and not fact[key]:
            problems.append((key, Message("required", field=key)))
    step = raw.get("step")
    if step not in STEPS:
        problems.append(("step", Message("not_one_of", field="step", allowed=list(STEPS))))
    fact["step"] = step
    happened = raw.get("happened_at")
    try:
        fact["happened_at"] = parse_instant(happened) if isinstance(happened, str) else None
    except ValueError:
        fact["happened_at"] = None
    if fact["happened_at"] is None:
        problems.append(("happened_at", Message("instant_format", field="happened_at")))
    elif fact["happened_at"] > now + FUTURE_TOLERANCE:
        problems.append(("happened_at", Message("instant_in_future", field="happened_at")))
    if step == "decided":
        fact["outcome"] = raw.get("outcome")
        if fact["outcome"] not in OUTCOMES:
            problems.append(("outcome", Message("decision_needs_outcome", allowed=list(OUTCOMES))))
    applicant = raw.get("applicant")
    if applicant is not None:
        if (
            not isinstance(applicant, dict)
            or not isinstance(applicant.get("name"), str)
            or not applicant["name"].strip()
        ):
            problems.append(("applicant", Message("applicant_name_missing", field="applicant")))
        else:
            fact["applicant"] = {k: str(v)[:200] for k, v in applicant.items() if isinstance(v, (str, int))}
    return (None if problems else fact), problems
