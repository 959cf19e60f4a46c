"""What a case's light sets in motion (seed 002 §1 二是; 深府〔2007〕32号 Art. 10).

"在办理时限剩余3天时,系统亮黄灯预警,监察人员发出督办通知,法定限期内仍未办结的,系统亮红灯示警,在考核系统上直接扣分,并告知监察
人员进行查处。"

- yellow: the holders of its open steps are told (the department's heads when nobody holds one), and the
  supervisors whose units cover its department get a notice inviting the 督办通知 they send in one click
  (``SupervisionService.notice_case``);
- red: the holders and the department's heads are told, and a 督办 item (kind ``overdue_case``) opens by itself,
  unless one is already open for the case; its supervisors are told;
- Art. 10's 到期日 ("行政审批事项到期日,监察机关通过电子监察系统发出绿色预警信号") is a signal, not a light: on the
  morning of the due date the department (its heads and the holders of the case's open steps) gets a 今日到期
  notice and the case a ``case_due_today`` trail row; pages show the 今日到期 badge (``lights.due_today``).

The sweep sees these changes as time passes (``refresh_case_light``); a case that starts, or resumes, already past
such a point is seen at that step: one accepted yellow (a promised limit of 2 working days or less) or red (a deemed
acceptance long after receipt) goes through ``light_changed`` from normal, and one accepted or resumed on its due
date gets the 今日到期 notice there (``due_today_once``: once per due date, whichever path comes first).

Each function writes in the caller's transaction and returns the trail rows for the caller to append.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import sqlalchemy as sa

from ..deadlines.lights import RED, YELLOW, due_day_start, due_today
from ..deadlines.working_time import WorkingCalendar
from ..identity.actors import department_heads
from ..kernel.db import Executor
from ..models import SupervisionItem, TaskRecord, TrailEntry
from ..notices import triggers as notice_triggers
from ..notices.messages import notify
from ..supervision.items import open_item
from ..supervision.watch import CLOSED, item_key, supervisors_of
from ..trail import chain as trail
from ..trail.chain import TrailRow

OVERDUE_CASE = "overdue_case"
_items = SupervisionItem.__table__


def light_changed(
    session: Executor, case: Any, before: str | None, light: str, now: _dt.datetime, calendar: WorkingCalendar
) -> list[TrailRow]:
    """A case's light moved from ``before`` to ``light``: its trail row, notices, and on red its 督办 item."""
    rows = [trail.event("light_changed", now, case_id=case.id, actor="engine", from_state=before, to_state=light)]
    notice_triggers.case_light_changed(session, case, light, now)
    supervisors, _heads = supervisors_of(session, case.department)
    if light == YELLOW:
        notify(
            session,
            supervisors,
            "light_supervision",
            f"办件 {case.number}（{case.department}）亮黄灯：距承诺时限不足3个工作日，可发出督办通知。",
            now,
            case_id=case.id,
        )
    elif light == RED:
        rows += open_overdue_case(session, case, now, calendar, supervisors)
    return rows


def open_overdue_case(
    session: Executor, case: Any, now: _dt.datetime, calendar: WorkingCalendar, supervisors: list[str]
) -> list[TrailRow]:
    """The 督办 item a red case opens by itself (none when one is already open for it)."""
    already = session.execute(
        sa.select(_items.c.id).where(
            _items.c.case_id == case.id, _items.c.kind == OVERDUE_CASE, _items.c.status != CLOSED
        )
    ).first()
    if already is not None:
        return []
    summary = f"办件 {case.number} 亮红灯：已超过法定时限仍未办结。"
    item_id = open_item(
        session, calendar, now, kind=OVERDUE_CASE, department=case.department, summary=summary, case_id=case.id
    )
    due = session.execute(sa.select(_items.c.due_at).where(_items.c.id == item_id)).scalar_one()
    notify(session, supervisors, "light_supervision", f"督办事项 #{item_id}：{summary}", now, case_id=case.id)
    return [
        trail.event(
            "supervision_opened",
            now,
            case_id=case.id,
            element_id=item_key(item_id),
            actor="engine",
            to_state="open",
            detail={"kind": OVERDUE_CASE, "due_at": due.isoformat() if due else None, "item": item_id},
        )
    ]


def due_day_reached(
    previous_look: _dt.datetime | None, due: _dt.datetime | None, now: _dt.datetime, calendar: WorkingCalendar
) -> bool:
    """Whether this look at a case is the first on its due date: the look before it was asked for no later than the
    due date's start (``previous_look``, the stored next instant; after this one the next is later), and ``now``
    falls on that date before the limit."""
    if previous_look is None or due is None or now > due:
        return False
    start = due_day_start(due, calendar)
    return previous_look <= start <= now and now.astimezone(calendar.tz).date() == due.astimezone(calendar.tz).date()


def due_today_once(
    session: Executor, case: Any, due: _dt.datetime | None, now: _dt.datetime, calendar: WorkingCalendar
) -> list[TrailRow]:
    """Art. 10's signal for a case that starts or resumes on its due date ``due``, between the sweep's looks: the
    notice and trail row of ``due_today_signal`` unless the case already had them that day (the signal is only sent
    on a due date, so a ``case_due_today`` row of today's date is the one for this due date)."""
    if not due_today(now, due, calendar):
        return []
    assert due is not None  # due_today is false without a limit
    sent = session.execute(
        sa.select(TrailEntry.seq)
        .where(
            TrailEntry.case_id == case.id,
            TrailEntry.event == "case_due_today",
            TrailEntry.at >= calendar.start_of_day(now.astimezone(calendar.tz).date()),
        )
        .limit(1)
    ).first()
    return [] if sent is not None else due_today_signal(session, case, due, now)


def due_today_signal(session: Executor, case: Any, due: _dt.datetime, now: _dt.datetime) -> list[TrailRow]:
    """Art. 10: the 今日到期 notice to the department and the case's trail row (``due``: its promised limit)."""
    holders = session.scalars(
        sa.select(TaskRecord.assignee).where(
            TaskRecord.case_id == case.id, TaskRecord.state == "open", TaskRecord.assignee.is_not(None)
        )
    ).all()
    told = list(dict.fromkeys([*holders, *department_heads(session, case.department)]))
    notify(session, told, "due_today", f"办件 {case.number} 今日到期，请在今日办结。", now, case_id=case.id)
    return [
        trail.event(
            "case_due_today",
            now,
            case_id=case.id,
            actor="engine",
            detail={"promised_due_at": due.isoformat(), "notified": told},
        )
    ]
