"""The log of who read or exported a supervision report, and when."""
from __future__ import annotations

import sqlalchemy as sa

from .identity import Actor
from .models import ReportAccess

ACTIONS = ("read", "export_pdf", "export_xlsx")


class ReportAccessLog:
    def __init__(self, db, clock):
        self.db = db
        self.clock = clock

    def record(self, actor: Actor, report: str, action: str = "read", scope: str | None = None) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown report action {action!r}")
        with self.db.transaction() as session:
            session.add(ReportAccess(report=report, scope=scope, action=action, actor=actor.id, at=self.clock.now()))

    def recent(self, limit: int = 200, report: str | None = None) -> list[dict]:
        with self.db.reading() as session:
            query = sa.select(ReportAccess).order_by(ReportAccess.id.desc()).limit(limit)
            if report:
                query = query.where(ReportAccess.report == report)
            return [{"report": r.report, "scope": r.scope, "action": r.action, "actor": r.actor,
                     "at": r.at.isoformat()} for r in session.scalars(query)]
