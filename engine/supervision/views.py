"""Who sees and acts on which supervision items, and an item as the pages and the API show it."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from ..deadlines.lights import NONE
from ..identity.actors import HEAD_POST, Actor
from ..models import SupervisionItem
from .watch import CLOSED

OPEN, NOTICED, RESPONDED = "open", "noticed", "responded"
STATUSES = (OPEN, NOTICED, RESPONDED, CLOSED)
LIGHTS = ("none", "yellow", "red")  # deadlines.lights.LIGHTS
CONCLUSIONS = {"substantiated": "属实", "partly_substantiated": "部分属实", "unsubstantiated": "不属实"}
_CONCLUSION_PREFIX = re.compile(r"^【(属实|部分属实|不属实)】")


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def conclusion_of(finding: str | None) -> str | None:
    match = _CONCLUSION_PREFIX.match(finding or "")
    return next((code for code, label in CONCLUSIONS.items() if match and label == match.group(1)), None)


def may_supervise(actor: Actor, department: str) -> bool:
    """A supervisor (电子监察员 or 系统监管员) whose scope covers the department."""
    return actor.is_supervisor and department in actor.supervised


def heads_department(actor: Actor, department: str) -> bool:
    return actor.department == department and HEAD_POST in actor.posts


def visible_departments(actor: Actor) -> set[str] | None:
    """Departments whose items the actor sees: None for every department (administrators)."""
    if actor.is_admin:
        return None
    seen: set[str] = set(actor.supervised) if actor.is_supervisor else set()
    if actor.department and HEAD_POST in actor.posts:
        seen.add(actor.department)
    return seen


def item_view(item: SupervisionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "department": item.department,
        "summary": item.summary,
        "status": item.status,
        "case_id": item.case_id,
        "task_id": item.task_id,
        "signal_id": item.signal_id,
        "complaint_id": item.complaint_id,
        "opened_at": _iso(item.opened_at),
        "due_at": _iso(item.due_at),
        "due_provisional": bool(item.due_provisional),
        "extended_at": _iso(item.extended_at),
        "extension_reason": item.extension_reason,
        "extendable": item.status != CLOSED and item.extended_at is None and item.due_at is not None,
        "light": item.light or NONE,
        "escalation_level": item.escalation_level or 0,
        "notice_text": item.notice_text,
        "notice_by": item.notice_by,
        "noticed_at": _iso(item.noticed_at),
        "response": item.response,
        "responded_by": item.responded_by,
        "responded_at": _iso(item.responded_at),
        "finding": _CONCLUSION_PREFIX.sub("", item.finding or "") or None,
        "conclusion": conclusion_of(item.finding),
        "finding_by": item.finding_by,
        "closed_at": _iso(item.closed_at),
    }
