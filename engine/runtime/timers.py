"""Pending timer events, projected from waiting timer tasks so that the sweep is a query."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa

from ..kernel.db import Executor
from ..models import PendingTimer


def due_cases(session: Executor, as_of: _dt.datetime, limit: int = 1000) -> list[int]:
    """Cases with a timer due by ``as_of``, earliest first; a paused case's timers wait for it to resume."""
    table = PendingTimer.__table__
    return list(
        session.scalars(
            sa.select(table.c.case_id)
            .where(table.c.due_at <= as_of, table.c.suspended.is_(False))
            .group_by(table.c.case_id)
            .order_by(sa.func.min(table.c.due_at))
            .limit(limit)
        )
    )


def earliest_element(session: Executor, case_id: int) -> str | None:
    """The element of the case's earliest waiting timer."""
    table = PendingTimer.__table__
    return session.scalar(
        sa.select(table.c.element_id).where(table.c.case_id == case_id).order_by(table.c.due_at).limit(1)
    )


def earliest_due(session: Executor, case_id: int, as_of: _dt.datetime) -> _dt.datetime | None:
    """The earliest of the case's timers due by ``as_of`` (None: nothing is due)."""
    table = PendingTimer.__table__
    return session.execute(
        sa.select(sa.func.min(table.c.due_at)).where(
            table.c.case_id == case_id, table.c.due_at <= as_of, table.c.suspended.is_(False)
        )
    ).scalar()


def due_between(
    session: Executor, after: _dt.datetime, until: _dt.datetime, limit: int = 10000
) -> list[tuple[int, _dt.datetime]]:
    """(case, earliest due) for timers due in (after, until]: the ones to queue with an ETA."""
    table = PendingTimer.__table__
    return [
        tuple(row)
        for row in session.execute(
            sa.select(table.c.case_id, sa.func.min(table.c.due_at))
            .where(table.c.due_at > after, table.c.due_at <= until, table.c.suspended.is_(False))
            .group_by(table.c.case_id)
            .limit(limit)
        )
    ]
