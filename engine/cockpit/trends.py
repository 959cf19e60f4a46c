"""The cockpit's trends (per Asia/Shanghai day over the last 30 days) and rankings (this month), counted in SQL."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from ..deadlines import handling
from ..deadlines.lights import RED, YELLOW
from ..errors import InvalidInput
from ..identity.actors import Actor
from ..kernel.clock import SHANGHAI
from ..models import Case, Signal
from .scope import REPORT, in_scope, scope_label, scope_units

if TYPE_CHECKING:
    from ..deadlines import CalendarService
    from ..kernel import Clock, Database
    from ..supervision.report_access import ReportAccessLog

TREND_DAYS = 30
MAX_DAYS = 366


def local_day(column: InstrumentedAttribute[Any], dialect: str) -> sa.ColumnElement[str]:
    """The Asia/Shanghai calendar day of a UTC instant column, as 'YYYY-MM-DD' text."""
    if dialect == "sqlite":
        return sa.func.date(column, "+8 hours")  # Shanghai keeps UTC+8 all year
    return sa.func.to_char(sa.func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")


def _local_midnight(day: _dt.date) -> _dt.datetime:
    return _dt.datetime.combine(day, _dt.time(0), SHANGHAI)


class CockpitTrends:
    def __init__(self, db: Database, clock: Clock, report_access: ReportAccessLog, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.report_access = report_access
        self.calendars = calendars

    def trends(
        self, actor: Actor, days: int = TREND_DAYS, department: str | None = None, record: bool = True
    ) -> dict[str, Any]:
        """Per day: cases started, ended, ended after their statutory limit (late, the one definition of
        deadlines/handling.py) and after their promised one, signals raised (yellow, red)."""
        units = scope_units(actor)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
            raise InvalidInput("whole_number_range", field="days", low=1, high=MAX_DAYS)
        today = self.clock.now().astimezone(SHANGHAI).date()
        first = today - _dt.timedelta(days=days - 1)
        start, end = _local_midnight(first), _local_midnight(today + _dt.timedelta(days=1))
        dates = [(first + _dt.timedelta(days=n)).isoformat() for n in range(days)]
        with self.db.reading() as session:
            dialect = session.get_bind().dialect.name

            def per_day(
                column: InstrumentedAttribute[Any],
                unit_column: InstrumentedAttribute[str],
                *where: sa.ColumnElement[bool],
            ) -> list[int]:
                day = local_day(column, dialect)
                query = sa.select(day, sa.func.count()).where(column >= start, column < end, *where)
                query = in_scope(query, unit_column, units, department)
                counts = dict(session.execute(query.group_by(day)).all())
                return [int(counts.get(d, 0)) for d in dates]

            series = {
                "started": per_day(Case.created_at, Case.department),
                "ended": per_day(Case.ended_at, Case.department, Case.status == "ended"),
                "ended_overdue": per_day(Case.ended_at, Case.department, Case.status == "ended", ~handling.on_time()),
                "ended_past_promise": per_day(
                    Case.ended_at, Case.department, Case.status == "ended", ~handling.within_promise()
                ),
                "signals_yellow": per_day(Signal.raised_at, Signal.department, Signal.color == YELLOW),
                "signals_red": per_day(Signal.raised_at, Signal.department, Signal.color == RED),
            }
        if record:
            self.report_access.record(actor, REPORT, "read", scope=f"trends {department or ''}".strip()[:100])
        return {
            "as_of": self.clock.now().isoformat(),
            "scope": scope_label(actor, units),
            "days": dates,
            "series": series,
        }

    def rankings(self, actor: Actor, record: bool = True, month: str | None = None) -> dict[str, Any]:
        """A month's departments (this month unless named) by on-time rate — by the statutory limit, the rate within
        the promised limit and the average handling time in working days beside it (deadlines/handling.py, the
        definitions of the monthly report) — and by red signals."""
        units = scope_units(actor)
        local = self.clock.now().astimezone(SHANGHAI)
        month = month or f"{local:%Y-%m}"
        year, number = (int(part) for part in month.split("-")) if _is_month(month) else (0, 0)
        if not 1 <= number <= 12 or not 2000 <= year <= 2100:
            raise InvalidInput("month_format", field="month")
        month_start = _local_midnight(_dt.date(year, number, 1))
        month_end = _local_midnight(_dt.date(year + number // 12, number % 12 + 1, 1))
        reds = in_scope(
            sa.select(Signal.department, sa.func.count()).where(
                Signal.color == RED, Signal.raised_at >= month_start, Signal.raised_at < month_end
            ),
            Signal.department,
            units,
        ).group_by(Signal.department)
        with self.db.reading() as session:
            figures = handling.ended_figures(session, self.calendars.calendar(), month_start, month_end, units)
            red_rows = session.execute(reds).all()
        if record:
            self.report_access.record(actor, REPORT, "read", scope=f"rankings {month}")
        rates: list[dict[str, Any]] = [
            {
                "department": name,
                "ended": row["ended"],
                "on_time": row["on_time"],
                "rate": round(100.0 * row["on_time"] / row["ended"], 1),
                "on_time_rate": handling.rate(row["on_time"], row["ended"]),
                "within_promise": row["within_promise"],
                "within_promise_rate": handling.rate(row["within_promise"], row["ended"]),
                "average_handling_days": handling.average_days(row),
            }
            for name, row in figures.items()
            if row["ended"]
        ]
        rates.sort(key=lambda r: (-r["rate"], -r["ended"], r["department"]))
        red_signals: list[dict[str, Any]] = [{"department": name, "count": count} for name, count in red_rows]
        red_signals.sort(key=lambda r: (-r["count"], r["department"]))
        return {
            "month": month,
            "scope": scope_label(actor, units),
            "on_time": rates,
            "red_signals": red_signals,
        }


def _is_month(text: str) -> bool:
    return isinstance(text, str) and len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()
