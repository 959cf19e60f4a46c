"""Watching supervision items' limits: the same lights as cases, and escalation of an overdue investigation.

The sweep re-evaluates only items whose next light change is due (``light_next_at``). When an unclosed item's
light turns red (its due date has passed), the item is escalated: its level goes up and the supervisors of its
department and the heads of their bureaus get a notice. An extension moves the due date, so an extended item
that passes its new date is escalated again.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..deadlines.lights import RED, light_at
from ..deadlines.working_time import WorkingCalendar
from ..identity.actors import HEAD_POST, supervisors
from ..kernel.db import Executor
from ..models import Complaint, SupervisionItem, User
from ..notices import messages as notices
from ..trail import chain as trail
from ..trail.chain import TrailRow
from .items import investigation_due

if TYPE_CHECKING:
    pass

CLOSED = "closed"


def item_key(item_id: int) -> str:
    """How the item's trail rows name it (element_id)."""
    return f"supervision_item:{item_id}"


def item_event(
    event: str,
    item: SupervisionItem,
    at: _dt.datetime,
    *,
    actor: str,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: dict[str, Any] | None = None,
    digest_of: object = None,
) -> TrailRow:
    return trail.event(
        event,
        at,
        case_id=item.case_id,
        task_id=item.task_id,
        element_id=item_key(item.id),
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
        data_digest=trail.digest(digest_of) if digest_of is not None else None,
    )


def notify(
    session: Executor,
    recipients: Iterable[str | None],
    kind: str,
    item: SupervisionItem,
    message: str,
    now: _dt.datetime,
) -> list[str]:
    """Notices about an item; returns who was told."""
    told = list(dict.fromkeys(r for r in recipients if r))
    notices.notify(session, told, kind, message, now, case_id=item.case_id, task_id=item.task_id)
    return told


def supervisors_of(session: Executor, department: str) -> tuple[list[str], list[str]]:
    """The active supervisors whose scope covers ``department``, and the heads of their bureaus."""
    covering = [(user_id, bureau) for user_id, bureau, units in supervisors(session) if department in units]
    bureaus = {bureau for _user, bureau in covering}
    heads: list[str] = []
    if bureaus:
        for user_id, posts in session.execute(
            sa.select(User.id, User.posts)
            .where(User.department_id.in_(bureaus), User.active.is_(True))
            .order_by(User.id)
        ).all():
            if HEAD_POST in (posts or []):
                heads.append(user_id)
    return [user_id for user_id, _bureau in covering], heads


def refresh_item_light(
    session: Executor, item: SupervisionItem, now: _dt.datetime, calendar: WorkingCalendar
) -> list[TrailRow]:
    """Set the item's light for ``now``; the trail rows of a change (and of an escalation it causes)."""
    light, item.light_next_at = light_at(now, item.due_at, item.due_at, calendar)
    if light == item.light:
        return []
    rows = [item_event("light_changed", item, now, actor="engine", from_state=item.light, to_state=light)]
    item.light = light
    if light == RED and item.status != CLOSED:
        rows.append(escalate(session, item, now))
    return rows


def escalate(session: Executor, item: SupervisionItem, now: _dt.datetime) -> TrailRow:
    item.escalation_level = (item.escalation_level or 0) + 1
    supervisors, heads = supervisors_of(session, item.department)
    message = (
        f"督办事项 #{item.id}（{item.department}）已超过调查办结期限仍未办结，"
        f"已升级为第 {item.escalation_level} 级督办：{item.summary}"
    )
    notified = notify(session, supervisors + heads, "supervision_escalation", item, message, now)
    return item_event(
        "supervision_escalated",
        item,
        now,
        actor="engine",
        to_state=f"level {item.escalation_level}",
        detail={
            "level": item.escalation_level,
            "notified": notified,
            "due_at": item.due_at.isoformat() if item.due_at else None,
        },
    )


def due_items(session: Executor, as_of: _dt.datetime, limit: int = 5000) -> list[int]:
    """Unclosed items whose next light change is due by ``as_of``."""
    return list(
        session.scalars(
            sa.select(SupervisionItem.id)
            .where(SupervisionItem.light_next_at <= as_of, SupervisionItem.status != CLOSED)
            .order_by(SupervisionItem.light_next_at, SupervisionItem.id)
            .limit(limit)
        )
    )


def refresh_item(session: Session, item_id: int, calendar: WorkingCalendar, as_of: _dt.datetime) -> int:
    """Re-evaluate one due item's light (and escalate it when it turns red) in the caller's transaction; 1 when
    it changed."""
    item = session.scalar(
        sa.select(SupervisionItem)
        .where(
            SupervisionItem.id == item_id,
            SupervisionItem.light_next_at <= as_of,
            SupervisionItem.status != CLOSED,
        )
        .with_for_update()
    )
    if item is None:  # changed since it was selected
        return 0
    rows = refresh_item_light(session, item, as_of, calendar)
    trail.append_outside_step(session, rows)
    return 1 if rows else 0


def recount_items(session: Session, calendar: WorkingCalendar, now: _dt.datetime, actor: str) -> list[TrailRow]:
    """Unclosed items whose limit was counted over provisional days, counted again from when they opened (and
    extended): the trail rows of each change, of the light and of an escalation it causes."""
    rows: list[TrailRow] = []
    for item in session.scalars(
        sa.select(SupervisionItem)
        .where(SupervisionItem.due_provisional.is_(True), SupervisionItem.status != CLOSED)
        .order_by(SupervisionItem.id)
        .with_for_update()
    ):
        due = investigation_due(calendar, item.opened_at, extended=item.extended_at is not None)
        provisional = calendar.provisional_between(item.opened_at, due)
        if due == item.due_at and provisional:
            continue
        rows.append(
            item_event(
                "deadline_recounted",
                item,
                now,
                actor=actor,
                detail={
                    "deadline": "supervision_item",
                    "item": item.id,
                    "from": item.due_at.isoformat() if item.due_at else None,
                    "to": due.isoformat(),
                    "provisional": provisional,
                },
            )
        )
        item.due_at, item.due_provisional = due, provisional
        rows += refresh_item_light(session, item, now, calendar)
    return rows


def close_with_complaint(session: Session, complaint: Complaint, actor: str, now: _dt.datetime) -> list[int]:
    """A closed complaint ends the supervision item its forwarding opened: the department's result is the
    response and the complaint's verdict the finding. Returns the ids of the items closed."""
    closed = []
    for item in session.scalars(
        sa.select(SupervisionItem)
        .where(SupervisionItem.complaint_id == complaint.id, SupervisionItem.status != CLOSED)
        .with_for_update()
    ):
        before = item.status
        conclusion = "substantiated" if complaint.upheld else "unsubstantiated"
        item.response = item.response or complaint.result
        item.responded_by = item.responded_by or complaint.result_by
        item.responded_at = item.responded_at or complaint.result_at
        item.finding = (
            f"【{'属实' if complaint.upheld else '不属实'}】投诉 {complaint.number} 已办结：{complaint.result}"
        )
        item.finding_by, item.closed_at, item.status, item.light_next_at = actor, now, CLOSED, None
        trail.append_outside_step(
            session,
            [
                item_event(
                    "supervision_closed",
                    item,
                    now,
                    actor=actor,
                    from_state=before,
                    to_state=CLOSED,
                    detail={"conclusion": conclusion, "complaint": complaint.number},
                )
            ],
        )
        closed.append(item.id)
    return closed
