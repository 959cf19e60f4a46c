"""The service hall's display screens: recent cases and today's counts, with nothing that is not public.

Applicants' names are masked; no lights, officials or internal steps are shown.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..casefiles.masking import mask_name
from ..kernel.clock import SHANGHAI
from ..models import Case, Matter
from .public_status import public_status

if TYPE_CHECKING:
    from ..kernel import Clock, Database


class HallBoard:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def board(self, limit: int = 20, department: str | None = None) -> dict[str, Any]:
        now = self.clock.now()
        local = now.astimezone(SHANGHAI)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day_end = day_start + _dt.timedelta(days=1)
        limit = min(max(int(limit), 1), 100)
        with self.db.reading() as session:
            recent = sa.select(Case, Matter.name).join(Matter, Case.matter_code == Matter.code)
            received = (
                sa.select(sa.func.count())
                .select_from(Case)
                .where(Case.created_at >= day_start, Case.created_at < day_end)
            )
            completed = (
                sa.select(sa.func.count())
                .select_from(Case)
                .where(Case.status == "ended", Case.ended_at >= day_start, Case.ended_at < day_end)
            )
            if department:
                recent = recent.where(Case.department == department)
                received = received.where(Case.department == department)
                completed = completed.where(Case.department == department)
            rows = session.execute(recent.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)).all()
            return {
                "as_of": now.isoformat(),
                "today": {"received": session.scalar(received), "completed": session.scalar(completed)},
                "cases": [
                    {
                        "number": case.number,
                        "matter_name": name,
                        "department": case.department,
                        "applicant": mask_name(case.applicant.get("name")),
                        "received_at": case.created_at.isoformat(),
                        "status": public_status(case.status, case.outcome, case.accepted_at, case.pause_kind),
                    }
                    for case, name in rows
                ],
            }
