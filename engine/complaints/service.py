"""The complaint procedure (投诉处理): first feedback, acceptance, forwarding to a department, its result, closure.

Filing is FeedbackService.complain (engine/public/feedback.py); the limits, light, scope and views are in
engine/complaints/rules.py. Every state change commits together with its trail row; a real-name complainant
receives a ``complaint_result`` notice with the decision and, at closure, the department's result.
"""

from __future__ import annotations

import builtins
import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import units_seen
from ..identity.actors import HEAD_POST, Actor, department_heads
from ..kernel.paging import PageArg, page_of_query
from ..kernel.payloads import text_field
from ..models import Case, Complaint, Department, User
from ..notices.messages import notify
from ..supervision.items import open_item
from ..supervision.watch import close_with_complaint
from ..trail import chain as trail
from . import rules
from . import sweep as complaint_sweep
from .rules import ACCEPTED, ANSWERED, CLOSED, FORWARDED, REJECTED, SUBMITTED

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..deadlines.working_time import WorkingCalendar
    from ..kernel import Clock, Database
    from ..trail.chain import TrailRow

# A step of the procedure on the locked complaint: checks, changes it, and returns its trail event and detail
_Change = Callable[[Session, Complaint, _dt.datetime], "tuple[str, dict[str, Any]]"]
MAX_TEXT = 4000
MAX_RESULT_DAYS = 60


class ComplaintService:
    def __init__(
        self, db: Database, clock: Clock, calendars: CalendarService, result_days: int = rules.RESULT_DAYS
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.result_days = result_days

    # --- reading ----------------------------------------------------------------------------------
    def list(
        self,
        actor: Actor,
        status: str | None = None,
        department: str | None = None,
        light: str | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Complaints the actor handles: supervisors those of their units (and those naming no department),
        a department head those forwarded to their department."""
        query = self._query(actor, status, department, light).limit(limit)
        with self.db.reading() as session:
            return [self._row_view(actor, row) for row in session.execute(query).all()]

    def page(
        self,
        actor: Actor,
        status: str | None = None,
        department: str | None = None,
        light: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """One page of the complaints the actor handles, red first, then the newest."""
        query = self._query(actor, status, department, light)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=lambda row: self._row_view(actor, row))

    def departments_concerned(self, actor: Actor) -> builtins.list[str]:
        """The departments among the complaints the actor handles, for the list's filter."""
        query = self._query(actor, None, None, None).with_only_columns(self._concerned()).distinct().order_by(None)
        with self.db.reading() as session:
            return sorted(name for name in session.scalars(query) if name)

    @staticmethod
    def _concerned() -> sa.ColumnElement[str | None]:
        return sa.func.coalesce(Complaint.forwarded_to, Complaint.department)

    @staticmethod
    def _row_view(actor: Actor, row: sa.Row) -> dict[str, Any]:
        complaint, number = row
        return rules.staff_view(complaint, number, identify=rules.may_supervise(actor, complaint))

    def _query(self, actor: Actor, status: str | None, department: str | None, light: str | None) -> sa.Select:
        query = sa.select(Complaint, Case.number).outerjoin(Case, Complaint.case_id == Case.id)
        concerned = self._concerned()
        if actor.is_admin:
            pass
        elif actor.is_supervisor:
            query = query.where(sa.or_(concerned.is_(None), concerned.in_(units_seen(actor))))
        elif actor.department and HEAD_POST in actor.posts:  # forwarded to it, or about it (its first feedback)
            query = query.where(concerned == actor.department)
        else:
            raise PermissionDenied("complaints_not_allowed")
        if status:
            if status not in rules.STATUSES:
                raise InvalidInput("not_one_of", field="status", allowed=list(rules.STATUSES))
            query = query.where(Complaint.status == status)
        if department:
            query = query.where(concerned == department)
        if light:
            query = query.where(Complaint.light == light)
        return query.order_by(
            sa.case(
                (Complaint.light == "red", 0),
                (Complaint.light == "yellow", 1),
                else_=2,
            ),
            Complaint.submitted_at.desc(),
            Complaint.id.desc(),
        )

    def get(self, complaint_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            complaint = self._load(session, complaint_id, lock=False)
            if not rules.may_view(actor, complaint):
                raise PermissionDenied("complaint_of_another_unit")
            return {
                **self._view(session, complaint, actor),
                "operations": operations(actor, complaint, self.clock.now()),
            }

    def departments_for(self, actor: Actor) -> builtins.list[str]:
        """Active departments the actor may forward a complaint to."""
        with self.db.reading() as session:
            names = session.scalars(
                sa.select(Department.name).where(Department.active.is_(True)).order_by(Department.name)
            ).all()
        return [n for n in names if actor.is_admin or n in units_seen(actor)]

    # --- the procedure ----------------------------------------------------------------------------
    def give_feedback(self, complaint_id: int, actor: Actor, text: str | None) -> dict[str, Any]:
        """The first feedback to the complainant. It is the department's (000 四(二): 申办人首次投诉举报后市直部门
        24小时反馈): the head of the department complained about gives it within 24 hours; once they have passed, a
        supervisor in scope may answer in its place (``feedback_on_behalf``). A complaint naming no department is
        answered by the supervisors. The status stays."""
        text = text_field(text, "feedback", MAX_TEXT, required=True)

        def change(session: Session, complaint: Complaint, now: _dt.datetime) -> tuple[str, dict[str, Any]]:
            if complaint.status not in rules.OPEN:
                raise InvalidState("complaint_closed")
            if complaint.first_feedback_at is not None:
                raise InvalidState("complaint_feedback_given")
            by = rules.feedback_role(actor, complaint, now)
            if by is None:
                if rules.may_supervise(actor, complaint):
                    raise PermissionDenied("complaint_feedback_department_first")
                raise PermissionDenied("complaint_of_another_unit")
            complaint.first_feedback, complaint.first_feedback_at = text, now
            complaint.first_feedback_by, complaint.feedback_on_behalf = actor.id, by == rules.ON_BEHALF
            late = complaint.feedback_due_at is not None and now > complaint.feedback_due_at
            return "complaint_feedback", {"by": by, "late": late or None}

        return self._change(complaint_id, actor, change, supervised=False)

    def decide(self, complaint_id: int, actor: Actor, accept: bool, reason: str | None = None) -> dict[str, Any]:
        """Accept (受理) or reject (不予受理, reason required, which closes it). A decision made before any
        first feedback counts as the first feedback."""
        if not isinstance(accept, bool):
            raise InvalidInput("not_boolean", field="accept")
        reason = text_field(reason, "reason", MAX_TEXT, required=not accept)

        def change(session: Session, complaint: Complaint, now: _dt.datetime) -> tuple[str, dict[str, Any]]:
            if complaint.status != SUBMITTED:
                raise InvalidState("complaint_acceptance_decided")
            complaint.status = ACCEPTED if accept else REJECTED
            complaint.decision_reason, complaint.decided_by, complaint.decided_at = reason, actor.id, now
            if complaint.first_feedback_at is None:
                complaint.first_feedback = reason or "您的投诉已受理。"
                complaint.first_feedback_at, complaint.first_feedback_by = now, actor.id
            verdict = "已受理" if accept else f"不予受理，理由：{reason}"
            self._notify_complainant(session, complaint, now, f"您的投诉 {complaint.number} {verdict}。")
            return ("complaint_accepted" if accept else "complaint_rejected"), {"reason": reason}

        return self._change(complaint_id, actor, change)

    def forward(
        self,
        complaint_id: int,
        actor: Actor,
        department: str | None,
        note: str | None = None,
        days: int | str | None = None,
    ) -> dict[str, Any]:
        """Forward an accepted complaint to a department (转办) for its result within ``days`` working days;
        opens a supervision item and tells the department's heads."""
        department = text_field(department, "department", 200, required=True)
        note = text_field(note, "note", MAX_TEXT, required=False)
        days = self.result_days if days in (None, "") else days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RESULT_DAYS:
            raise InvalidInput("working_days_range", field="days", high=MAX_RESULT_DAYS)

        def change(session: Session, complaint: Complaint, now: _dt.datetime) -> tuple[str, dict[str, Any]]:
            if complaint.status != ACCEPTED:
                raise InvalidState("complaint_not_accepted")
            known = session.scalar(
                sa.select(Department.id).where(Department.name == department, Department.active.is_(True))
            )
            if known is None:
                raise InvalidInput("unknown_department", field="department", department=department)
            if not (actor.is_admin or department in units_seen(actor)):
                raise PermissionDenied("forward_not_allowed")
            calendar = self.calendars.calendar()
            complaint.status, complaint.forwarded_to, complaint.forwarded_at = FORWARDED, department, now
            complaint.result_due_at = calendar.add_working_days(now, days)
            complaint.result_days = days
            complaint.limits_provisional = calendar.provisional_between(now, complaint.result_due_at)
            item = open_item(
                session,
                calendar,
                now,
                kind="complaint",
                department=department,
                summary=f"投诉 {complaint.number}：{complaint.subject}",
                case_id=complaint.case_id,
                complaint_id=complaint.id,
            )
            notify(
                session,
                department_heads(session, department),
                "complaint_forwarded",
                f"投诉 {complaint.number}“{complaint.subject}”已转交本部门，请于{days}个工作日内反馈处理结果。",
                now,
                case_id=complaint.case_id,
            )
            return "complaint_forwarded", {
                "department": department,
                "note": note,
                "days": days,
                "result_due_at": complaint.result_due_at.isoformat(),
                "supervision_item": item,
            }

        return self._change(complaint_id, actor, change)

    def report_result(self, complaint_id: int, actor: Actor, result: str | None, upheld: bool) -> dict[str, Any]:
        """The department's head reports its result: what was found and done, and whether the complaint was
        justified (upheld)."""
        result = text_field(result, "result", MAX_TEXT, required=True)
        if not isinstance(upheld, bool):
            raise InvalidInput("not_boolean", field="upheld")

        def change(session: Session, complaint: Complaint, now: _dt.datetime) -> tuple[str, dict[str, Any]]:
            if complaint.forwarded_to is None or not actor.heads(complaint.forwarded_to):
                raise PermissionDenied("complaint_answer_not_allowed")
            if complaint.status != FORWARDED:
                raise InvalidState("complaint_not_forwarded")
            complaint.status, complaint.result, complaint.upheld = ANSWERED, result, upheld
            complaint.result_by, complaint.result_at = actor.id, now
            return "complaint_answered", {"upheld": upheld}

        return self._change(complaint_id, actor, change, supervised=False)

    def close(self, complaint_id: int, actor: Actor, note: str | None = None) -> dict[str, Any]:
        """The supervisor closes an answered complaint; the result goes to a real-name complainant."""
        note = text_field(note, "note", MAX_TEXT, required=False)

        def change(session: Session, complaint: Complaint, now: _dt.datetime) -> tuple[str, dict[str, Any]]:
            if complaint.status != ANSWERED:
                raise InvalidState("complaint_not_answered")
            complaint.status = CLOSED
            verdict = "投诉属实" if complaint.upheld else "投诉不属实"
            self._notify_complainant(
                session,
                complaint,
                now,
                f"您的投诉 {complaint.number} 已办结（{verdict}）。处理结果：{complaint.result}",
            )
            items = close_with_complaint(session, complaint, actor.id, now)
            return "complaint_closed", {"note": note, "upheld": complaint.upheld, "supervision_items": items}

        return self._change(complaint_id, actor, change)

    def due_lights(self, as_of: _dt.datetime, limit: int = 5000) -> builtins.list[int]:
        """Complaints whose light may change by ``as_of`` (the sweep's ``complaints`` work)."""
        with self.db.reading() as session:
            return complaint_sweep.due(session, as_of, limit)

    def refresh_light(self, complaint_id: int, as_of: _dt.datetime) -> int:
        """Re-evaluate one complaint's light (supervisors told when it turns red), in a transaction of its own."""
        with self.db.transaction() as session:
            return complaint_sweep.refresh_one(session, complaint_id, self.calendars.calendar(), as_of)

    def due_feedback(self, as_of: _dt.datetime, limit: int = 5000) -> builtins.list[int]:
        """Complaints whose department let its 24 hours for the first feedback pass (the sweep's
        ``complaint_feedback`` work)."""
        with self.db.reading() as session:
            return complaint_sweep.feedback_due(session, as_of, limit)

    def mark_feedback_overdue(self, complaint_id: int, as_of: _dt.datetime) -> int:
        """Tell one complaint's supervisors (and its department) that its first feedback is late, in a transaction
        of its own; supervisors may then answer in the department's place."""
        with self.db.transaction() as session:
            return complaint_sweep.feedback_overdue_one(session, complaint_id, as_of)

    def complaint_place(self, complaint_id: int) -> tuple[int | None, str | None]:
        """(case, number) of a complaint: where an incident of its light is."""
        with self.db.reading() as session:
            row = session.execute(
                sa.select(Complaint.case_id, Complaint.number).where(Complaint.id == complaint_id)
            ).first()
            return (row.case_id, row.number) if row else (None, None)

    def recount_provisional(
        self, session: Session, calendar: WorkingCalendar, now: _dt.datetime, actor: str
    ) -> builtins.list[TrailRow]:
        """After an official calendar import: open complaints' provisional limits counted again (caller's
        transaction)."""
        return complaint_sweep.recount(session, calendar, now, actor)

    # --- helpers ----------------------------------------------------------------------------------
    def _change(self, complaint_id: int, actor: Actor, change: _Change, supervised: bool = True) -> dict[str, Any]:
        now = self.clock.now()
        with self.db.transaction() as session:
            complaint = self._load(session, complaint_id, lock=True)
            if supervised:
                rules.require_supervision(actor, complaint)
            before = complaint.status
            event, detail = change(session, complaint, now)
            complaint.status_changed_at = now if complaint.status != before else complaint.status_changed_at
            rules.relight(complaint, now, self.calendars.calendar())
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        event,
                        now,
                        case_id=complaint.case_id,
                        actor=actor.id,
                        from_state=before,
                        to_state=complaint.status,
                        element_id=complaint.number,
                        data_digest=trail.digest(
                            {k: getattr(complaint, k) for k in ("first_feedback", "decision_reason", "result")}
                        ),
                        detail={
                            "number": complaint.number,
                            "light": complaint.light,
                            **{k: v for k, v in detail.items() if v is not None},
                        },
                    )
                ],
            )
            session.flush()
            return self._view(session, complaint, actor)

    @staticmethod
    def _load(session: Session, complaint_id: object, lock: bool) -> Complaint:
        if isinstance(complaint_id, bool) or not isinstance(complaint_id, int):
            raise NotFound("complaint_not_found", complaint=complaint_id)
        query = sa.select(Complaint).where(Complaint.id == complaint_id)
        complaint = session.scalar(query.with_for_update() if lock else query)
        if complaint is None:
            raise NotFound("complaint_not_found", complaint=complaint_id)
        return complaint

    @staticmethod
    def _view(session: Session, complaint: Complaint, actor: Actor) -> dict[str, Any]:
        number = (
            session.scalar(sa.select(Case.number).where(Case.id == complaint.case_id)) if complaint.case_id else None
        )
        name = (
            session.scalar(sa.select(User.name).where(User.id == complaint.complainant))
            if complaint.complainant
            else None
        )
        return rules.staff_view(complaint, number, name, identify=rules.may_supervise(actor, complaint))

    @staticmethod
    def _notify_complainant(session: Session, complaint: Complaint, now: _dt.datetime, message: str) -> None:
        if complaint.complainant and not complaint.anonymous:
            notify(session, [complaint.complainant], "complaint_result", message, now, case_id=complaint.case_id)


def operations(actor: Actor, complaint: Complaint, now: _dt.datetime) -> list[str]:
    """The steps of the procedure the actor may take on the complaint at ``now``."""
    offered: list[str] = []
    unanswered = complaint.status in rules.OPEN and complaint.first_feedback_at is None
    if unanswered and rules.feedback_role(actor, complaint, now) is not None:
        offered.append("feedback")
    if rules.may_supervise(actor, complaint):
        offered += {SUBMITTED: ["decision"], ACCEPTED: ["forwarding"], ANSWERED: ["closure"]}.get(complaint.status, [])
    if complaint.status == FORWARDED and complaint.forwarded_to and actor.heads(complaint.forwarded_to):
        offered.append("result")
    return offered
