"""Each official's own score, day by day (seed 002 §1 三是: "每日的考核成绩由纪检监察人员录入，月底系统自动生成考核成绩
并自动发布在审批网络中，政务中心内所有工作人员均可以看到每日、每月加、减分情况"): the automatic items of each day,
the manual points supervisors record with a reason, the month's result, and the quarter's and the year's (000 三(五),
004 五(四)) as the average of their months so far.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..identity.access import is_staff
from ..identity.actors import OFFICIAL, Actor
from ..kernel.clock import SHANGHAI
from ..kernel.payloads import text_field
from ..models import Department, ManualPoint, User
from ..trail import chain as trail
from . import indicators, months, scoring

if TYPE_CHECKING:
    from ..kernel import Clock, Database

MANUAL_MAX = 10.0
EVENT = "manual_points_recorded"


def _official(session: Session, official: str) -> tuple[str, str | None]:
    row = session.execute(
        sa.select(User.name, Department.name)
        .outerjoin(Department, User.department_id == Department.id)
        .where(User.id == official)
    ).first()
    if row is None:
        raise NotFound("official_not_found", official=official)
    return row[0], row[1]


def _day_lines(counts: dict[str, float], settings: dict[str, float]) -> list[dict[str, Any]]:
    lines = []
    for item in scoring.ITEMS:
        count = int(counts.get(item.key, 0))
        points = settings[item.key] * count
        if item.scope == "official" and count and points:
            lines.append({"item": item.key, "count": count, "points": round(points, 4)})
    return lines


class PersonalScores:
    def __init__(self, db: Database, clock: Clock, settings: Any) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings  # () -> the scoring standard in force

    # --- manual daily points --------------------------------------------------------------------
    def record_points(
        self, official: object, day: object, points: object, reason: object, actor: Actor
    ) -> dict[str, Any]:
        """A supervisor over the official's unit adds (positive) or deducts (negative) points on a day, with the
        reason; the row and its trail row commit together."""
        if not isinstance(official, str) or not official:
            raise InvalidInput("required", field="official")
        text = text_field(reason, "reason", 500, required=True)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 < abs(points) <= MANUAL_MAX:
            raise InvalidInput("manual_points_range", field="points", max=f"{MANUAL_MAX:g}")
        now = self.clock.now()
        try:
            when = _dt.date.fromisoformat(day) if isinstance(day, str) else None
        except ValueError:
            when = None
        if when is None or when > now.astimezone(SHANGHAI).date():
            raise InvalidInput("manual_points_day", field="day")
        with self.db.transaction() as session:
            name, department = _official(session, official)
            if not (actor.is_admin or (actor.is_supervisor and actor.oversees(department))):
                raise PermissionDenied("manual_points_not_allowed")
            row = ManualPoint(
                official=official,
                department=department,
                day=when,
                points=round(float(points), 2),
                reason=text,
                recorded_by=actor.id,
                recorded_at=now,
            )
            session.add(row)
            session.flush()
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        EVENT,
                        now,
                        actor=actor.id,
                        detail={"official": official, "day": when.isoformat(), "points": row.points, "reason": text},
                    )
                ],
            )
            return {
                "id": row.id,
                "official": official,
                "name": name,
                "day": when.isoformat(),
                "points": row.points,
                "reason": text,
                "recorded_by": actor.id,
                "recorded_at": now.isoformat(),
            }

    def scorable(self, actor: Actor) -> list[dict[str, Any]]:
        """The officials whose daily points ``actor`` may record (``record_points`` checks it again): the active
        officials of the units a supervisor oversees, of every unit for an administrator; by department, then name."""
        if not (actor.is_admin or actor.is_supervisor):
            raise PermissionDenied("manual_points_not_allowed")
        query = (
            sa.select(User.id, User.name, Department.name, User.roles)
            .join(Department, User.department_id == Department.id)
            .where(User.active.is_(True))
        )
        if not actor.is_admin:
            query = query.where(Department.name.in_(actor.supervised))
        with self.db.reading() as session:
            rows = session.execute(query).all()
        found = [
            {"id": user_id, "name": name, "department": department}
            for user_id, name, department, roles in rows
            if OFFICIAL in (roles or ())
        ]
        # sorted here, not by the database's collation: the same order on every database
        return sorted(found, key=lambda o: (o["department"], o["name"], o["id"]))

    # --- an official's own score ------------------------------------------------------------------
    def score(self, actor: Actor, month: object = None, official: str | None = None) -> dict[str, Any]:
        """The official's days, month, quarter and year: their own (every official), or one whose unit the actor
        oversees (supervisors, administrators)."""
        if not is_staff(actor):
            raise PermissionDenied("score_staff_only")
        now = self.clock.now()
        month = months.parse(month) if month not in (None, "") else months.of(now)
        if months.bounds(month)[0] > now:
            raise InvalidInput("month_not_begun", field="month", month=month)
        official = official or actor.id
        settings = self.settings()
        with self.db.reading() as session:
            name, department = _official(session, official)
            if official != actor.id and not (actor.is_admin or (actor.is_supervisor and actor.oversees(department))):
                raise PermissionDenied("manual_points_not_allowed")
            start, end = months.bounds(month)
            days = indicators.official_days(session, start, end, official).get(official, {})
            manual = self._manual(session, official, start, end)
            result = self._month(session, official, month, settings)
            quarter = self._period(session, official, months.quarter_of(month), settings, now)
            year = self._period(session, official, month[:4], settings, now)
        rows = []
        for day in sorted(set(days) | set(manual)):
            lines = _day_lines(days.get(day, {}), settings)
            given = manual.get(day, [])
            points = [line["points"] for line in lines] + [entry["points"] for entry in given]
            rows.append(
                {
                    "day": day,
                    "plus": round(sum(p for p in points if p > 0), 2),
                    "minus": round(sum(p for p in points if p < 0), 2),
                    "lines": lines,
                    "manual": given,
                }
            )
        return {
            "official": official,
            "name": name,
            "department": department,
            "month": month,
            "days": rows,
            "result": result,
            "quarter": quarter,
            "year": year,
        }

    @staticmethod
    def _manual(
        session: Session, official: str, start: _dt.datetime, end: _dt.datetime
    ) -> dict[str, list[dict[str, Any]]]:
        first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
        given: dict[str, list[dict[str, Any]]] = {}
        for row in session.scalars(
            sa.select(ManualPoint)
            .where(ManualPoint.official == official, ManualPoint.day >= first, ManualPoint.day < last)
            .order_by(ManualPoint.day, ManualPoint.id)
        ):
            given.setdefault(row.day.isoformat(), []).append(
                {"points": row.points, "reason": row.reason, "recorded_by": row.recorded_by}
            )
        return given

    @staticmethod
    def _month(session: Session, official: str, month: str, settings: dict[str, float]) -> dict[str, Any]:
        start, end = months.bounds(month)
        row = indicators.official_counts(session, start, end, official).get(official)
        counts, manual = (row["counts"], row["manual"]) if row else ({}, {})
        total, lines = scoring.score(counts, settings, "official", manual)
        return {
            "month": month,
            "score": total,
            "plus": round(sum(line["points"] for line in lines if line["points"] > 0), 2),
            "minus": round(sum(line["points"] for line in lines if line["points"] < 0), 2),
            "lines": lines,
        }

    def _period(
        self, session: Session, official: str, period: str, settings: dict[str, float], now: _dt.datetime
    ) -> dict[str, Any]:
        label, all_months = months.period_months(period)
        scored = [self._month(session, official, month, settings) for month in months.begun(all_months, now)]
        return {
            "period": label,
            "months": [{"month": m["month"], "score": m["score"]} for m in scored],
            "score": round(sum(m["score"] for m in scored) / len(scored), 2) if scored else None,
        }
