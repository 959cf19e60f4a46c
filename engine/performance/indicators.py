"""The month's indicators, aggregated in SQL: one grouped query per table, never a loop over rows.

Definitions (per department; "the month" is a calendar month in Asia/Shanghai, a half-open range of instants):

- 网上办理率 ``online_service_rate``: published matters of the department whose catalogue ``online_depth`` is 2 or
  more (materials may be submitted online) / all its published matters — from the catalogue as it is now.
- 网上深化率 ``online_depth_rate``: published matters at the deepest level (``online_depth`` 4, 全程网办) / all
  its published matters; ``average_online_depth`` is reported beside it.
- 网上办结率 ``online_completion_rate``: cases ended in the month that came in online (``channel`` online) / cases
  ended in the month.
- ``on_time_rate``: cases ended in the month by their statutory limit (``ended_at <= statutory_due_at``; a case
  with no limit — never accepted — counts as on time) / cases ended in the month.
- ``average_handling_days``: over cases ended in the month that were accepted, (ended − accepted − paused time)
  in calendar days: an approximation of working days that needs no calendar join.
- ``overdue_count``: cases whose statutory limit fell in the month and that had not ended by it (ended later or
  still running) — each overdue case is counted once, in the month its limit passed.
- ``satisfaction_rate``: ratings given in the month with 4 or 5 stars overall / ratings given in the month.
- ``visits_per_case``: average on-site visits (跑动次数) of the cases ended in the month.

The scoring counts come from the same queries: signals raised in the month by colour (and fee signals,
``subject`` ``fee:…``), complaints whose result in the month found them justified (``upheld``), supervision items
due in the month and not closed by then, cases ended without their result published.
Per official: tasks completed in the month (``completed_by``), of them by their step's due time, and the signals
raised in the month naming the official.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..models import Case, Complaint, Matter, Rating, Signal, SupervisionItem, TaskRecord


def _in(column: InstrumentedAttribute[Any], start: _dt.datetime, end: _dt.datetime) -> sa.ColumnElement[bool]:
    return sa.and_(column >= start, column < end)


def _count(condition: sa.ColumnElement[bool] | None = None) -> sa.ColumnElement[int]:
    return sa.func.count().filter(condition) if condition is not None else sa.func.count()


def _seconds(
    later: InstrumentedAttribute[Any], earlier: InstrumentedAttribute[Any], dialect: str
) -> sa.ColumnElement[float]:
    if dialect == "postgresql":  # date_part is double precision; extract() would be numeric (slow to sum)
        return sa.func.date_part("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _case_rows(session: Session, start: _dt.datetime, end: _dt.datetime, dialect: str) -> dict[str, dict[str, Any]]:
    rows = {row.department: row._asdict() for row in session.execute(ended_query(start, end, dialect))}
    for department, overdue in session.execute(overdue_query(start, end)):
        rows.setdefault(department, {})["overdue_case"] = overdue
    return rows


def ended_query(start: _dt.datetime, end: _dt.datetime, dialect: str) -> sa.Select:
    """One pass over the cases that ended in the month, grouped by department."""
    accepted = Case.accepted_at.is_not(None)
    handling = _seconds(Case.ended_at, Case.accepted_at, dialect) - sa.func.coalesce(Case.paused_seconds, 0)
    return (
        sa.select(
            Case.department,
            _count().label("ended"),
            _count(Case.channel == "online").label("ended_online"),
            _count(sa.or_(Case.statutory_due_at.is_(None), Case.ended_at <= Case.statutory_due_at)).label(
                "ended_on_time"
            ),
            _count(accepted).label("accepted_ended"),
            sa.func.sum(handling).filter(accepted).label("handling_seconds"),
            sa.func.sum(Case.onsite_visits).label("visits"),
            _count(Case.result_published_at.is_(None)).label("unpublished_result"),
        )
        .where(_in(Case.ended_at, start, end))
        .group_by(Case.department)
    )


def overdue_query(start: _dt.datetime, end: _dt.datetime) -> sa.Select:
    """Cases whose statutory limit fell in the month and that had not ended by it."""
    return (
        sa.select(Case.department, _count())
        .where(
            _in(Case.statutory_due_at, start, end),
            sa.or_(Case.ended_at.is_(None), Case.ended_at > Case.statutory_due_at),
        )
        .group_by(Case.department)
    )


def _matter_rows(session: Session) -> dict[str, dict[str, Any]]:
    depth = Matter.entry["online_depth"].as_integer()
    query = (
        sa.select(
            Matter.department,
            _count().label("matters"),
            _count(depth >= 2).label("online_matters"),
            _count(depth >= 4).label("deepest_matters"),
            sa.func.avg(depth).label("average_depth"),
        )
        .where(Matter.published.is_(True))
        .group_by(Matter.department)
    )
    return {row.department: row._asdict() for row in session.execute(query)}


def _grouped(session: Session, query: sa.Select) -> dict[Any, dict[str, Any]]:
    return {row[0]: row._asdict() for row in session.execute(query)}


def department_counts(session: Session, start: _dt.datetime, end: _dt.datetime) -> dict[str, dict[str, Any]]:
    """Every department with data: its indicators and its scoring counts."""
    dialect = session.get_bind().dialect.name
    cases = _case_rows(session, start, end, dialect)
    matters = _matter_rows(session)
    ratings = _grouped(
        session,
        sa.select(
            Rating.department,
            _count().label("ratings"),
            _count(Rating.overall >= 4).label("satisfied_rating"),
            _count(Rating.overall <= 2).label("dissatisfied_rating"),
        )
        .where(_in(Rating.rated_at, start, end))
        .group_by(Rating.department),
    )
    signals = _grouped(
        session,
        sa.select(
            Signal.department,
            _count(Signal.color == "red").label("red_signal"),
            _count(Signal.color == "yellow").label("yellow_signal"),
            _count(Signal.subject.like("fee:%")).label("fee_signal"),
        )
        .where(_in(Signal.raised_at, start, end))
        .group_by(Signal.department),
    )
    complaints = _grouped(
        session,
        sa.select(
            Complaint.department,
            _count().label("upheld_complaint"),
        )
        .where(Complaint.upheld.is_(True), _in(Complaint.result_at, start, end), Complaint.department.is_not(None))
        .group_by(Complaint.department),
    )
    items = _grouped(
        session,
        sa.select(
            SupervisionItem.department,
            _count().label("overdue_supervision"),
        )
        .where(
            _in(SupervisionItem.due_at, start, end),
            sa.or_(SupervisionItem.closed_at.is_(None), SupervisionItem.closed_at > SupervisionItem.due_at),
        )
        .group_by(SupervisionItem.department),
    )
    names = set(cases) | set(matters) | set(ratings) | set(signals) | set(complaints) | set(items)
    return {
        name: _department(
            name,
            cases.get(name, {}),
            matters.get(name, {}),
            ratings.get(name, {}),
            {**signals.get(name, {}), **complaints.get(name, {}), **items.get(name, {})},
        )
        for name in names
    }


def _department(
    name: str, cases: dict[str, Any], matters: dict[str, Any], ratings: dict[str, Any], others: dict[str, Any]
) -> dict[str, Any]:
    ended = int(cases.get("ended", 0) or 0)
    accepted = int(cases.get("accepted_ended", 0))
    published = int(matters.get("matters", 0))
    average_depth = matters.get("average_depth")
    counts = {
        key: int(others.get(key, 0) or 0)
        for key in ("red_signal", "yellow_signal", "fee_signal", "upheld_complaint", "overdue_supervision")
    }
    counts.update(
        {
            "overdue_case": int(cases.get("overdue_case", 0)),
            "unpublished_result": int(cases.get("unpublished_result", 0)),
            "satisfied_rating": int(ratings.get("satisfied_rating", 0)),
            "dissatisfied_rating": int(ratings.get("dissatisfied_rating", 0)),
        }
    )
    indicators = {
        "published_matters": published,
        "online_service_rate": _ratio(int(matters.get("online_matters", 0)), published),
        "online_depth_rate": _ratio(int(matters.get("deepest_matters", 0)), published),
        "average_online_depth": round(float(average_depth), 2) if average_depth is not None else None,
        "cases_ended": ended,
        "online_completion_rate": _ratio(int(cases.get("ended_online", 0)), ended),
        "on_time_rate": _ratio(int(cases.get("ended_on_time", 0)), ended),
        "average_handling_days": round(float(cases["handling_seconds"] or 0) / accepted / 86400, 2)
        if accepted
        else None,
        "overdue_count": counts["overdue_case"],
        "ratings": int(ratings.get("ratings", 0)),
        "satisfaction_rate": _ratio(counts["satisfied_rating"], int(ratings.get("ratings", 0))),
        "visits_per_case": round(int(cases.get("visits") or 0) / ended, 2) if ended else None,
    }
    return {"name": name, "indicators": indicators, "counts": counts}


def official_counts(session: Session, start: _dt.datetime, end: _dt.datetime) -> dict[str, dict[str, Any]]:
    """Every official who completed a task or was named by a signal in the month."""
    completed = _in(TaskRecord.completed_at, start, end)
    tasks = _grouped(
        session,
        sa.select(
            TaskRecord.completed_by,
            _count().label("tasks_completed"),
            _count(sa.or_(TaskRecord.due_at.is_(None), TaskRecord.completed_at <= TaskRecord.due_at)).label("on_time"),
        )
        .where(completed, TaskRecord.completed_by.is_not(None))
        .group_by(TaskRecord.completed_by),
    )
    signals = _grouped(
        session,
        sa.select(
            Signal.official,
            _count(Signal.color == "red").label("red"),
            _count(Signal.color == "yellow").label("yellow"),
        )
        .where(_in(Signal.raised_at, start, end), Signal.official.is_not(None))
        .group_by(Signal.official),
    )
    result: dict[str, dict[str, Any]] = {}
    for official in set(tasks) | set(signals):
        done = int(tasks.get(official, {}).get("tasks_completed", 0))
        on_time = int(tasks.get(official, {}).get("on_time", 0))
        result[official] = {
            "id": official,
            "tasks_completed": done,
            "tasks_on_time": on_time,
            "on_time_rate": _ratio(on_time, done),
            "counts": {
                "completed_task": on_time,
                "late_task": done - on_time,
                "official_red_signal": int(signals.get(official, {}).get("red", 0)),
                "official_yellow_signal": int(signals.get(official, {}).get("yellow", 0)),
            },
        }
    return result
