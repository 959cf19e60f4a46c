"""Opening a supervision item (督办事项): the one way an overdue step, a correction signal or a complaint becomes
something a supervisor must close with a finding. Its investigation is due in 15 working days (a limit counted over
provisional calendar days is marked, and counted again when the official arrangement is imported)."""

from __future__ import annotations

import datetime as _dt

from ..deadlines.lights import light_at
from ..deadlines.working_time import WorkingCalendar
from ..kernel.db import Executor
from ..models import SupervisionItem

INVESTIGATION_DAYS = 15
EXTENSION_DAYS = 10
_items = SupervisionItem.__table__


def open_item(
    session: Executor,
    calendar: WorkingCalendar,
    now: _dt.datetime,
    *,
    kind: str,
    department: str,
    summary: str,
    case_id: int | None = None,
    task_id: str | None = None,
    signal_id: int | None = None,
    complaint_id: int | None = None,
) -> int:
    """Insert an open item in the caller's transaction and return its id."""
    due = investigation_due(calendar, now, extended=False)
    light, next_at = light_at(now, due, due, calendar)
    return session.execute(
        _items.insert()
        .values(
            case_id=case_id,
            task_id=task_id,
            signal_id=signal_id,
            complaint_id=complaint_id,
            kind=kind,
            department=department,
            summary=summary,
            status="open",
            opened_at=now,
            due_at=due,
            due_provisional=calendar.provisional_between(now, due),
            light=light,
            light_next_at=next_at,
            escalation_level=0,
        )
        .returning(_items.c.id)
    ).scalar_one()


def investigation_due(calendar: WorkingCalendar, opened_at: _dt.datetime, extended: bool) -> _dt.datetime:
    """When an investigation opened at ``opened_at`` is due: 15 working days, 10 more once extended."""
    due = calendar.add_working_days(opened_at, INVESTIGATION_DAYS)
    return calendar.add_working_days(due, EXTENSION_DAYS) if extended else due
