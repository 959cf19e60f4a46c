"""The complaints' part of the periodic sweep: re-evaluate the lights that are due, and tell the supervisors of
the complaint's department when one turns red (a limit has passed); after an official calendar import, the
working-day limits counted over provisional days counted again."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..deadlines.lights import RED
from ..deadlines.working_time import WorkingCalendar
from ..identity.actors import department_heads, supervisors
from ..models import Complaint
from ..notices.messages import notify
from ..trail import chain as trail
from ..trail.chain import TrailRow
from . import rules

LIMIT_NAMES = {"feedback": "首次反馈（24小时）", "acceptance": "受理决定（5个工作日）", "result": "部门处理结果"}


def due(session: Session, as_of: _dt.datetime, limit: int = 5000) -> list[int]:
    """Open complaints whose light may have changed by ``as_of``."""
    return list(
        session.scalars(
            sa.select(Complaint.id)
            .where(Complaint.light_next_at <= as_of, Complaint.status.in_(rules.OPEN))
            .order_by(Complaint.light_next_at, Complaint.id)
            .limit(limit)
        )
    )


def refresh_one(session: Session, complaint_id: int, calendar: WorkingCalendar, as_of: _dt.datetime) -> int:
    """Re-evaluate one due complaint's light in the caller's transaction; 1 when it changed."""
    complaint = session.scalar(
        sa.select(Complaint)
        .where(Complaint.id == complaint_id, Complaint.light_next_at <= as_of, Complaint.status.in_(rules.OPEN))
        .with_for_update()
    )
    if complaint is None:  # changed since it was selected
        return 0
    rows = relight(session, complaint, as_of, calendar, [])
    trail.append_outside_step(session, rows)
    return 1 if rows else 0


def relight(
    session: Session, complaint: Complaint, as_of: _dt.datetime, calendar: WorkingCalendar, watchers: list[Any]
) -> list[TrailRow]:
    """The complaint's light for ``as_of``; on a change its trail row, and on red a notice to the supervisors of its
    department (``watchers`` caches them within a transaction)."""
    before = complaint.light
    rules.relight(complaint, as_of, calendar)
    if complaint.light == before:
        return []
    late = rules.overdue(complaint, as_of)
    if complaint.light == RED:
        if not watchers:
            watchers.extend(supervisors(session))
        department = rules.concerned_department(complaint)
        message = (
            f"投诉 {complaint.number}“{complaint.subject}”已超过"
            f"{'、'.join(LIMIT_NAMES[name] for name in late)}时限，请即督促办理。"
        )
        if "feedback" in late and department is not None:
            message += f"{department}未在24小时内首次反馈，可代为答复投诉人。"
        told = [user_id for user_id, _bureau, units in watchers if department is None or department in units]
        notify(session, told, "complaint_overdue", message, as_of, case_id=complaint.case_id)
    return [
        trail.event(
            "complaint_light_changed",
            as_of,
            case_id=complaint.case_id,
            actor="engine",
            element_id=complaint.number,
            from_state=before,
            to_state=complaint.light,
            detail={"number": complaint.number, "overdue": late},
        )
    ]


def feedback_due(session: Session, as_of: _dt.datetime, limit: int = 5000) -> list[int]:
    """Open complaints whose department let its 24 hours for the first feedback pass, not yet reported."""
    return list(
        session.scalars(
            sa.select(Complaint.id)
            .where(
                Complaint.status.in_(rules.OPEN),
                Complaint.first_feedback_at.is_(None),
                Complaint.feedback_due_at < as_of,
                Complaint.feedback_overdue_at.is_(None),
            )
            .order_by(Complaint.feedback_due_at, Complaint.id)
            .limit(limit)
        )
    )


def feedback_overdue_one(session: Session, complaint_id: int, as_of: _dt.datetime) -> int:
    """One complaint whose 24 hours passed without the department's first feedback (000 四(二)), in the caller's
    transaction: marked (from now on its supervisors may answer in the department's place), the department's heads
    reminded, a trail row. 1 when it was marked."""
    complaint = session.scalar(
        sa.select(Complaint)
        .where(
            Complaint.id == complaint_id,
            Complaint.status.in_(rules.OPEN),
            Complaint.first_feedback_at.is_(None),
            Complaint.feedback_due_at < as_of,
            Complaint.feedback_overdue_at.is_(None),
        )
        .with_for_update()
    )
    if complaint is None:  # answered or marked since it was selected
        return 0
    complaint.feedback_overdue_at = as_of
    department = rules.concerned_department(complaint)
    if department is not None:  # the supervisors hear of it from the light turning red (``relight``)
        notify(
            session,
            department_heads(session, department),
            "complaint_overdue",
            f"投诉 {complaint.number}“{complaint.subject}”已超过24小时首次反馈时限，请即答复投诉人；"
            "监察机关可代为答复。",
            as_of,
            case_id=complaint.case_id,
        )
    trail.append_outside_step(
        session,
        [
            trail.event(
                "complaint_feedback_overdue",
                as_of,
                case_id=complaint.case_id,
                actor="engine",
                element_id=complaint.number,
                detail={
                    "number": complaint.number,
                    "department": department,
                    "feedback_due_at": complaint.feedback_due_at.isoformat() if complaint.feedback_due_at else None,
                },
            )
        ],
    )
    return 1


def recount(session: Session, calendar: WorkingCalendar, now: _dt.datetime, actor: str) -> list[TrailRow]:
    """Open complaints whose working-day limit was counted over provisional days, counted again from its start:
    the trail rows of each change and of the light it moves."""
    rows: list[TrailRow] = []
    watchers: list[Any] = []
    for complaint in session.scalars(
        sa.select(Complaint)
        .where(Complaint.limits_provisional.is_(True), Complaint.status.in_(rules.OPEN))
        .order_by(Complaint.id)
        .with_for_update()
    ):
        limit = rules.open_working_day_limit(complaint, calendar)
        column, before = (limit[0], getattr(complaint, limit[0])) if limit else (None, None)
        provisional = limit is not None and calendar.provisional_between(limit[1], limit[2])
        if limit is not None and limit[2] == before and provisional:
            continue
        complaint.limits_provisional = provisional
        if limit is not None and column is not None:
            setattr(complaint, column, limit[2])
            rows.append(
                trail.event(
                    "deadline_recounted",
                    now,
                    case_id=complaint.case_id,
                    actor=actor,
                    element_id=complaint.number,
                    detail={
                        "deadline": f"complaint_{column.removesuffix('_due_at')}",
                        "number": complaint.number,
                        "from": before.isoformat() if before else None,
                        "to": limit[2].isoformat(),
                        "provisional": provisional,
                    },
                )
            )
        rows += relight(session, complaint, now, calendar, watchers)
    return rows
