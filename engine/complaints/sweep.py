"""The complaints' part of the periodic sweep: re-evaluate the lights that are due, and tell the supervisors of
the complaint's department when one turns red (a limit has passed)."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from . import rules
from ..trail import chain as trail
from ..identity.actors import supervisors
from ..deadlines.lights import RED
from ..models import Complaint
from ..notices.messages import notify
from ..deadlines.working_time import WorkingCalendar

if TYPE_CHECKING:
    from ..kernel import Database

LIMIT_NAMES = {"feedback": "首次反馈（24小时）", "acceptance": "受理决定（5个工作日）", "result": "部门处理结果"}


def refresh(db: Database, calendar: WorkingCalendar, as_of: _dt.datetime, limit: int = 5000) -> int:
    """Re-evaluate every open complaint whose light may have changed by ``as_of``; return how many changed."""
    changed = 0
    with db.transaction() as session:
        due = session.scalars(sa.select(Complaint).where(
            Complaint.light_next_at <= as_of, Complaint.status.in_(rules.OPEN))
            .order_by(Complaint.id).limit(limit).with_for_update()).all()
        watchers = None
        for complaint in due:
            before = complaint.light
            rules.relight(complaint, as_of, calendar)
            if complaint.light == before:
                continue
            changed += 1
            late = rules.overdue(complaint, as_of)
            trail.append_outside_step(session, [trail.event(
                "complaint_light_changed", as_of, case_id=complaint.case_id, actor="engine",
                element_id=complaint.number, from_state=before, to_state=complaint.light,
                detail={"number": complaint.number, "overdue": late})])
            if complaint.light == RED:
                watchers = watchers if watchers is not None else supervisors(session)
                department = rules.concerned_department(complaint)
                message = (f"投诉 {complaint.number}“{complaint.subject}”已超过"
                           f"{'、'.join(LIMIT_NAMES[name] for name in late)}时限，请即督促办理。")
                told = [user_id for user_id, _bureau, units in watchers if department is None or department in units]
                notify(session, told, "complaint_overdue", message, as_of, case_id=complaint.case_id)
    return changed
