"""Post-approval inspections (批后监督检查, Art. 17(4) "对审批事项履行监督检查职责的情况"): the department records
each inspection of an approval's holder; a matter whose catalogue entry sets ``inspection_days`` owes one within
that many calendar days of each approval, and an approval whose inspection falls due without one is deducted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, InvalidState, PermissionDenied
from ..identity.access import require_case_view, sees_case_inside
from ..identity.actors import OFFICIAL, Actor
from ..kernel.payloads import text_field
from ..models import Inspection
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..kernel import Clock, Database

EVENT = "inspection_recorded"


def _view(row: Inspection) -> dict[str, Any]:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "department": row.department,
        "inspected_at": row.inspected_at.isoformat(),
        "inspector": row.inspector,
        "compliant": row.compliant,
        "finding": row.finding,
    }


class InspectionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(self, case_id: int, actor: Actor, compliant: object, finding: object) -> dict[str, Any]:
        """An inspection of the holder of the case's approval, by an official of the case's department, now."""
        text = text_field(finding, "finding", 2000, required=True)
        if not isinstance(compliant, bool):
            raise InvalidInput("not_boolean", field="compliant")
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            if not (actor.is_admin or (OFFICIAL in actor.roles and sees_case_inside(session, actor, case))):
                raise PermissionDenied("inspection_not_allowed")
            if case.outcome != "approved":
                raise InvalidState("inspection_not_approved", number=case.number)
            row = Inspection(
                case_id=case.id,
                department=case.department,
                inspected_at=now,
                inspector=actor.id,
                compliant=compliant,
                finding=text,
            )
            session.add(row)
            session.flush()
            trail.append_outside_step(
                session,
                [trail.event(EVENT, now, case_id=case.id, actor=actor.id, detail={"compliant": compliant})],
            )
            return _view(row)

    def of_case(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            if not sees_case_inside(session, actor, require_case_view(session, actor, case_id)):
                raise PermissionDenied("case_of_another_unit")
            rows = session.scalars(
                sa.select(Inspection).where(Inspection.case_id == case_id).order_by(Inspection.inspected_at)
            ).all()
            return [_view(row) for row in rows]
