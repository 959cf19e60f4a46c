"""Monthly performance evaluation (绩效测评, seed 002 Art. 16–20): compute, rank, archive, publish, report.

``evaluate(month)`` computes the month from the live tables (``indicators``) and scores it with the configured
standard (``scoring``); ``archive(month, actor)`` keeps a past month for good (``snapshots``). Supervisors and
administrators read evaluations (a supervisor of a district sees only the units they oversee; places are those
of the whole ranking); every reading and export is written to the report access log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..identity.access import acts_for_whole_city, units_seen
from ..identity.actors import Actor
from ..kernel.payloads import text_field
from ..models import Department, PerformanceSetting, ScoringStandard, User
from ..trail import chain as trail
from . import indicators, months, reports, scoring, snapshots
from .personal import PersonalScores

if TYPE_CHECKING:
    from ..deadlines import CalendarService
    from ..kernel import Clock, Database
    from ..kernel.paging import PageArg
    from ..supervision.report_access import ReportAccessLog

REPORT = "monthly_evaluation"


def _require_supervision(actor: Actor) -> None:
    if not (actor.is_admin or actor.is_supervisor):
        raise PermissionDenied("performance_not_allowed")


PUBLIC_READER = Actor(id="public", name="公众")


def _month_score(rows: list[dict[str, Any]], key: str, value: str, base: float) -> float:
    return next((row["score"] for row in rows if row[key] == value), base)


class PerformanceService:
    def __init__(self, db: Database, clock: Clock, report_access: ReportAccessLog, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.report_access = report_access
        self.calendars = calendars
        self.personal = PersonalScores(db, clock, self.settings)

    # --- the scoring standard ---------------------------------------------------------------------
    def settings(self) -> dict[str, float]:
        with self.db.reading() as session:
            return self._settings(session)

    @staticmethod
    def _settings(session: Session) -> dict[str, float]:
        values = scoring.defaults()
        values.update(
            {row.key: row.value for row in session.scalars(sa.select(PerformanceSetting)) if row.key in values}
        )
        return values

    @staticmethod
    def _version(session: Session) -> int:
        return int(session.scalar(sa.select(sa.func.max(ScoringStandard.version))) or 0)

    def standard_versions(self, actor: Actor) -> list[dict[str, Any]]:
        """Every version of the scoring standard, newest first (version 0: the defaults, never stored)."""
        _require_supervision(actor)
        with self.db.reading() as session:
            rows = session.scalars(sa.select(ScoringStandard).order_by(ScoringStandard.version.desc())).all()
            return [
                {
                    "version": row.version,
                    "settings": row.settings,
                    "reason": row.reason,
                    "created_by": row.created_by,
                    "created_at": row.created_at.isoformat(),
                }
                for row in rows
            ]

    def update_settings(self, changes: dict[str, Any], actor: Actor, reason: object = None) -> dict[str, float]:
        """A new version of the scoring standard (Art. 18): the whole standard is kept as a version and the change
        is written to the trail with the version, in one transaction; no version is ever edited."""
        _require_supervision(actor)
        why = text_field(reason, "reason", 500, required=False)
        with self.db.transaction() as session:
            if not acts_for_whole_city(session, actor):  # every unit is scored by the standard
                raise PermissionDenied("performance_settings_city_only")
            clean = scoring.validate(changes)
            now = self.clock.now()
            before = self._settings(session)
            changed = {key: value for key, value in clean.items() if before[key] != value}
            for key, value in changed.items():
                row = session.get(PerformanceSetting, key)
                if row is None:
                    session.add(PerformanceSetting(key=key, value=value, updated_by=actor.id, updated_at=now))
                else:
                    row.value, row.updated_by, row.updated_at = value, actor.id, now
            if changed:
                version = self._version(session) + 1
                session.add(
                    ScoringStandard(
                        version=version,
                        settings={**before, **changed},
                        reason=why,
                        created_by=actor.id,
                        created_at=now,
                    )
                )
                trail.append(
                    session,
                    [
                        trail.event(
                            "performance_settings_changed",
                            now,
                            actor=actor.id,
                            detail={
                                "version": version,
                                "reason": why,
                                "changes": {key: {"from": before[key], "to": value} for key, value in changed.items()},
                            },
                        )
                    ],
                    None,
                )
            return {**before, **changed}

    # --- computing --------------------------------------------------------------------------------
    def evaluate(self, month: str) -> dict[str, Any]:
        """The month computed from the live tables, ranked: every department and official (no access check)."""
        month = months.parse(month)
        start, end = months.bounds(month)
        if start > self.clock.now():
            raise InvalidInput("month_not_begun", field="month", month=month)
        now = self.clock.now()
        calendar = self.calendars.calendar()
        with self.db.reading() as session:
            settings = self._settings(session)
            version = self._version(session)
            departments = indicators.department_counts(
                session, calendar, start, end, now, settings["report_limit_hours"]
            )
            officials = indicators.official_counts(session, start, end)
            people = self._people(session, list(officials))
        for row in departments.values():
            row["score"], row["lines"] = scoring.score(row["counts"], settings, "department")
        for official_id, row in officials.items():
            name, department = people.get(official_id, (official_id, None))
            row.update(name=name, department=department)
            row["score"], row["lines"] = scoring.score(row["counts"], settings, "official", row.pop("manual"))
        return {
            "month": month,
            "computed_at": now.isoformat(),
            "complete": end <= now,
            "settings": settings,
            "standard_version": version,
            "departments": scoring.rank(list(departments.values()), "cases_ended"),
            "officials": scoring.rank(list(officials.values()), "tasks_completed"),
        }

    @staticmethod
    def _people(session: Session, ids: list[str]) -> dict[str, tuple[str, str | None]]:
        if not ids:
            return {}
        rows = session.execute(
            sa.select(User.id, User.name, Department.name)
            .outerjoin(Department, User.department_id == Department.id)
            .where(User.id.in_(ids))
        )
        return {user_id: (name, department) for user_id, name, department in rows}

    # --- archive ----------------------------------------------------------------------------------
    def archive(self, month: str, actor: Actor) -> dict[str, Any]:
        _require_supervision(actor)
        month = months.parse(month)
        if not months.is_over(month, self.clock.now()):
            raise InvalidInput("month_not_over", field="month", month=month)
        with self.db.reading() as session:
            if not acts_for_whole_city(session, actor):  # the archive holds every unit
                raise PermissionDenied("performance_archive_city_only")
        content = self.evaluate(month)
        with self.db.transaction() as session:
            snapshot = snapshots.store(session, month, content, actor.id, self.clock.now())
            return {
                "month": month,
                "digest": snapshot.digest,
                "prev_digest": snapshot.prev_digest,
                "archived_at": snapshot.created_at.isoformat(),
                "archived_by": actor.id,
            }

    def verify_snapshots(self) -> dict[str, Any]:
        with self.db.reading() as session:
            return snapshots.verify(session)

    def archived_months(self) -> list[str]:
        with self.db.reading() as session:
            return snapshots.months(session)

    # --- reading (logged) -------------------------------------------------------------------------
    def evaluation(self, month: str, actor: Actor, log: bool = True) -> dict[str, Any]:
        """The archived snapshot of the month if there is one, else the month computed now; scoped to the actor."""
        _require_supervision(actor)
        month = months.parse(month)
        with self.db.reading() as session:
            archived = snapshots.load(session, month)
        if archived:
            result = {
                **archived["content"],
                "archived": True,
                **{key: archived[key] for key in ("digest", "prev_digest", "archived_at", "archived_by")},
            }
        else:
            result = {**self.evaluate(month), "archived": False}
        if not actor.is_admin:
            result["departments"] = [d for d in result["departments"] if actor.oversees(d["name"])]
            result["officials"] = [o for o in result["officials"] if actor.oversees(o["department"])]
        if log:
            self.report_access.record(actor, REPORT, "read", scope=month)
        return result

    def period(self, period: object, actor: Actor) -> dict[str, Any]:
        """The quarter's (``YYYY-Qn``) or year's (``YYYY``) results (000 三(五) "季度和年度绩效考评情况", 004 五(四)
        "年度综合绩效评估"): each department's and official's average of the monthly scores of the months begun
        so far (a month without data counts the base score), ranked; the reading is logged."""
        _require_supervision(actor)
        label, all_months = months.period_months(period)
        begun = months.begun(all_months, self.clock.now())
        if not begun:
            raise InvalidInput("month_not_begun", field="period", month=all_months[0])
        monthly = [self.evaluation(month, actor, log=False) for month in begun]
        departments: dict[str, list[float]] = {}
        officials: dict[str, dict[str, Any]] = {}
        for evaluation in monthly:
            for row in evaluation["departments"]:
                departments.setdefault(row["name"], [])
            for row in evaluation["officials"]:
                officials.setdefault(row["id"], {"name": row["name"], "department": row["department"]})
        rows_d, rows_o = [], []
        for name, _ in departments.items():
            scores = [_month_score(e["departments"], "name", name, e["settings"]["base"]) for e in monthly]
            rows_d.append({"name": name, "score": round(sum(scores) / len(scores), 2), "months": scores})
        for official_id, who in officials.items():
            scores = [_month_score(e["officials"], "id", official_id, e["settings"]["base"]) for e in monthly]
            rows_o.append({"id": official_id, **who, "score": round(sum(scores) / len(scores), 2), "months": scores})
        self.report_access.record(actor, REPORT, "read", scope=label)
        return {
            "period": label,
            "months": begun,
            "complete": len(begun) == len(all_months) and months.is_over(all_months[-1], self.clock.now()),
            "departments": scoring.rank(rows_d),
            "officials": scoring.rank(rows_o),
        }

    # --- each official's own score ----------------------------------------------------------------
    def my_score(self, actor: Actor, month: object = None, official: str | None = None) -> dict[str, Any]:
        return self.personal.score(actor, month, official)

    def record_points(
        self, official: object, day: object, points: object, reason: object, actor: Actor
    ) -> dict[str, Any]:
        return self.personal.record_points(official, day, points, reason, actor)

    def scorable_officials(self, actor: Actor) -> list[dict[str, Any]]:
        """The officials ``actor`` may record manual daily points for: id, name, department."""
        return self.personal.scorable(actor)

    def export(self, month: str, kind: str, actor: Actor) -> tuple[str, bytes]:
        """The monthly report as ``pdf`` or ``xlsx``: file name and bytes; the export is logged."""
        if kind not in ("pdf", "xlsx"):
            raise InvalidInput("not_one_of", field="format", allowed=["pdf", "xlsx"])
        evaluation = self.evaluation(month, actor, log=False)
        content = reports.pdf(evaluation) if kind == "pdf" else reports.xlsx(evaluation)
        self.report_access.record(actor, REPORT, f"export_{kind}", scope=evaluation["month"])
        return f"performance-{evaluation['month']}.{kind}", content

    def access_log(self, actor: Actor, page: PageArg = 1, per_page: PageArg = None) -> dict[str, Any]:
        """One page of who read or exported the report, newest first."""
        _require_supervision(actor)
        with self.db.reading() as session:
            units = None if acts_for_whole_city(session, actor) else units_seen(actor)
        return self.report_access.page(REPORT, page, per_page, units=units)

    # --- public results (Art. 19) -----------------------------------------------------------------
    def public_results(self, month: str | None = None) -> dict[str, Any]:
        """Archived months only: each department's place, score and indicators; no officials, no personal data."""
        with self.db.reading() as session:
            archived = snapshots.months(session)
            if month is None and archived:
                month = archived[0]
            month = months.parse(month) if month else None
            snapshot = snapshots.load(session, month) if month else None
        if month and snapshot is None:
            raise NotFound("results_not_published", month=month)
        departments = (
            [
                {"rank": d["rank"], "name": d["name"], "score": d["score"], "indicators": d["indicators"]}
                for d in snapshot["content"]["departments"]
            ]
            if snapshot
            else []
        )
        if snapshot:  # a public reading is logged too, under the reader "public"
            self.report_access.record(PUBLIC_READER, REPORT, "read", scope=f"{month} public")
        return {
            "months": archived,
            "month": month,
            "departments": departments,
            "archived_at": snapshot["archived_at"] if snapshot else None,
        }
