"""The complaint procedure's limits, light, scope and views (投诉处理).

Limits (seed 002): acceptance is decided within 5 working days, the first feedback is given within 24 hours
(calendar hours), and a department forwarded a complaint reports its result within N working days (default 10).
A complaint's light is evaluated against the nearer of the limits still open. A working-day limit counted over
provisional calendar days is marked (``limits_provisional``) and counted again when the official arrangement is
imported.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..deadlines.lights import NONE, light_at
from ..deadlines.working_time import WorkingCalendar
from ..errors import PermissionDenied
from ..identity.access import units_seen
from ..identity.actors import Actor
from ..models import Complaint

ACCEPT_DAYS = 5
FEEDBACK_HOURS = 24
RESULT_DAYS = 10
SUBMITTED, ACCEPTED, REJECTED, FORWARDED, ANSWERED, CLOSED = (
    "submitted",
    "accepted",
    "rejected",
    "forwarded",
    "answered",
    "closed",
)
STATUSES = (SUBMITTED, ACCEPTED, REJECTED, FORWARDED, ANSWERED, CLOSED)
OPEN = (SUBMITTED, ACCEPTED, FORWARDED, ANSWERED)
LIMITS = ("feedback", "acceptance", "result")
# Who gave the first feedback: the department complained about, a supervisor in its place after its 24 hours, or a
# supervisor of a complaint that names no department
DEPARTMENT, ON_BEHALF, SUPERVISOR = "department", "on_behalf", "supervisor"


def filing_limits(now: _dt.datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    """The limits a complaint gets when it is filed, with its first light."""
    values: dict[str, Any] = {
        "accept_due_at": calendar.add_working_days(now, ACCEPT_DAYS),
        "feedback_due_at": now + _dt.timedelta(hours=FEEDBACK_HOURS),
    }
    dues = [values["accept_due_at"], values["feedback_due_at"]]
    values["light"], values["light_next_at"] = light_at(now, min(dues), min(dues), calendar)
    values["limits_provisional"] = calendar.provisional_between(now, values["accept_due_at"])
    return values


def open_working_day_limit(
    complaint: Complaint, calendar: WorkingCalendar
) -> tuple[str, _dt.datetime, _dt.datetime] | None:
    """The open limit counted in working days, counted again from its start: (column, start, due), or None."""
    if complaint.status == SUBMITTED and complaint.accept_due_at is not None:
        return "accept_due_at", complaint.submitted_at, calendar.add_working_days(complaint.submitted_at, ACCEPT_DAYS)
    if (
        complaint.status == FORWARDED
        and complaint.result_due_at is not None
        and complaint.forwarded_at is not None
        and complaint.result_days is not None
    ):
        return (
            "result_due_at",
            complaint.forwarded_at,
            calendar.add_working_days(complaint.forwarded_at, complaint.result_days),
        )
    return None


def open_limits(complaint: Complaint) -> dict[str, _dt.datetime]:
    """Limit name → due instant, for the limits not yet met."""
    limits: dict[str, _dt.datetime] = {}
    if complaint.status in OPEN and complaint.first_feedback_at is None and complaint.feedback_due_at:
        limits["feedback"] = complaint.feedback_due_at
    if complaint.status == SUBMITTED and complaint.accept_due_at:
        limits["acceptance"] = complaint.accept_due_at
    if complaint.status == FORWARDED and complaint.result_due_at:
        limits["result"] = complaint.result_due_at
    return limits


def overdue(complaint: Complaint, now: _dt.datetime) -> list[str]:
    return [name for name, due in open_limits(complaint).items() if now > due]


def evaluate(complaint: Complaint, now: _dt.datetime, calendar: WorkingCalendar) -> tuple[str, _dt.datetime | None]:
    """The light against the nearer open limit, and the instant it may next change."""
    limits = open_limits(complaint)
    if not limits:
        return NONE, None
    due = min(limits.values())
    return light_at(now, due, due, calendar)


def relight(complaint: Complaint, now: _dt.datetime, calendar: WorkingCalendar) -> None:
    complaint.light, complaint.light_next_at = evaluate(complaint, now, calendar)


def concerned_department(complaint: Complaint) -> str | None:
    """The department a complaint is handled against: where it was forwarded, else the one complained about."""
    return complaint.forwarded_to or complaint.department


def may_supervise(actor: Actor, complaint: Complaint) -> bool:
    """Administrators; supervisors whose units include the complaint's department. A complaint naming no
    department is open to every supervisor until it is forwarded."""
    if actor.is_admin:
        return True
    if not actor.is_supervisor:
        return False
    department = concerned_department(complaint)
    return department is None or department in units_seen(actor)


def feedback_role(actor: Actor, complaint: Complaint, now: _dt.datetime) -> str | None:
    """In which role the actor may give the first feedback at ``now``, or None: the head of the department complained
    about at any time; a supervisor in scope once its 24 hours have passed (in its place) or when no department is
    named."""
    department = concerned_department(complaint)
    if department is not None and actor.heads(department):
        return DEPARTMENT
    if not may_supervise(actor, complaint):
        return None
    if department is None:
        return SUPERVISOR
    due = complaint.feedback_due_at
    return ON_BEHALF if due is None or now > due else None


def require_supervision(actor: Actor, complaint: Complaint) -> None:
    if not may_supervise(actor, complaint):
        raise PermissionDenied("complaint_supervisor_only")


def may_view(actor: Actor, complaint: Complaint) -> bool:
    """Supervisors in scope, and the head of the department it concerns (named in it, or forwarded to)."""
    department = concerned_department(complaint)
    return may_supervise(actor, complaint) or (department is not None and actor.heads(department))


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def decision(complaint: Complaint) -> str | None:
    if complaint.status == REJECTED:
        return "rejected"
    return "accepted" if complaint.decided_at is not None else None


def public_view(complaint: Complaint, case_number: str | None) -> dict[str, Any]:
    """What the complainant (and anyone holding the reference number) reads: nothing about the complainant,
    their contact or the officials; the department's result once the supervisor has closed the complaint."""
    closed = complaint.status == CLOSED
    return {
        "number": complaint.number,
        "anonymous": complaint.anonymous,
        "subject": complaint.subject,
        "content": complaint.content,
        "department": complaint.department,
        "case_number": case_number,
        "status": complaint.status,
        "submitted_at": complaint.submitted_at.isoformat(),
        "status_changed_at": complaint.status_changed_at.isoformat(),
        "first_feedback": complaint.first_feedback,
        "first_feedback_at": _iso(complaint.first_feedback_at),
        "feedback_on_behalf": bool(complaint.feedback_on_behalf),
        "decision": decision(complaint),
        "decision_reason": complaint.decision_reason,
        "decided_at": _iso(complaint.decided_at),
        "forwarded_to": complaint.forwarded_to,
        "forwarded_at": _iso(complaint.forwarded_at),
        "result": complaint.result if closed else None,
        "upheld": complaint.upheld if closed else None,
        "result_at": _iso(complaint.result_at) if closed else None,
    }


def staff_view(
    complaint: Complaint, case_number: str | None, complainant_name: str | None = None, identify: bool = True
) -> dict[str, Any]:
    """What supervisors and the department head read: the whole procedure with its limits and light. Only
    supervisors (``identify``) learn who complained and how to reach them; the department complained about
    does not."""
    return {
        **public_view(complaint, case_number),
        "id": complaint.id,
        "case_id": complaint.case_id,
        "complainant": complaint.complainant if identify else None,
        "complainant_name": complainant_name if identify else None,
        "contact_phone": complaint.contact_phone if identify else None,
        "accept_due_at": _iso(complaint.accept_due_at),
        "feedback_due_at": _iso(complaint.feedback_due_at),
        "first_feedback_by": complaint.first_feedback_by if identify else None,
        "feedback_overdue_at": _iso(complaint.feedback_overdue_at),
        "result_due_at": _iso(complaint.result_due_at),
        "limits_provisional": bool(complaint.limits_provisional),
        "decided_by": complaint.decided_by,
        "result": complaint.result,
        "upheld": complaint.upheld,
        "result_by": complaint.result_by,
        "result_at": _iso(complaint.result_at),
        "light": complaint.light or NONE,
        "open_limits": {name: due.isoformat() for name, due in open_limits(complaint).items()},
    }
