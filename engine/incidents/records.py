"""The incident rows: open one for a failure (or count another attempt), close one, and the trail rows of each.

Every function takes the caller's session; the runner gives each its own short transaction, apart from the work
that failed (which was rolled back). Incident trail rows go to the system chain (``element_id`` ``incident:<id>``,
the case in ``detail``), so recording one never depends on the state of the case that failed.
"""

from __future__ import annotations

import datetime as _dt
import json
import traceback as _traceback
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import EngineError, Message, plain
from ..models import Incident
from ..trail import chain as trail

OPEN, RESOLVED = "open", "resolved"
STATES = (OPEN, RESOLVED)
MAX_MESSAGE = 2000
MAX_TRACEBACK = 20000


def element_key(incident_id: int) -> str:
    """How the incident's trail rows name it (element_id)."""
    return f"incident:{incident_id}"


def error_of(exc: BaseException) -> tuple[str, str, dict[str, Any], str]:
    """(code, reason, params, English message) of a failure: an engine error keeps its own; anything else is an
    ``unexpected_error`` naming the exception's type and text."""
    if isinstance(exc, EngineError):
        return exc.code, exc.reason, {k: plain(v) for k, v in exc.params.items()}, str(exc.message)[:MAX_MESSAGE]
    unexpected = Message("unexpected_error", error=f"{type(exc).__name__}: {exc}"[:MAX_MESSAGE])
    return "internal", unexpected.reason, unexpected.params, str(unexpected)


def traceback_of(exc: BaseException) -> str:
    return "".join(_traceback.format_exception(exc))[-MAX_TRACEBACK:]


def delay(attempts: int, base: float, cap: float) -> _dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: ``base`` doubling, at most ``cap``."""
    return _dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def open_incidents(session: Session, kind: str) -> dict[str, tuple[int, _dt.datetime | None]]:
    """The open incidents of ``kind``: subject → (incident id, when it may be tried again)."""
    return {
        subject: (incident_id, next_at)
        for incident_id, subject, next_at in session.execute(
            sa.select(Incident.id, Incident.subject, Incident.next_attempt_at).where(
                Incident.kind == kind, Incident.state == OPEN
            )
        )
    }


def record_failure(
    session: Session,
    kind: str,
    subject: str,
    where: tuple[int | None, str | None],
    exc: BaseException,
    at: _dt.datetime,
    backoff: tuple[float, float],
) -> tuple[Incident, bool]:
    """Open an incident for ``kind``/``subject`` or count another failed attempt of the open one; (incident,
    whether it was opened now)."""
    code, reason, params, message = error_of(exc)
    incident = session.scalar(
        sa.select(Incident)
        .where(Incident.kind == kind, Incident.subject == subject, Incident.state == OPEN)
        .with_for_update()
    )
    opened = incident is None
    if incident is None:
        case_id, element = where
        incident = Incident(
            kind=kind,
            subject=subject,
            case_id=case_id,
            element_id=(element or None) and element[:100],
            first_at=at,
            attempts=0,
            state=OPEN,
        )
        session.add(incident)
    incident.attempts += 1
    incident.code, incident.reason, incident.message = code, reason, message
    incident.params = json.dumps(params, ensure_ascii=False, sort_keys=True) if params else None
    incident.traceback = traceback_of(exc)
    incident.last_at = at
    incident.next_attempt_at = at + delay(incident.attempts, *backoff)
    session.flush()
    if opened:
        trail.append_outside_step(session, [event("incident_opened", incident, at, "engine")])
    return incident, opened


def close(session: Session, incident: Incident, at: _dt.datetime, actor: str, note: str | None) -> None:
    incident.state, incident.resolved_at, incident.resolved_by = RESOLVED, at, actor
    incident.note, incident.next_attempt_at = note, None


def event(name: str, incident: Incident, at: _dt.datetime, actor: str, **detail: Any) -> trail.TrailRow:
    return trail.event(
        name,
        at,
        element_id=element_key(incident.id),
        actor=actor,
        to_state=incident.state,
        detail={
            "kind": incident.kind,
            "subject": incident.subject,
            "case": incident.case_id,
            "element": incident.element_id,
            "reason": incident.reason,
            "attempts": incident.attempts,
            **{k: v for k, v in detail.items() if v is not None},
        },
    )
