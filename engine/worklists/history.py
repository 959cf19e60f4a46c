"""History service: the supervision trail of a case and of the whole system."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..identity.access import public_trail, require_case_view, sees_case_inside
from ..identity.actors import Actor
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..kernel import Database
    from ..trail.checkpoints import TrailCheckpoints
    from ..trail.verification import Verification


class HistoryService:
    def __init__(self, db: Database, checkpoints: TrailCheckpoints) -> None:
        self.db = db
        self.checkpoints = checkpoints

    def case_trail(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            case = require_case_view(session, actor, case_id)
            entries = trail.for_case(session, case_id)
            return entries if sees_case_inside(session, actor, case) else public_trail(entries, actor.id)

    def verify(self) -> Verification:
        """Every chain recomputed and, when checkpoints are on, checked against them."""
        return self.checkpoints.verify()
