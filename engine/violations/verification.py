"""The verification queue (核实, 深府〔2007〕32号 Art. 9): "有下列情形之一的，监察机关可视情况进行核实，以确定是否存在违规审批行为：
（一）行政机关作出不予受理决定的；（二）…不予批准决定或不予登记的；（三）…告知申请人补正申请内容的；（四）因行政审批引起行政复议或
行政诉讼的；（五）行政审批被撤销的".

The sweep queues each such fact once (``source``), case by case: refusals and denials from the cases' outcomes, 补正
notices from the clock's pauses, revocations from revoked licences and 撤销 decisions. A reconsideration or lawsuit
(复议/诉讼) is not a fact the engine records: staff of the case's department or its supervisors queue it by hand. A
supervisor of the department closes each with a finding; a finding of violation on a refusal raises the Art. 11(1)
signal (对符合法定条件的申请不予受理), on a denial the Art. 12(4) one (对符合法定条件的审批项目不予行政审批)."""

from __future__ import annotations

import builtins
import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import is_staff, require_case_view, units_seen
from ..identity.actors import Actor
from ..kernel.paging import PageArg, page_of_query
from ..kernel.payloads import text_field
from ..models import Case, CasePause, IssuedDocument, Licence, Signal, Verification
from ..trail import chain as trail
from .signals import evaluate, local_minute

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

KINDS = {
    "refusal": "不予受理",
    "denial": "不予许可",
    "supplement": "补正告知",
    "appeal": "行政复议或诉讼",
    "revocation": "行政许可被撤销",
}
APPEALS = {"reconsideration": "行政复议", "litigation": "行政诉讼"}
CONCLUSIONS = ("compliant", "violation")
STATUSES = ("open", "closed")
# The signal a finding of violation raises, by the kind of act verified
VIOLATION_RULES = {"refusal": "refused_lawful_application", "denial": "denied_qualifying_application"}
HORIZON_DAYS = 30  # facts older than this when the sweep first meets them are not queued (a fresh database)
MAX_TEXT = 4000


def _key(prefix: str, column: Any) -> sa.ColumnElement[str]:
    return sa.literal(f"{prefix}:", sa.String) + sa.cast(column, sa.String)


def _unqueued(key: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(Verification.source == key)


class VerificationService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- the sweep: facts into the queue ----------------------------------------------------------
    def due_facts(self, as_of: _dt.datetime, limit: int = 2000) -> builtins.list[str]:
        """Facts of Art. 9 not yet queued (the sweep's ``verifications`` work): ``refusal:<case>``,
        ``denial:<case>``, ``supplement:<pause>``, ``revocation:<case>``."""
        since = as_of - _dt.timedelta(days=HORIZON_DAYS)
        # refusals and denials read through their partial index (its predicate in the query as literals)
        refusals: sa.BindParameter[list[str]] = sa.bindparam(
            "refusals", ["refused", "denied"], expanding=True, literal_execute=True
        )
        refusal = sa.case((Case.outcome == "refused", sa.literal("refusal:", sa.String)), else_=sa.literal("denial:"))
        refusal_key = refusal + sa.cast(Case.id, sa.String)
        supplement, licence, document = (
            _key("supplement", CasePause.id),
            _key("revocation", Licence.case_id),
            _key("revocation", IssuedDocument.case_id),
        )
        # each kind of fact in the order of its id, up to ``limit`` each, read in one statement
        parts = [
            (refusal_key, Case.id, (Case.outcome.in_(refusals), Case.ended_at >= since, Case.ended_at <= as_of)),
            (
                supplement,
                CasePause.id,
                (CasePause.kind == "supplement", CasePause.started_at >= since, CasePause.started_at <= as_of),
            ),
            (licence, Licence.case_id, (Licence.revoked_at >= since, Licence.revoked_at <= as_of)),
            (
                document,
                IssuedDocument.case_id,
                (
                    IssuedDocument.kind == "revocation_decision",
                    IssuedDocument.issued_at >= since,
                    IssuedDocument.issued_at <= as_of,
                ),
            ),
        ]
        selects = [
            sa.select(key.label("key"), sa.literal(n).label("part"), order.label("ord"))
            .where(*where, _unqueued(key))
            .order_by(order)
            .limit(limit)
            .subquery()
            for n, (key, order, where) in enumerate(parts)
        ]
        facts = sa.union_all(*(sa.select(part.c.key, part.c.part, part.c.ord) for part in selects)).subquery()
        with self.db.reading() as session:
            keys = list(session.scalars(sa.select(facts.c.key).order_by(facts.c.part, facts.c.ord)))
        return list(dict.fromkeys(keys))[:limit]

    def queue_fact(self, source: str, as_of: _dt.datetime) -> int:
        """Queue one fact in a transaction of its own, with its trail row; 1 when it was queued."""
        prefix, _, raw = source.partition(":")
        if prefix not in KINDS or not raw.isdigit():
            raise ValueError(f"not a verification source: {source}")
        with self.db.transaction() as session:
            if session.scalar(sa.select(Verification.id).where(Verification.source == source)) is not None:
                return 0
            fact = self._fact(session, prefix, int(raw))
            if fact is None:
                return 0
            case, occurred_at, summary = fact
            self._queue(session, source, prefix, case, occurred_at, summary, "engine", as_of)
            return 1

    def fact_place(self, source: str) -> tuple[int | None, str | None]:
        prefix, _, raw = source.partition(":")
        if prefix == "supplement" and raw.isdigit():
            with self.db.reading() as session:
                return session.scalar(sa.select(CasePause.case_id).where(CasePause.id == int(raw))), source
        return (int(raw) if raw.isdigit() else None), source

    @staticmethod
    def _fact(session: Session, prefix: str, ident: int) -> tuple[Case, _dt.datetime, str] | None:
        if prefix == "supplement":
            pause = session.get(CasePause, ident)
            if pause is None:
                return None
            case = session.get(Case, pause.case_id)
            if case is None:
                return None
            items = "、".join(pause.missing or [])
            return case, pause.started_at, f"办件 {case.number} 于 {local_minute(pause.started_at)} 告知补正：{items}"
        case = session.get(Case, ident)
        if case is None:
            return None
        if prefix in ("refusal", "denial"):
            if case.ended_at is None:
                return None
            verdict = "不予受理" if prefix == "refusal" else "不予许可"
            return case, case.ended_at, f"办件 {case.number} 于 {local_minute(case.ended_at)} 作出{verdict}决定"
        if prefix == "revocation":
            revoked = [
                at
                for at in (
                    session.scalar(sa.select(Licence.revoked_at).where(Licence.case_id == ident)),
                    session.scalar(
                        sa.select(sa.func.min(IssuedDocument.issued_at)).where(
                            IssuedDocument.case_id == ident, IssuedDocument.kind == "revocation_decision"
                        )
                    ),
                )
                if at is not None
            ]
            if not revoked:
                return None
            return case, min(revoked), f"办件 {case.number} 的行政许可于 {local_minute(min(revoked))} 被撤销"
        return None

    def _queue(
        self,
        session: Session,
        source: str,
        kind: str,
        case: Case,
        occurred_at: _dt.datetime,
        summary: str,
        actor_id: str,
        now: _dt.datetime,
    ) -> Verification:
        row = Verification(
            source=source,
            kind=kind,
            case_id=case.id,
            department=case.department,
            summary=summary,
            occurred_at=occurred_at,
            queued_at=now,
            queued_by=actor_id,
            status="open",
        )
        session.add(row)
        session.flush()
        trail.append_outside_step(
            session,
            [
                trail.event(
                    "verification_queued",
                    now,
                    case_id=case.id,
                    actor=actor_id,
                    element_id=source,
                    to_state="open",
                    detail={"verification": row.id, "kind": kind, "summary": summary},
                )
            ],
        )
        return row

    # --- by hand: a reconsideration or lawsuit --------------------------------------------------------
    def record_appeal(self, case_id: int, actor: Actor, appeal: str | None, note: str | None) -> dict[str, Any]:
        """Queue a 行政复议 or 行政诉讼 brought against a case's decision (Art. 9(四)): staff of its department or its
        supervisors."""
        if appeal not in APPEALS:
            raise InvalidInput("not_one_of", field="appeal", allowed=list(APPEALS))
        note = text_field(note, "note", MAX_TEXT, required=True)
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            if not (actor.oversees(case.department) or (actor.department == case.department and is_staff(actor))):
                raise PermissionDenied("verification_not_allowed")
            if case.status != "ended":
                raise InvalidState("appeal_case_not_decided")
            count = session.scalar(sa.select(sa.func.count()).where(Verification.source.like(f"appeal:{case.id}:%")))
            summary = f"办件 {case.number} 被申请{APPEALS[appeal]}：{note}"
            row = self._queue(
                session, f"appeal:{case.id}:{(count or 0) + 1}", "appeal", case, now, summary, actor.id, now
            )
            return view(row, case.number)

    # --- reading ----------------------------------------------------------------------------------------
    def page(
        self,
        actor: Actor,
        status: str | None = "open",
        kind: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """The queue in the supervisor's units: open ones oldest first, closed ones newest first."""
        query = self._query(actor, status, kind)
        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=lambda row: view(*row))

    def list(
        self, actor: Actor, status: str | None = "open", kind: str | None = None, limit: int = 200
    ) -> builtins.list[dict[str, Any]]:
        query = self._query(actor, status, kind).limit(min(limit, 1000))
        with self.db.reading() as session:
            return [view(*row) for row in session.execute(query).all()]

    def get(self, verification_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            row = self._load(session, verification_id, actor, lock=False)
            return view(row, self._number(session, row))

    @staticmethod
    def _query(actor: Actor, status: str | None, kind: str | None) -> sa.Select:
        if not (actor.is_admin or actor.is_supervisor):
            raise PermissionDenied("verification_supervisor_only")
        query = sa.select(Verification, Case.number).outerjoin(Case, Case.id == Verification.case_id)
        if not actor.is_admin:
            query = query.where(Verification.department.in_(units_seen(actor)))
        if status:
            if status not in STATUSES:
                raise InvalidInput("not_one_of", field="status", allowed=list(STATUSES))
            query = query.where(Verification.status == status)
        if kind:
            if kind not in KINDS:
                raise InvalidInput("not_one_of", field="kind", allowed=list(KINDS))
            query = query.where(Verification.kind == kind)
        if status == "closed":
            return query.order_by(Verification.closed_at.desc(), Verification.id.desc())
        return query.order_by(Verification.occurred_at, Verification.id)

    # --- closing --------------------------------------------------------------------------------------------
    def close(self, verification_id: int, actor: Actor, finding: str | None, conclusion: str | None) -> dict[str, Any]:
        """Close with the supervisor's finding; a violation found in a refusal or a denial raises its signal."""
        finding = text_field(finding, "finding", MAX_TEXT, required=True)
        if conclusion not in CONCLUSIONS:
            raise InvalidInput("not_one_of", field="conclusion", allowed=list(CONCLUSIONS))
        now = self.clock.now()
        with self.db.transaction() as session:
            row = self._load(session, verification_id, actor, lock=True)
            if row.status != "open":
                raise InvalidState("verification_closed")
            row.status, row.finding, row.conclusion, row.closed_by, row.closed_at = (
                "closed",
                finding,
                conclusion,
                actor.id,
                now,
            )
            rows = []
            rule = VIOLATION_RULES.get(row.kind) if conclusion == "violation" else None
            if rule is not None:
                signal_row = evaluate(
                    session,
                    self.calendars.calendar(),
                    now,
                    rule,
                    row.department,
                    lambda params: (f"核实认定：{row.summary}。{finding}", {"verification": row.id}),
                    subject=f"verification:{row.id}",
                    case_id=row.case_id,
                )
                if signal_row is not None:
                    rows.append(signal_row)
                    row.signal_id = session.scalar(
                        sa.select(Signal.id).where(Signal.rule == rule, Signal.subject == f"verification:{row.id}")
                    )
            rows.insert(
                0,
                trail.event(
                    "verification_closed",
                    now,
                    case_id=row.case_id,
                    actor=actor.id,
                    element_id=row.source,
                    from_state="open",
                    to_state=conclusion,
                    detail={"verification": row.id, "kind": row.kind, "finding": finding, "signal": row.signal_id},
                ),
            )
            trail.append_outside_step(session, rows)
            session.flush()
            return view(row, self._number(session, row))

    @staticmethod
    def _load(session: Session, verification_id: object, actor: Actor, lock: bool) -> Verification:
        if isinstance(verification_id, bool) or not isinstance(verification_id, int):
            raise NotFound("verification_not_found", verification=verification_id)
        query = sa.select(Verification).where(Verification.id == verification_id)
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise NotFound("verification_not_found", verification=verification_id)
        if not actor.oversees(row.department):
            raise PermissionDenied("verification_of_another_unit")
        return row

    @staticmethod
    def _number(session: Session, row: Verification) -> str | None:
        return session.scalar(sa.select(Case.number).where(Case.id == row.case_id)) if row.case_id else None


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def view(row: Verification, case_number: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": KINDS.get(row.kind, row.kind),
        "case_id": row.case_id,
        "case_number": case_number,
        "department": row.department,
        "summary": row.summary,
        "occurred_at": row.occurred_at.isoformat(),
        "queued_at": row.queued_at.isoformat(),
        "queued_by": row.queued_by,
        "status": row.status,
        "finding": row.finding,
        "conclusion": row.conclusion,
        "signal_id": row.signal_id,
        "closed_by": row.closed_by,
        "closed_at": _iso(row.closed_at),
    }
