"""Cases of ministry systems (专网业务系统) entering through data exchange.

Their facts join the same trail, lights and violation rules as native cases: a case row (channel
``vertical``, no workflow here) carries the clock from the reported acceptance, and the rules look at each fact —
a decision after the limit or without reasons, back-filling (事后补录: reported more than the configured working
days after it happened) and off-system handling (体外循环: a decision with no acceptance, a licence with no
approved case). A batch is checked whole before anything is recorded; each step of a case is recorded once, so
sending a batch again records nothing twice."""

from __future__ import annotations

import datetime as _dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..deadlines.lights import light_at
from ..errors import InvalidInput, Message, PermissionDenied
from ..identity.actors import EXCHANGE, Actor
from ..kernel.clock import SHANGHAI
from ..models import Case, ExchangeBatch, ExternalCase, ExternalFact, Licence, Matter
from ..trail import chain as trail
from ..trail.chain import TrailRow
from ..violations.signals import check_reported_late, evaluate
from .external_facts import MAX_FACTS, STEPS, check_fact

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..definitions.repository import RepositoryService
    from ..kernel import Clock, Database

_cases = Case.__table__


class ExternalCaseService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService, repository: RepositoryService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.repository = repository

    def record(self, actor: Actor, facts: list[Any], source: str = "api", digest: str | None = None) -> dict[str, Any]:
        """Record a batch of facts for ``actor``'s system; all or nothing."""
        if EXCHANGE not in actor.roles or not actor.department:
            raise PermissionDenied("exchange_account_only")
        if not isinstance(facts, list) or not facts:
            raise InvalidInput("facts_required", field="facts")
        if len(facts) > MAX_FACTS:
            raise InvalidInput("too_many_facts", field="facts", max=MAX_FACTS)
        now = self.clock.now()
        digest = digest or trail.digest(facts)
        with self.db.transaction() as session:
            earlier = session.scalar(
                sa.select(ExchangeBatch).where(ExchangeBatch.system == actor.id, ExchangeBatch.digest == digest)
            )
            if earlier is not None:
                return {"batch": earlier.id, "facts": earlier.facts, "imported": 0, "duplicate_batch": True}
            clean = self._check(session, actor, facts, now)
            batch = ExchangeBatch(
                system=actor.id, digest=digest, source=source[:200], facts=len(clean), imported=0, received_at=now
            )
            session.add(batch)
            session.flush()
            result = _Import(self, session, actor, batch, now).run(clean)
            batch.imported = result["imported"]
            trail.append(
                session,
                [
                    trail.event(
                        "exchange_batch_imported",
                        now,
                        actor=actor.id,
                        data_digest=digest,
                        detail={"batch": batch.id, "source": source, **result},
                    )
                ],
                None,
            )
        return {"batch": batch.id, "facts": len(clean), **result}

    def _check(self, session: Session, actor: Actor, facts: list[Any], now: _dt.datetime) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        clean: list[dict[str, Any]] = []
        for line, raw in enumerate(facts, start=1):
            line = raw.pop("_line", line) if isinstance(raw, dict) else line
            fact, problems = check_fact(raw, now)
            errors += [{"line": line, "field": field, "message": message} for field, message in problems]
            if fact is not None:
                clean.append({**fact, "line": line})
        known = {
            e
            for (e,) in session.execute(
                sa.select(ExternalCase.external_id).where(
                    ExternalCase.system == actor.id, ExternalCase.external_id.in_({f["case"] for f in clean})
                )
            )
        }
        matters = dict(
            session.execute(
                sa.select(Matter.code, Matter.department).where(
                    Matter.code.in_({f["matter_code"] for f in clean if f["matter_code"]})
                )
            ).all()
        )
        introducing: dict[str, dict[str, Any]] = {}
        for fact in clean:
            if fact["case"] not in known and fact["matter_code"] and fact.get("applicant"):
                introducing.setdefault(fact["case"], fact)
        seen: dict[tuple[str, str], _dt.datetime] = {}
        reported: set[str] = set()
        for fact in sorted(clean, key=lambda f: f["line"]):
            line, case = fact["line"], fact["case"]
            if fact["matter_code"] and fact["matter_code"] not in matters:
                errors.append(
                    {
                        "line": line,
                        "field": "matter_code",
                        "message": Message("unknown_matter", matter=fact["matter_code"]),
                    }
                )
            elif fact["matter_code"] and matters[fact["matter_code"]] != actor.department:
                errors.append(
                    {
                        "line": line,
                        "field": "matter_code",
                        "message": Message(
                            "matter_of_other_department", matter=fact["matter_code"], department=actor.department
                        ),
                    }
                )
            if case not in known and case not in introducing and case not in reported:
                errors.append({"line": line, "field": "case", "message": Message("new_case_needs_matter", case=case)})
            reported.add(case)
            if case in introducing:  # every fact of a new case can create it, whichever comes first in time
                fact.setdefault("applicant", introducing[case]["applicant"])
                fact["matter_code"] = fact["matter_code"] or introducing[case]["matter_code"]
            key = (case, fact["step"])
            if key in seen and seen[key] != fact["happened_at"]:
                errors.append(
                    {
                        "line": line,
                        "field": "step",
                        "message": Message("step_reported_twice", case=case, step=fact["step"]),
                    }
                )
            seen[key] = fact["happened_at"]
        if errors:
            errors.sort(key=lambda e: e["line"])
            raise InvalidInput("batch_has_errors", errors=errors, count=len(errors))
        return sorted(clean, key=lambda f: f["happened_at"])


class _Import:
    """Applying one checked batch inside its transaction."""

    def __init__(
        self, service: ExternalCaseService, session: Session, actor: Actor, batch: ExchangeBatch, now: _dt.datetime
    ) -> None:
        self.session, self.actor, self.batch, self.now = session, actor, batch, now
        self.repository = service.repository
        self.calendar = service.calendars.calendar()
        self.counts = {"imported": 0, "duplicates": 0, "cases_created": 0, "signals": 0}

    def run(self, facts: list[dict[str, Any]]) -> dict[str, int]:
        for fact in facts:
            self._one(fact)
        return self.counts

    def _one(self, fact: dict[str, Any]) -> None:
        session, system = self.session, self.actor.id
        exists = session.execute(
            sa.select(ExternalFact.id).where(
                ExternalFact.system == system,
                ExternalFact.external_id == fact["case"],
                ExternalFact.step == fact["step"],
            )
        ).first()
        if exists is not None:
            self.counts["duplicates"] += 1
            return
        case = self._case(fact)
        detail = {k: v for k, v in fact.items() if k in ("outcome", "reasons", "licence_code", "official") and v}
        row = ExternalFact(
            system=system,
            external_id=fact["case"],
            step=fact["step"],
            case_id=case.id,
            batch_id=self.batch.id,
            happened_at=fact["happened_at"],
            reported_at=self.now,
            detail=detail or None,
        )
        session.add(row)
        session.flush()
        events: list[TrailRow | None]
        events = [
            trail.event(
                "external_fact",
                self.now,
                case_id=case.id,
                element_id=fact["step"],
                actor=system,
                to_state=fact["step"],
                detail={
                    "external_case": fact["case"],
                    "batch": self.batch.id,
                    "happened_at": fact["happened_at"].isoformat(),
                    **detail,
                },
            )
        ]
        step: Callable[[Case, dict[str, Any]], list[TrailRow | None]] = getattr(self, f"_{fact['step']}")
        events += step(case, fact)
        events.append(
            check_reported_late(
                session,
                self.calendar,
                self.now,
                department=case.department,
                fact=f"{STEPS[fact['step']]}（{fact['case']}）",
                happened_at=fact["happened_at"],
                reported_at=self.now,
                subject=f"fact:{row.id}",
                case_id=case.id,
            )
        )
        self.counts["signals"] += sum(1 for e in events if e and e["event"] == "signal_raised")
        trail.append_case_events(session, case.id, [e for e in events if e])
        self.counts["imported"] += 1

    def _case(self, fact: dict[str, Any]) -> Case:
        session = self.session
        case_id = session.scalar(
            sa.select(ExternalCase.case_id).where(
                ExternalCase.system == self.actor.id, ExternalCase.external_id == fact["case"]
            )
        )
        if case_id is not None:
            return session.get_one(Case, case_id, with_for_update=True)
        matter = session.get_one(Matter, fact["matter_code"])
        definition = self.repository.latest(session, matter.process_key)
        case = Case(
            number=secrets.token_hex(16),
            matter_code=matter.code,
            definition_id=definition.id,
            department=matter.department,
            applicant=fact["applicant"],
            status="running",
            lock_version=1,
            created_by=self.actor.id,
            created_at=fact["happened_at"],
            channel="vertical",
        )
        session.add(case)
        session.flush()
        case.number = f"{fact['happened_at'].astimezone(SHANGHAI):%Y%m%d}{case.id:06d}"
        session.add(ExternalCase(system=self.actor.id, external_id=fact["case"], case_id=case.id))
        head = trail.append(
            session,
            [
                trail.event(
                    "case_started",
                    self.now,
                    case_id=case.id,
                    actor=self.actor.id,
                    to_state="running",
                    data_digest=trail.digest({"applicant": fact["applicant"]}),
                    detail={"matter": matter.code, "channel": "vertical", "external_case": fact["case"]},
                )
            ],
            None,
        )
        assert head is not None  # the case_started row starts the case's chain
        case.trail_seq, case.trail_hash = head
        session.flush()
        self.counts["cases_created"] += 1
        return case

    def _step_time(self, case: Case, step: str) -> _dt.datetime | None:
        return self.session.scalar(
            sa.select(ExternalFact.happened_at).where(ExternalFact.case_id == case.id, ExternalFact.step == step)
        )

    def _signal(self, case: Case, name: str, summary: str, detail: dict[str, Any]) -> TrailRow | None:
        return evaluate(
            self.session,
            self.calendar,
            self.now,
            name,
            case.department,
            lambda params: (summary, detail),
            subject=f"case:{case.id}",
            case_id=case.id,
        )

    # --- what each step does ------------------------------------------------------------------------
    def _received(self, case: Case, fact: dict[str, Any]) -> list[TrailRow | None]:
        return []

    def _reviewed(self, case: Case, fact: dict[str, Any]) -> list[TrailRow | None]:
        return []

    def _accepted(self, case: Case, fact: dict[str, Any]) -> list[TrailRow | None]:
        if case.accepted_at is not None:
            return []
        matter = self.session.get_one(Matter, case.matter_code)
        at = fact["happened_at"]
        case.accepted_at = at
        case.promised_due_at = self.calendar.add_working_days(at, matter.promised_limit_days)
        case.statutory_due_at = self.calendar.add_working_days(at, matter.statutory_limit_days)
        case.promised_limit_days, case.statutory_limit_days = matter.promised_limit_days, matter.statutory_limit_days
        case.limits_provisional = self.calendar.provisional_between(
            at, max(case.promised_due_at, case.statutory_due_at)
        )
        if case.status == "running":
            case.light, case.light_next_at = light_at(
                self.now, case.promised_due_at, case.statutory_due_at, self.calendar
            )
        return [
            trail.event(
                "case_accepted",
                self.now,
                case_id=case.id,
                actor=self.actor.id,
                to_state=case.light,
                detail={"happened_at": at.isoformat(), "statutory_due_at": case.statutory_due_at.isoformat()},
            )
        ]

    def _decided(self, case: Case, fact: dict[str, Any]) -> list[TrailRow | None]:
        outcome, at = fact["outcome"], fact["happened_at"]
        if case.status == "ended":
            return []
        case.status, case.outcome, case.ended_at, case.light_next_at = "ended", outcome, at, None
        events: list[TrailRow | None]
        events = [
            trail.event(
                "case_ended",
                self.now,
                case_id=case.id,
                actor=self.actor.id,
                to_state=outcome,
                detail={"happened_at": at.isoformat()},
            )
        ]
        if outcome != "refused" and self._step_time(case, "accepted") is None:
            events.append(
                self._signal(
                    case,
                    "off_system",
                    f"专网办件 {fact['case']}（{case.number}）有决定却没有受理记录",
                    {"external_case": fact["case"], "decided_at": at.isoformat()},
                )
            )
        if outcome != "refused" and case.statutory_due_at is not None and at > case.statutory_due_at:
            events.append(
                self._signal(
                    case,
                    "decision_late",
                    f"专网办件 {case.number} 超过法定时限才作出决定",
                    {"statutory_due_at": case.statutory_due_at.isoformat(), "decided_at": at.isoformat()},
                )
            )
        if outcome in ("denied", "refused") and not fact.get("reasons"):
            events.append(
                self._signal(
                    case,
                    "refusal_without_reasons",
                    f"专网办件 {case.number} 不予受理或不予许可，未报送理由",
                    {"outcome": outcome},
                )
            )
        return events

    def _licence_issued(self, case: Case, fact: dict[str, Any]) -> list[TrailRow | None]:
        events: list[TrailRow | None] = []
        if not (case.status == "ended" and case.outcome == "approved"):
            events.append(
                self._signal(
                    case,
                    "off_system",
                    f"专网系统发放证照，但办件 {case.number} 没有准予许可的决定",
                    {"external_case": fact["case"], "licence_code": fact.get("licence_code")},
                )
            )
        if self.session.scalar(sa.select(Licence.code).where(Licence.case_id == case.id)) is None:
            matter = self.session.get_one(Matter, case.matter_code)
            code = fact.get("licence_code") or f"ZW{secrets.token_hex(6).upper()}"
            if self.session.get(Licence, code) is not None:
                code = f"ZW{secrets.token_hex(6).upper()}"
            self.session.add(
                Licence(
                    code=code,
                    case_id=case.id,
                    matter_code=matter.code,
                    matter_name=matter.name,
                    department=case.department,
                    holder=case.applicant.get("name", ""),
                    issued_at=fact["happened_at"],
                )
            )
            events.append(
                trail.event(
                    "licence_issued",
                    self.now,
                    case_id=case.id,
                    actor=self.actor.id,
                    to_state=code,
                    detail={"happened_at": fact["happened_at"].isoformat()},
                )
            )
        return events
