"""跑动次数: the window records each visit an applicant makes to the hall for a case; the indicator is computed
from these records (a case with none, such as one handled wholly online, counts 0).

003 附件 网上办事深度: "无需到现场或者只需到现场一次就可完成服务事项的全过程办理" — the visits are what the depth
levels promise to keep down, so they are counted, not assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import PermissionDenied
from ..identity.access import require_case_view, sees_case_inside
from ..identity.actors import OFFICIAL, Actor
from ..kernel.payloads import text_field
from ..models import Case, CaseVisit
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..kernel import Clock, Database

EVENT = "onsite_visit_recorded"


def _view(visit: CaseVisit) -> dict[str, Any]:
    return {
        "id": visit.id,
        "case_id": visit.case_id,
        "purpose": visit.purpose,
        "recorded_by": visit.recorded_by,
        "visited_at": visit.visited_at.isoformat(),
    }


class VisitService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(self, case_id: int, actor: Actor, purpose: object) -> dict[str, Any]:
        """One on-site visit of the case's applicant, met by ``actor`` (an official of a unit handling the case);
        the case's visit count, the visit row and its trail row commit together."""
        text = text_field(purpose, "purpose", 200, required=True)
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            if not (actor.is_admin or (OFFICIAL in actor.roles and sees_case_inside(session, actor, case))):
                raise PermissionDenied("visit_not_allowed")
            visit = CaseVisit(
                case_id=case.id, department=case.department, purpose=text, recorded_by=actor.id, visited_at=now
            )
            session.add(visit)
            session.execute(sa.update(Case).where(Case.id == case.id).values(onsite_visits=Case.onsite_visits + 1))
            session.flush()
            trail.append_outside_step(
                session, [trail.event(EVENT, now, case_id=case.id, actor=actor.id, detail={"purpose": text})]
            )
            return {**_view(visit), "visits": self._count(session, case.id)}

    @staticmethod
    def _count(session: Any, case_id: int) -> int:
        return int(session.scalar(sa.select(sa.func.count()).where(CaseVisit.case_id == case_id)) or 0)

    def of_case(self, case_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            if not sees_case_inside(session, actor, require_case_view(session, actor, case_id)):
                raise PermissionDenied("case_of_another_unit")
            rows = session.scalars(
                sa.select(CaseVisit).where(CaseVisit.case_id == case_id).order_by(CaseVisit.visited_at, CaseVisit.id)
            ).all()
            return {"case_id": case_id, "visits": len(rows), "items": [_view(row) for row in rows]}
