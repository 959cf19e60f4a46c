"""Fees charged on a case (收费) and the publication of a case's result (结果公开): each is recorded with its
trail row, and the violation rules judge it in the same transaction (fee_mismatch is an Art. 12 red signal)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, InvalidState, PermissionDenied
from ..identity.access import require_case_view
from ..identity.actors import Actor
from ..models import Case, CaseFee, Matter
from ..trail import chain as trail
from .rules import fee_problem
from .signals import evaluate

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

_fees = CaseFee.__table__


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput("amount_not_a_number", field="amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput("amount_not_a_number", field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e10") or amount != round(amount, 2):
        raise InvalidInput("amount_invalid", field="amount")
    return amount


def may_keep_fees(actor: Actor, department: str) -> bool:
    """Whether the actor records fees on and publishes the results of the department's cases."""
    return actor.is_admin or (actor.department is not None and actor.department == department)


def _own_department(actor: Actor, case: Case, what: str) -> None:
    if not may_keep_fees(actor, case.department):
        raise PermissionDenied("responsible_department_only", action=what)


class FeeService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    def record(self, case_id: int, item: object, amount: object, actor: Actor) -> dict[str, Any]:
        """Record a fee charged on the case; a fee the catalogue does not allow raises a red signal."""
        if not isinstance(item, str) or not item.strip() or len(item.strip()) > 200:
            raise InvalidInput("fee_item_invalid", field="item")
        item, amount = item.strip(), _amount(amount)
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            _own_department(actor, case, "record fees on this case")
            entry = session.scalar(sa.select(Matter.entry).where(Matter.code == case.matter_code)) or {}
            fee_id = session.execute(
                _fees.insert()
                .values(case_id=case_id, item=item, amount=amount, recorded_by=actor.id, recorded_at=now)
                .returning(_fees.c.id)
            ).scalar_one()
            rows = [
                trail.event(
                    "fee_recorded",
                    now,
                    case_id=case_id,
                    actor=actor.id,
                    element_id=item,
                    detail={"fee": fee_id, "item": item, "amount": str(amount)},
                )
            ]
            problem = fee_problem(entry, item, float(amount))
            signal = evaluate(
                session,
                self.calendars.calendar(),
                now,
                "fee_mismatch",
                case.department,
                lambda _params: (
                    (f"办件 {case.number}：{problem}", {"fee": fee_id, "item": item, "amount": str(amount)})
                    if problem
                    else None
                ),
                subject=f"fee:{fee_id}",
                case_id=case_id,
                official=actor.id,
            )
            trail.append_case_events(session, case_id, rows + ([signal] if signal else []))
        return {
            "id": fee_id,
            "case": case_id,
            "item": item,
            "amount": str(amount),
            "recorded_by": actor.id,
            "recorded_at": now.isoformat(),
            "problem": problem,
        }

    def for_case(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            require_case_view(session, actor, case_id)
            return [
                {
                    "id": f.id,
                    "item": f.item,
                    "amount": str(f.amount),
                    "recorded_by": f.recorded_by,
                    "recorded_at": f.recorded_at.isoformat(),
                }
                for f in session.scalars(sa.select(CaseFee).where(CaseFee.case_id == case_id).order_by(CaseFee.id))
            ]

    def overview(self, case_id: int, actor: Actor) -> dict[str, Any]:
        """What the case page shows: the matter's catalogue fee items (or that it is free), the fees recorded on
        the case, and when its result was published."""
        with self.db.reading() as session:
            case = require_case_view(session, actor, case_id)
            entry = session.scalar(sa.select(Matter.entry).where(Matter.code == case.matter_code)) or {}
            fees = session.scalars(sa.select(CaseFee).where(CaseFee.case_id == case_id).order_by(CaseFee.id)).all()
            return {
                "free": bool(entry.get("free")),
                "catalogue": [
                    {"item": f.get("item"), "standard": f.get("standard"), "basis": f.get("basis")}
                    for f in entry.get("fees") or []
                    if f.get("item")
                ],
                "fees": [
                    {
                        "id": f.id,
                        "item": f.item,
                        "amount": str(f.amount),
                        "recorded_by": f.recorded_by,
                        "recorded_at": f.recorded_at.isoformat(),
                    }
                    for f in fees
                ],
                "result_published_at": case.result_published_at.isoformat() if case.result_published_at else None,
            }

    def publish_result(self, case_id: int, actor: Actor) -> dict[str, Any]:
        """Publish an ended case's result (结果公开); once."""
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            _own_department(actor, case, "publish this case's result")
            if case.status != "ended":
                raise InvalidState("result_case_not_ended", field="status")
            if case.result_published_at is not None:
                raise InvalidState("result_already_published", field="result_published_at")
            session.execute(Case.__table__.update().where(Case.id == case_id).values(result_published_at=now))
            calendar = self.calendars.calendar()

            ended_at = case.ended_at
            assert ended_at is not None  # an ended case

            # published, but after the rule's limit (the sweep may not have run since)
            def late(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
                if now <= calendar.add_working_days(ended_at, int(params.get("days", 1))):
                    return None
                return (
                    f"办件 {case.number} 办结后超过 {params.get('days', 1)} 个工作日才公开办理结果",
                    {"ended_at": ended_at.isoformat()},
                )

            signal = evaluate(
                session,
                calendar,
                now,
                "result_not_published",
                case.department,
                late,
                subject=f"case:{case_id}",
                case_id=case_id,
                official=actor.id,
            )
            trail.append_case_events(
                session,
                case_id,
                [trail.event("result_published", now, case_id=case_id, actor=actor.id, to_state=case.outcome)]
                + ([signal] if signal else []),
            )
        return {"case": case_id, "result_published_at": now.isoformat(), "outcome": case.outcome}
