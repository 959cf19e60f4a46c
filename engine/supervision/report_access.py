"""The log of who read or exported a supervision report, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..identity.actors import Actor
from ..kernel.paging import PageArg, page_of_query
from ..models import Department, ReportAccess, User

if TYPE_CHECKING:
    from ..kernel import Clock, Database

ACTIONS = ("read", "export_pdf", "export_xlsx")


class ReportAccessLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(self, actor: Actor, report: str, action: str = "read", scope: str | None = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown report action {action!r}")
        with self.db.transaction() as session:
            session.add(ReportAccess(report=report, scope=scope, action=action, actor=actor.id, at=self.clock.now()))

    def recent(self, limit: int = 200, report: str | None = None) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            return [_view(r) for r in session.scalars(self._query(report).limit(limit))]

    def page(
        self,
        report: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
        units: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """One page of the log, newest first; with ``units``, only the readings of people of those units."""
        query = self._query(report)
        if units is not None:
            people = (
                sa.select(User.id)
                .join(Department, User.department_id == Department.id)
                .where(Department.name.in_(units))
            )
            query = query.where(ReportAccess.actor.in_(people))
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=_view, scalars=True)

    @staticmethod
    def _query(report: str | None) -> sa.Select:
        query = sa.select(ReportAccess).order_by(ReportAccess.id.desc())
        return query.where(ReportAccess.report == report) if report else query


def _view(entry: ReportAccess) -> dict[str, Any]:
    return {
        "report": entry.report,
        "scope": entry.scope,
        "action": entry.action,
        "actor": entry.actor,
        "at": entry.at.isoformat(),
    }
