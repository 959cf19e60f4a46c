"""What administrators do with incidents: list and read them, retry one after fixing its cause, resolve one with a
note — each retry and resolution a trail event — and the count of open ones (cockpit, metrics).

Administrators see and act on every incident; supervisors read those of cases in the units they oversee (an
incident without a case is the system's: administrators only); everyone else is refused.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import units_seen
from ..kernel.paging import PageArg, page_of_query
from ..kernel.payloads import text_field
from ..models import Case, Incident
from ..trail import chain as trail
from . import records
from .runner import sweep_failure

if TYPE_CHECKING:
    from ..identity.actors import Actor
    from ..kernel import Clock, Database
    from .runner import PeriodicWork

MAX_NOTE = 2000
MAX_KIND = 48


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class IncidentService:
    def __init__(self, db: Database, clock: Clock, work: PeriodicWork) -> None:
        self.db = db
        self.clock = clock
        self.work = work

    # --- reading ----------------------------------------------------------------------------------
    def open_count(self) -> int:
        """Open incidents, all kinds (the cockpit's and the metrics' figure)."""
        with self.db.reading() as session:
            return session.scalar(sa.select(sa.func.count()).where(Incident.state == records.OPEN)) or 0

    def open_counts(self) -> dict[str, int]:
        """Open incidents by kind (the metrics' gauge)."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(Incident.kind, sa.func.count()).where(Incident.state == records.OPEN).group_by(Incident.kind)
            ).all()
        return {str(kind): int(count) for kind, count in rows}

    def list(
        self,
        actor: Actor,
        *,
        case_id: int | None = None,
        kind: str | None = None,
        state: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """A page of incidents, newest failure first, filtered by case, kind and state."""
        self._require_reader(actor)
        if state is not None and state not in records.STATES:
            raise InvalidInput("incident_state_unknown", field="state", state=state)
        kind = text_field(kind, "kind", MAX_KIND, required=False)
        query = self._scoped(actor, sa.select(Incident))
        if case_id is not None:
            query = query.where(Incident.case_id == case_id)
        if kind is not None:
            query = query.where(Incident.kind == kind)
        if state is not None:
            query = query.where(Incident.state == state)
        query = query.order_by(Incident.last_at.desc(), Incident.id.desc())
        with self.db.reading() as session:
            return page_of_query(
                session,
                query,
                page,
                per_page,
                view=lambda incident: self._view(incident, actor),
                scalars=True,
                kinds=self.work.kinds,
            )

    def get(self, incident_id: int, actor: Actor) -> dict[str, Any]:
        self._require_reader(actor)
        with self.db.reading() as session:
            return self._view(self._load(session, incident_id, actor), actor)

    # --- acting -----------------------------------------------------------------------------------
    def retry(self, incident_id: int, actor: Actor) -> dict[str, Any]:
        """Run the incident's work for its subject now (after its cause was fixed). Success resolves it; a failure
        counts another attempt with the new error. Either way an ``incident_retried`` trail event. Work the sweep
        does not run itself (notice deliveries) is queued for its next run. The view's ``retry`` says which:
        ``resolved``, ``failed`` or ``queued``."""
        self._require_admin(actor)
        with self.db.reading() as session:
            incident = self._load(session, incident_id, actor)
        if incident.state != records.OPEN:
            raise InvalidState("incident_not_open", incident=incident_id)
        now = self.clock.now()
        if incident.kind not in self.work.kinds:  # work the engine's sweep does not run (a notice's delivery)
            return self._queue(incident_id, actor, now)
        job = self.work.job(incident.kind)
        failure: BaseException | None = None
        try:
            job.run_one(job.key(incident.subject), now)
        except Exception as exc:
            if sweep_failure(exc):
                raise
            failure = exc
        with self.db.transaction() as session:
            row = self._load(session, incident_id, actor, lock=True)
            if row.state != records.OPEN:
                raise InvalidState("incident_not_open", incident=incident_id)
            if failure is None:
                records.close(session, row, now, actor.id, None)
                result = "resolved"
            else:
                records.record_failure(
                    session, row.kind, row.subject, (row.case_id, row.element_id), failure, now, self.work.backoff
                )
                result = "failed"
            trail.append_outside_step(session, [records.event("incident_retried", row, now, actor.id, result=result)])
            session.flush()
            return {**self._view(row, actor), "retry": result}

    def resolve(self, incident_id: int, actor: Actor, note: object) -> dict[str, Any]:
        """Close an open incident by hand with a note (the cause was dealt with another way, or it is moot)."""
        self._require_admin(actor)
        text = text_field(note, "note", MAX_NOTE, required=True)
        now = self.clock.now()
        with self.db.transaction() as session:
            incident = self._load(session, incident_id, actor, lock=True)
            if incident.state != records.OPEN:
                raise InvalidState("incident_not_open", incident=incident_id)
            records.close(session, incident, now, actor.id, text)
            trail.append_outside_step(session, [records.event("incident_resolved", incident, now, actor.id, note=text)])
            session.flush()
            return self._view(incident, actor)

    def _queue(self, incident_id: int, actor: Actor, now: _dt.datetime) -> dict[str, Any]:
        """Retry work that its own periodic task runs (e.g. notice deliveries, integrations/notifications): its
        next run tries the subject again at once instead of after the backoff."""
        with self.db.transaction() as session:
            row = self._load(session, incident_id, actor, lock=True)
            row.next_attempt_at = now
            trail.append_outside_step(session, [records.event("incident_retried", row, now, actor.id, result="queued")])
            session.flush()
            return {**self._view(row, actor), "retry": "queued"}

    # --- helpers ----------------------------------------------------------------------------------
    @staticmethod
    def _require_reader(actor: Actor) -> None:
        if not (actor.is_admin or actor.is_supervisor):
            raise PermissionDenied("incidents_forbidden")

    @staticmethod
    def _require_admin(actor: Actor) -> None:
        if not actor.is_admin:
            raise PermissionDenied("incidents_admin_only")

    @staticmethod
    def _scoped(actor: Actor, query: sa.Select) -> sa.Select:
        if actor.is_admin:
            return query
        in_scope = sa.select(Case.id).where(Case.department.in_(units_seen(actor) or ("",)))
        return query.where(Incident.case_id.in_(in_scope))

    def _load(self, session: Any, incident_id: object, actor: Actor, lock: bool = False) -> Incident:
        if isinstance(incident_id, bool) or not isinstance(incident_id, int):
            raise NotFound("incident_not_found", incident=incident_id)
        query = self._scoped(actor, sa.select(Incident).where(Incident.id == incident_id))
        incident = session.scalar(query.with_for_update() if lock else query)
        if incident is None:
            raise NotFound("incident_not_found", incident=incident_id)
        return incident

    @staticmethod
    def _view(incident: Incident, actor: Actor) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": incident.id,
            "kind": incident.kind,
            "subject": incident.subject,
            "case": incident.case_id,
            "element": incident.element_id,
            "code": incident.code,
            "reason": incident.reason,
            "params": json.loads(incident.params) if incident.params else {},
            "message": incident.message,
            "first_at": _iso(incident.first_at),
            "last_at": _iso(incident.last_at),
            "attempts": incident.attempts,
            "next_attempt_at": _iso(incident.next_attempt_at) if incident.state == records.OPEN else None,
            "state": incident.state,
            "resolved_at": _iso(incident.resolved_at),
            "resolved_by": incident.resolved_by,
            "note": incident.note,
        }
        if actor.is_admin:
            view["traceback"] = incident.traceback
        return view
