"""The month's indicators, aggregated in SQL (handling time in working days from one pass over the month's ended
cases). Definitions (per department; "the month" is a calendar month in Asia/Shanghai, a half-open range of instants):

- 网上办理率 ``online_service_rate`` (003 附件: "可以在网上办理、达到一级办事深度的事项占全部事项的比率"): published
  matters of the department at online depth 1 or more / all its published matters — the catalogue as it is now.
- 网上深化率 (003 附件: "网上办事深度分别达到一、二、三级的比率"): the shares of its published matters at depth 1, 2
  and 3, each reported (``online_depth_1_rate``, ``online_depth_2_rate``, ``online_depth_3_rate``).
- 网上办结率 ``online_completion_rate``: cases ended in the month that came in online / cases ended in the month.
- ``on_time_rate`` and ``average_handling_days``: deadlines/handling.py, the one definition the cockpit uses too
  (by the statutory limit; ``within_promise_rate`` beside it; working days less paused working time).
- ``overdue_count``: cases whose statutory limit fell in the month and that had not ended by it.
- 服务满意率 ``satisfaction_rate`` (003 附件: "由申办人星级评定和投诉等情况确定"): ratings given in the month with 4
  or 5 stars / (ratings given in the month + complaints found justified in the month). A substantiated complaint
  weighs as one dissatisfied rating.
- 跑动次数 ``visits_per_case``: on-site visits recorded by the window (``case_visit``) for the cases ended in the
  month / those cases; a case with no visit recorded (an online case) counts 0.

The scoring counts (Art. 17): signals raised in the month by colour (and fee signals, ``subject`` ``fee:…``),
complaints found justified, supervision items due in the month and not closed by then, cases ended without their
result published; (四) approvals whose post-approval inspection fell due in the month without one
(``uninspected_approval``) and the inspections recorded (``inspection``); (五) cases whose data reached the
supervision platform or came from a ministry system late (``late_data_report``).
Per official: tasks completed in the month (``completed_by``), of them by their step's due time, the signals
raised in the month naming the official, and the manual points given on the month's days.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..deadlines import handling
from ..kernel.clock import SHANGHAI
from ..models import (
    Case,
    CaseVisit,
    Complaint,
    ExternalFact,
    Inspection,
    ManualPoint,
    Matter,
    OutboxMessage,
    Rating,
    Signal,
    SupervisionItem,
    TaskRecord,
)

if TYPE_CHECKING:
    from ..deadlines import WorkingCalendar

DEPTHS = (1, 2, 3)  # 003 附件 网上办事深度: 一级, 二级, 三级


def _in(column: InstrumentedAttribute[Any], start: _dt.datetime, end: _dt.datetime) -> sa.ColumnElement[bool]:
    return sa.and_(column >= start, column < end)


def _count(condition: sa.ColumnElement[bool] | None = None) -> sa.ColumnElement[int]:
    return sa.func.count().filter(condition) if condition is not None else sa.func.count()


def _seconds(later: Any, earlier: Any, dialect: str) -> sa.ColumnElement[float]:
    if dialect == "postgresql":  # date_part is double precision; extract() would be numeric (slow to sum)
        return sa.func.date_part("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


_ratio = handling.rate


def _case_rows(
    session: Session, calendar: WorkingCalendar, start: _dt.datetime, end: _dt.datetime
) -> dict[str, dict[str, Any]]:
    rows = handling.ended_figures(session, calendar, start, end)
    for query in (ended_query(start, end), visits_query(start, end)):
        for row in session.execute(query):
            rows.setdefault(row.department, {}).update(row._asdict())
    for department, overdue in session.execute(overdue_query(start, end)):
        rows.setdefault(department, {})["overdue_case"] = overdue
    return rows


def ended_query(start: _dt.datetime, end: _dt.datetime) -> sa.Select:
    """One pass over the cases that ended in the month, grouped by department."""
    return (
        sa.select(
            Case.department,
            _count(Case.channel == "online").label("ended_online"),
            _count(Case.result_published_at.is_(None)).label("unpublished_result"),
        )
        .where(handling.ended_in(start, end))
        .group_by(Case.department)
    )


def visits_query(start: _dt.datetime, end: _dt.datetime) -> sa.Select:
    """The visits the window recorded for the cases that ended in the month, by department."""
    return (
        sa.select(Case.department, _count().label("visits"))
        .select_from(CaseVisit)
        .join(Case, Case.id == CaseVisit.case_id)
        .where(handling.ended_in(start, end))
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
            _count(depth >= 1).label("online_matters"),
            *(_count(depth == level).label(f"depth_{level}") for level in DEPTHS),
        )
        .where(Matter.published.is_(True))
        .group_by(Matter.department)
    )
    return {row.department: row._asdict() for row in session.execute(query)}


def _grouped(session: Session, query: sa.Select) -> dict[Any, dict[str, Any]]:
    return {row[0]: row._asdict() for row in session.execute(query)}


def _plus_days(column: InstrumentedAttribute[Any], days: sa.ColumnElement[int], dialect: str) -> Any:
    """``column`` + ``days`` calendar days, comparable with an instant on either backend."""
    if dialect == "postgresql":
        return column + sa.func.make_interval(0, 0, 0, days)
    return sa.func.julianday(column) + days


def _instant(value: _dt.datetime, dialect: str) -> Any:
    if dialect == "postgresql":
        return sa.literal(value, Case.ended_at.type)
    return sa.func.julianday(value.astimezone(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))


def inspection_query(start: _dt.datetime, end: _dt.datetime, dialect: str) -> sa.Select:
    """Art. 17(4): approvals of matters with an inspection duty (``inspection_days`` in the catalogue entry) whose
    inspection fell due in the month with none recorded by then."""
    days = Matter.entry["inspection_days"].as_integer()
    due = _plus_days(Case.ended_at, days, dialect)
    inspected_at = Inspection.inspected_at if dialect == "postgresql" else sa.func.julianday(Inspection.inspected_at)
    inspected = sa.select(Inspection.id).where(Inspection.case_id == Case.id, inspected_at <= due).correlate(Case)
    return (
        sa.select(Case.department, _count().label("uninspected_approval"))
        .join(Matter, Matter.code == Case.matter_code)
        .where(
            Case.outcome == "approved",
            days.is_not(None),
            due >= _instant(start, dialect),
            due < _instant(end, dialect),
            ~inspected.exists(),
        )
        .group_by(Case.department)
    )


def late_report_query(
    start: _dt.datetime, end: _dt.datetime, now: _dt.datetime, limit_hours: float, dialect: str
) -> sa.Select:
    """Art. 17(5): cases with a record for the supervision platform written in the month that was sent later than
    the limit, failed, or is still unsent past it; or with a ministry system's fact reported in the month later
    than the limit after it happened. Each case counts once."""
    limit = limit_hours * 3600.0
    upward = sa.select(OutboxMessage.case_id.label("case_id")).where(
        OutboxMessage.case_id.is_not(None),
        _in(OutboxMessage.created_at, start, end),
        sa.or_(
            OutboxMessage.status == "failed",
            sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.created_at < now - _dt.timedelta(seconds=limit)),
            _seconds(OutboxMessage.sent_at, OutboxMessage.created_at, dialect) > limit,
        ),
    )
    exchange = sa.select(ExternalFact.case_id.label("case_id")).where(
        _in(ExternalFact.reported_at, start, end),
        _seconds(ExternalFact.reported_at, ExternalFact.happened_at, dialect) > limit,
    )
    late = sa.union(upward, exchange).subquery()
    return (
        sa.select(Case.department, sa.func.count(sa.distinct(Case.id)).label("late_data_report"))
        .join(late, late.c.case_id == Case.id)
        .group_by(Case.department)
    )


def department_counts(
    session: Session,
    calendar: WorkingCalendar,
    start: _dt.datetime,
    end: _dt.datetime,
    now: _dt.datetime,
    report_limit_hours: float,
) -> dict[str, dict[str, Any]]:
    """Every department with data: its indicators and its scoring counts."""
    dialect = session.get_bind().dialect.name
    cases = _case_rows(session, calendar, start, end)
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
    inspections = _grouped(
        session,
        sa.select(Inspection.department, _count().label("inspection"))
        .where(_in(Inspection.inspected_at, start, end))
        .group_by(Inspection.department),
    )
    uninspected = _grouped(session, inspection_query(start, end, dialect))
    late = _grouped(session, late_report_query(start, end, now, report_limit_hours, dialect))
    others: dict[str, dict[str, Any]] = {}
    for part in (signals, complaints, items, inspections, uninspected, late):
        for name, row in part.items():
            others.setdefault(name, {}).update(row)
    names = set(cases) | set(matters) | set(ratings) | set(others)
    return {
        name: _department(name, cases.get(name, {}), matters.get(name, {}), ratings.get(name, {}), others.get(name, {}))
        for name in names
        if name is not None
    }


OTHER_COUNTS = (
    "red_signal",
    "yellow_signal",
    "fee_signal",
    "upheld_complaint",
    "overdue_supervision",
    "inspection",
    "uninspected_approval",
    "late_data_report",
)


def _department(
    name: str, cases: dict[str, Any], matters: dict[str, Any], ratings: dict[str, Any], others: dict[str, Any]
) -> dict[str, Any]:
    ended = int(cases.get("ended", 0) or 0)
    published = int(matters.get("matters", 0))
    counts = {key: int(others.get(key, 0) or 0) for key in OTHER_COUNTS}
    counts.update(
        {
            "overdue_case": int(cases.get("overdue_case", 0)),
            "unpublished_result": int(cases.get("unpublished_result", 0) or 0),
            "satisfied_rating": int(ratings.get("satisfied_rating", 0)),
            "dissatisfied_rating": int(ratings.get("dissatisfied_rating", 0)),
        }
    )
    rated = int(ratings.get("ratings", 0))
    indicators = {
        "published_matters": published,
        "online_service_rate": _ratio(int(matters.get("online_matters", 0)), published),
        **{f"online_depth_{level}_rate": _ratio(int(matters.get(f"depth_{level}", 0)), published) for level in DEPTHS},
        "cases_ended": ended,
        "online_completion_rate": _ratio(int(cases.get("ended_online", 0) or 0), ended),
        "on_time_rate": _ratio(int(cases.get("on_time", 0)), ended),
        "within_promise_rate": _ratio(int(cases.get("within_promise", 0)), ended),
        "average_handling_days": handling.average_days(cases),
        "overdue_count": counts["overdue_case"],
        "ratings": rated,
        "satisfaction_rate": _ratio(counts["satisfied_rating"], rated + counts["upheld_complaint"]),
        "visits_per_case": round(int(cases.get("visits") or 0) / ended, 2) if ended else None,
    }
    return {"name": name, "indicators": indicators, "counts": counts}


def local_day(column: InstrumentedAttribute[Any], dialect: str) -> sa.ColumnElement[str]:
    """The Asia/Shanghai calendar day of a UTC instant column, as 'YYYY-MM-DD' text."""
    if dialect == "sqlite":
        return sa.func.date(column, "+8 hours")  # Shanghai keeps UTC+8 all year
    return sa.func.to_char(sa.func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")


def official_days(
    session: Session, start: _dt.datetime, end: _dt.datetime, official: str | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """Per official and Asia/Shanghai day: the occurrences of each official item, and the manual points
    (``manual_plus``, ``manual_minus``)."""
    dialect = session.get_bind().dialect.name
    result: dict[str, dict[str, dict[str, float]]] = {}

    def put(who: str | None, day: str, key: str, value: float) -> None:
        if value and who is not None:
            row = result.setdefault(who, {}).setdefault(day, {})
            row[key] = row.get(key, 0) + value

    day = local_day(TaskRecord.completed_at, dialect)
    on_time = sa.or_(TaskRecord.due_at.is_(None), TaskRecord.completed_at <= TaskRecord.due_at)
    tasks = sa.select(TaskRecord.completed_by, day, _count(on_time), _count(~on_time)).where(
        _in(TaskRecord.completed_at, start, end), TaskRecord.completed_by.is_not(None)
    )
    if official:
        tasks = tasks.where(TaskRecord.completed_by == official)
    for who, when, good, late in session.execute(tasks.group_by(TaskRecord.completed_by, day)):
        put(who, when, "completed_task", good)
        put(who, when, "late_task", late)
    day = local_day(Signal.raised_at, dialect)
    signals = sa.select(Signal.official, day, _count(Signal.color == "red"), _count(Signal.color == "yellow")).where(
        _in(Signal.raised_at, start, end), Signal.official.is_not(None)
    )
    if official:
        signals = signals.where(Signal.official == official)
    for who, when, red, yellow in session.execute(signals.group_by(Signal.official, day)):
        put(who, when, "official_red_signal", red)
        put(who, when, "official_yellow_signal", yellow)
    first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
    points = sa.select(ManualPoint.official, ManualPoint.day, ManualPoint.points).where(
        ManualPoint.day >= first, ManualPoint.day < last
    )
    if official:
        points = points.where(ManualPoint.official == official)
    for who, given, value in session.execute(points):
        put(who, given.isoformat(), "manual_plus" if value > 0 else "manual_minus", float(value))
    return result


def official_counts(
    session: Session, start: _dt.datetime, end: _dt.datetime, official: str | None = None
) -> dict[str, dict[str, Any]]:
    """Every official (or the one named) who completed a task, was named by a signal or given manual points in
    the month."""
    result: dict[str, dict[str, Any]] = {}
    for who, days in official_days(session, start, end, official).items():
        total: dict[str, float] = {}
        for row in days.values():
            for key, value in row.items():
                total[key] = total.get(key, 0) + value
        on_time, late = int(total.get("completed_task", 0)), int(total.get("late_task", 0))
        result[who] = {
            "id": who,
            "tasks_completed": on_time + late,
            "tasks_on_time": on_time,
            "on_time_rate": _ratio(on_time, on_time + late),
            "counts": {
                "completed_task": on_time,
                "late_task": late,
                "official_red_signal": int(total.get("official_red_signal", 0)),
                "official_yellow_signal": int(total.get("official_yellow_signal", 0)),
            },
            "manual": {
                "plus": round(total.get("manual_plus", 0.0), 4),
                "minus": round(total.get("manual_minus", 0.0), 4),
            },
        }
    return result
