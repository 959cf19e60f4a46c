"""Signals a supervisor raises by hand (issue 16 §3; seed 002 §1 二是 "预警纠错、督察督办").

The rules find what the recorded data shows; a supervisor who finds more raises a correction signal on any case of
the units they oversee, naming the article (Art. 11: yellow, to be corrected within 1 working day or it turns red;
Art. 12: red at once) and the reason. The signal, its 督办 item and its ``signal_raised`` trail row (with the
supervisor as actor) commit together; it then follows the same procedure as a rule's signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, NotFound, PermissionDenied
from ..identity.access import may_view_case
from ..identity.actors import Actor
from ..models import Case, Signal
from ..supervision.views import may_supervise
from ..trail import chain as trail
from .rules import RED, YELLOW
from .signals import open_signal, view

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

MANUAL = "manual"  # the rule name of a signal raised by hand (not a configurable rule)
MANUAL_LABEL = "监察人员发出"
ARTICLES = {"11": YELLOW, "12": RED}
MAX_REASON = 4000
_signals = Signal.__table__


class ManualSignals:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    def raise_signal(self, actor: Actor, case_id: object, article: object, reason: object) -> dict[str, Any]:
        """A supervisor of the case's department raises a signal of ``article`` ("11" or "12") on it: the case must
        be one they see (404 otherwise) and oversee (403 otherwise)."""
        if not isinstance(case_id, int) or isinstance(case_id, bool):
            raise InvalidInput("required", field="case")
        now = self.clock.now()
        calendar = self.calendars.calendar()
        with self.db.transaction() as session:
            case = session.scalar(sa.select(Case).where(Case.id == case_id).with_for_update())
            if case is None or not may_view_case(session, actor, case):
                raise NotFound("case_not_found", case=case_id)
            if not may_supervise(actor, case.department):
                raise PermissionDenied("supervisor_only")
            if article not in ARTICLES:
                raise InvalidInput("not_one_of", field="article", allowed=list(ARTICLES))
            reason = reason.strip() if isinstance(reason, str) else ""
            if not reason:
                raise InvalidInput("required", field="reason")
            if len(reason) > MAX_REASON:
                raise InvalidInput("too_long", field="reason", max=MAX_REASON)
            color = ARTICLES[str(article)]
            earlier = session.scalar(
                sa.select(sa.func.count()).where(_signals.c.rule == MANUAL, _signals.c.case_id == case.id)
            )
            summary = f"办件 {case.number}：{reason}"
            signal_id, correct_by = open_signal(
                session,
                calendar,
                now,
                rule=MANUAL,
                label=f"{MANUAL_LABEL}·第{article}条",
                level="bureau",
                article=str(article),
                color=color,
                subject=f"case:{case.id}:{(earlier or 0) + 1}",
                department=case.department,
                summary=summary,
                case_id=case.id,
                detail={"raised_by": actor.id, "reason": reason},
            )
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "signal_raised",
                        now,
                        case_id=case.id,
                        actor=actor.id,
                        element_id=MANUAL,
                        to_state=color,
                        detail={
                            "signal": signal_id,
                            "rule": MANUAL,
                            "level": "bureau",
                            "article": str(article),
                            "summary": summary,
                            "correct_by": correct_by.isoformat() if correct_by else None,
                        },
                        data_digest=trail.digest({"reason": reason}),
                    )
                ],
            )
            return view(session.execute(sa.select(_signals).where(_signals.c.id == signal_id)).one())
