"""Opening a supervision item (督办事项): the one way an overdue step, a correction signal or a complaint becomes
something a supervisor must close with a finding. Its investigation is due in 15 working days."""
from __future__ import annotations

from ..deadlines.lights import light_at
from ..models import SupervisionItem

INVESTIGATION_DAYS = 15
EXTENSION_DAYS = 10
_items = SupervisionItem.__table__


def open_item(session, calendar, now, *, kind: str, department: str, summary: str, case_id=None, task_id=None,
              signal_id=None, complaint_id=None) -> int:
    """Insert an open item in the caller's transaction and return its id."""
    due = calendar.add_working_days(now, INVESTIGATION_DAYS)
    light, next_at = light_at(now, due, due, calendar)
    return session.execute(_items.insert().values(
        case_id=case_id, task_id=task_id, signal_id=signal_id, complaint_id=complaint_id, kind=kind,
        department=department, summary=summary, status="open", opened_at=now, due_at=due, light=light,
        light_next_at=next_at, escalation_level=0,
    ).returning(_items.c.id)).scalar_one()
