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
from ..models import Department, PerformanceSetting, User
from ..trail import chain as trail
from . import indicators, months, reports, scoring, snapshots

if TYPE_CHECKING:
    from ..kernel import Clock, Database
    from ..kernel.paging import PageArg
    from ..supervision.report_access import ReportAccessLog

REPORT = "monthly_evaluation"


def _require_supervision(actor: Actor) -> None:
    if not (actor.is_admin or actor.is_supervisor):
        raise PermissionDenied("performance_not_allowed")


PUBLIC_READER = Actor(id="public", name="公众")


class PerformanceService:
    def __init__(self, db: Database, clock: Clock, report_access: ReportAccessLog) -> None:
        self.db = db
        self.clock = clock
        self.report_access = report_access

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

    def update_settings(self, changes: dict[str, Any], actor: Actor) -> dict[str, float]:
        _require_supervision(actor)
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
                trail.append(
                    session,
                    [
                        trail.event(
                            "performance_settings_changed",
                            now,
                            actor=actor.id,
                            detail={key: {"from": before[key], "to": value} for key, value in changed.items()},
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
        with self.db.reading() as session:
            settings = self._settings(session)
            departments = indicators.department_counts(session, start, end)
            officials = indicators.official_counts(session, start, end)
            people = self._people(session, list(officials))
        for row in departments.values():
            row["score"], row["lines"] = scoring.score(row["counts"], settings, "department")
        for official_id, row in officials.items():
            name, department = people.get(official_id, (official_id, None))
            row.update(name=name, department=department)
            row["score"], row["lines"] = scoring.score(row["counts"], settings, "official")
        return {
            "month": month,
            "computed_at": self.clock.now().isoformat(),
            "complete": end <= self.clock.now(),
            "settings": settings,
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
