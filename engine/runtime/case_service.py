"""Runtime service: start cases, read them, terminate them, fire due timers."""

from __future__ import annotations

import datetime as _dt
import logging
import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from ..casefiles.documents import KINDS
from ..deadlines.lights import LIGHTS
from ..definitions.expressions import step_refusal
from ..errors import Conflict, InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import case_scope, may_view_case, public_case, sees_case_inside
from ..identity.actors import APPLICANT, Actor
from ..kernel import payloads
from ..kernel.clock import SHANGHAI
from ..kernel.db import where_given
from ..kernel.metrics import NULL_METRICS, Metrics
from ..models import Case, IssuedDocument, Matter, ProcessDefinition, TaskRecord
from ..trail import chain as trail
from . import timers
from .case_clock import clock_fields
from .stepper import CaseRow, CaseStepper

if TYPE_CHECKING:
    from ..casefiles.materials import MaterialService
    from ..casefiles.uploads import Files
    from ..deadlines.calendar_service import CalendarService
    from ..definitions.repository import RepositoryService
    from ..kernel import Clock, Database
    from .workflow_store import WorkflowStore

_cases = Case.__table__
_matters = Matter.__table__
_definitions = ProcessDefinition.__table__

log = logging.getLogger(__name__)

# a case's start and its first read, built once (building a statement costs more than running it)
MATTER_TO_START = sa.select(_matters.c.code, _matters.c.department, _matters.c.process_key, _matters.c.published).where(
    _matters.c.code == sa.bindparam("code")
)
LATEST_DEFINITION = (
    sa.select(_definitions.c.id, _definitions.c.version)
    .where(_definitions.c.key == sa.bindparam("key"))
    .order_by(_definitions.c.version.desc())
    .limit(1)
)
INSERT_CASE = _cases.insert().returning(_cases.c.id)
NUMBER_CASE = _cases.update().where(_cases.c.id == sa.bindparam("case_id")).values(number=sa.bindparam("number"))
# rows, not ORM objects: a case view is read after every start and on every case page
CASE_WITH_PROCESS = (
    sa.select(
        _cases,
        _definitions.c.key.label("process_key"),
        _definitions.c.version.label("process_version"),
        _matters.c.name.label("matter_name"),
    )
    .join(_definitions, _cases.c.definition_id == _definitions.c.id)
    .join(_matters, _cases.c.matter_code == _matters.c.code)
    .where(_cases.c.id == sa.bindparam("case_id"))
)
_tasks = TaskRecord.__table__
_documents = IssuedDocument.__table__
CASE_TASKS = sa.select(_tasks).where(_tasks.c.case_id == sa.bindparam("case_id")).order_by(_tasks.c.created_at)
CASE_DOCUMENTS = (
    sa.select(_documents.c.id, _documents.c.kind, _documents.c.number, _documents.c.issued_at)
    .where(_documents.c.case_id == sa.bindparam("case_id"))
    .order_by(_documents.c.id)
)


class CaseService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        repository: RepositoryService,
        store: WorkflowStore,
        stepper: CaseStepper,
        calendars: CalendarService,
        materials: MaterialService,
        metrics: Metrics = NULL_METRICS,
    ) -> None:
        self.metrics = metrics
        self.calendars = calendars
        self.materials = materials
        self.db = db
        self.clock = clock
        self.repository = repository
        self.store = store
        self.stepper = stepper

    def start_case(
        self,
        matter_code: str,
        applicant: dict[str, Any],
        data: dict[str, Any] | None,
        actor: Actor,
        materials: Files | None = None,
    ) -> dict[str, Any]:
        """Start a case; ``materials`` ((filename, bytes[, slot]) …) are recorded in the same transaction, so a
        refused file leaves no case behind."""
        applicant = payloads.applicant(applicant)
        data = payloads.form_data(data)
        version: dict[str, int] = {}

        def open_case(connection: sa.Connection, now: _dt.datetime) -> CaseRow:
            matter = (
                connection.execute(MATTER_TO_START, {"code": matter_code}).first()
                if isinstance(matter_code, str)
                else None
            )
            if matter is None or not matter.published:
                raise NotFound("matter_not_published", matter=matter_code)
            definition = connection.execute(LATEST_DEFINITION, {"key": matter.process_key}).first()
            if definition is None:
                raise NotFound("process_not_found", key=matter.process_key)
            case_id = connection.execute(
                INSERT_CASE,
                dict(
                    number=uuid.uuid4().hex[:32],
                    matter_code=matter.code,
                    definition_id=definition.id,
                    department=matter.department,
                    applicant=applicant,
                    status="running",
                    lock_version=0,
                    created_by=actor.id,
                    created_at=now,
                    channel="online" if APPLICANT in actor.roles else "window",
                ),
            ).scalar_one()
            number = f"{now.astimezone(SHANGHAI):%Y%m%d}{case_id:06d}"
            connection.execute(NUMBER_CASE, {"case_id": case_id, "number": number})
            version.update(id=definition.id, version=definition.version)
            return CaseRow(case_id, number, definition.id, matter.department, "running", None, 0, 0, "", matter.code)

        with self.stepper.first_step(actor.id, open_case) as ctx:
            ctx.events.append(
                trail.event(
                    "case_started",
                    ctx.now,
                    case_id=ctx.case.id,
                    actor=actor.id,
                    to_state="running",
                    data_digest=trail.digest({"applicant": applicant, "data": data}),
                    detail={
                        "matter": ctx.case.matter_code,
                        "definition_id": version["id"],
                        "version": version["version"],
                    },
                )
            )
            initial = {"applicant": applicant, **data}
            for task in ctx.wf.get_tasks(state=TaskState.READY):
                task.data.update(initial)
            try:
                ctx.wf.do_engine_steps()
            except WorkflowException as exc:
                raise step_refusal(exc) or InvalidInput("process_could_not_start", detail=str(exc)) from None
            if materials:
                self.materials.record_in(ctx, materials, "application")
        return self.get_case(ctx.case.id, actor)

    def get_case(self, case_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            case = session.execute(CASE_WITH_PROCESS, {"case_id": case_id}).first()
            if case is None:
                raise NotFound("case_not_found", case=case_id)
            tasks = session.execute(CASE_TASKS, {"case_id": case_id}).all()
            if not may_view_case(session, actor, case):
                raise PermissionDenied("case_of_another_unit")
            view = {
                "id": case.id,
                "number": case.number,
                "matter": case.matter_code,
                "matter_name": case.matter_name,
                "department": case.department,
                "applicant": case.applicant,
                "status": case.status,
                "outcome": case.outcome,
                "created_at": _iso(case.created_at),
                "ended_at": _iso(case.ended_at),
                "process": {"id": case.definition_id, "key": case.process_key, "version": case.process_version},
                "clock": clock_fields(case, self.calendars.calendar(), self.clock.now()),
                "light": case.light,
                "tasks": [task_view(t) for t in tasks if t.state == "open"],
                "history": [task_view(t) for t in tasks if t.state != "open"],
                "query_code": case.query_code,
                "intake_due_at": _iso(case.intake_due_at),
                "documents": [
                    {
                        "id": d.id,
                        "kind": d.kind,
                        "title": KINDS[d.kind],
                        "number": d.number,
                        "issued_at": _iso(d.issued_at),
                    }
                    for d in session.execute(CASE_DOCUMENTS, {"case_id": case_id})
                ],
            }
            return view if sees_case_inside(session, actor, case) else public_case(view)

    def list_cases(
        self,
        actor: Actor,
        status: str | None = None,
        limit: int = 100,
        light: str | None = None,
        department: str | None = None,
    ) -> list[dict[str, Any]]:
        if light is not None and light not in LIGHTS:
            raise InvalidInput("not_one_of", field="light", allowed=list(LIGHTS))
        with self.db.reading() as session:
            query = where_given(
                sa.select(Case).order_by(Case.id.desc()).limit(min(max(limit, 1), 500)),
                (Case.status, status),
                (Case.light, light),
                (Case.department, department),
            )
            query = case_scope(query, actor, Case.department, Case.created_by)
            return [
                {
                    "id": c.id,
                    "number": c.number,
                    "matter": c.matter_code,
                    "status": c.status,
                    "outcome": c.outcome,
                    "applicant": c.applicant.get("name"),
                    "created_at": _iso(c.created_at),
                    "department": c.department,
                    "light": c.light,
                    "promised_due_at": _iso(c.promised_due_at),
                    "statutory_due_at": _iso(c.statutory_due_at),
                }
                for c in session.scalars(query)
            ]

    def terminate(self, case_id: int, actor: Actor, reason: str | None) -> dict[str, Any]:
        reason = payloads.opinion(reason)
        if not reason:
            raise InvalidInput("termination_reason_required", field="reason")
        if not actor.is_admin:
            with self.db.reading() as session:
                case = session.get(Case, case_id)
                if case is None:
                    raise NotFound("case_not_found", case=case_id)
                if case.department != actor.department:
                    raise PermissionDenied("terminate_not_allowed")
        with self.stepper.step(case_id, actor.id) as ctx:
            ctx.wf.cancel()
            ctx.events.append(
                trail.event("case_terminated", ctx.now, case_id=case_id, actor=actor.id, detail={"reason": reason})
            )
        return self.get_case(case_id, actor)

    def due_timer_cases(self, as_of: _dt.datetime, limit: int = 1000) -> list[int]:
        """Cases with a timer due by ``as_of``, earliest first (the sweep's ``timers`` work; engine/incidents runs
        ``fire_case_timers`` on each in its own transaction)."""
        with self.db.reading() as session:
            return timers.due_cases(session, as_of, limit)

    def timer_place(self, case_id: int) -> tuple[int | None, str | None]:
        """(case, element of its earliest waiting timer): where an incident of its timers is."""
        with self.db.reading() as session:
            return case_id, timers.earliest_element(session, case_id)

    def fire_case_timers(self, case_id: int, as_of: _dt.datetime | None = None) -> int:
        """Fire the case's timers due by ``as_of`` (the step happens at that instant; by default now); 0 when
        another worker fired them first (safe to repeat)."""
        try:
            with self.stepper.step(case_id, "engine", at=as_of) as ctx:
                due = timers.earliest_due(ctx.connection, case_id, ctx.now)
                if due is None:
                    raise _NothingDue
                ctx.wf.refresh_timers()
                ctx.wf.do_engine_steps()
                lag = (ctx.now - due).total_seconds()  # how late the earliest due timer fires
                ctx.after_commit.append(lambda: self.metrics.observe("timer_lag_seconds", lag))
        except (_NothingDue, Conflict, InvalidState):
            return 0
        return 1


class _NothingDue(Exception):
    """Raised inside a step to roll it back quietly: the timer was fired by someone else."""


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def task_view(t: TaskRecord | sa.Row) -> dict[str, Any]:
    return {
        "id": t.id,
        "case": t.case_id,
        "element": t.element_id,
        "name": t.name,
        "lane": t.lane,
        "department": t.department,
        "post": t.post,
        "assignee": t.assignee,
        "state": t.state,
        "created_at": _iso(t.created_at),
        "due_at": _iso(t.due_at),
        "light": t.light,
        "escalation_level": t.escalation_level,
        "owner": t.owner,
        "completed_at": _iso(t.completed_at),
        "completed_by": t.completed_by,
        "opinion": t.opinion,
        "due_provisional": bool(t.due_provisional),
    }
