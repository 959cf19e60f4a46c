"""Task service: the inbox query, claim and complete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..definitions import forms
from ..definitions.expressions import step_refusal
from ..definitions.forms import Form
from ..errors import Conflict, InvalidInput, Message, NotFound
from ..identity.access import require_task_in_sight, units_seen
from ..identity.actors import Actor, require_task_access
from ..kernel import payloads
from ..kernel.db import Executor, rowcount, where_given
from ..models import Case, Department, TaskRecord, User
from ..trail import chain as trail
from .case_service import task_view
from .stepper import CaseStepper, StepContext
from .workflow_state import task_by_id

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task as SpiffTask

    from ..casefiles.materials import MaterialService
    from ..casefiles.uploads import Files
    from ..definitions.repository import RepositoryService
    from ..kernel import Clock, Database
    from .workflow_store import WorkflowStore

_records = TaskRecord.__table__
NEEDS_REASONS = {"refuse", "deny"}
FROM_POST = "_from_post"  # ``signers_from_post: "部门/岗位"`` fills the account list ``signers`` from a post


class TaskService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        stepper: CaseStepper,
        store: WorkflowStore,
        repository: RepositoryService,
        materials: MaterialService,
    ) -> None:
        self.materials = materials
        self.db = db
        self.clock = clock
        self.stepper = stepper
        self.store = store
        self.repository = repository

    def list_tasks(
        self,
        actor: Actor,
        case: int | None = None,
        assignee: str | None = None,
        lane: str | None = None,
        department: str | None = None,
        state: str = "open",
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        # Most urgent first: escalated steps, then the nearest deadline, then the oldest.
        query = (
            sa.select(TaskRecord)
            .where(TaskRecord.state == state)
            .order_by(
                TaskRecord.escalation_level.desc(),
                TaskRecord.due_at.is_(None),
                TaskRecord.due_at,
                TaskRecord.created_at,
            )
            .limit(min(max(limit, 1), 1000))
        )
        query = where_given(
            query,
            (TaskRecord.case_id, case),
            (TaskRecord.assignee, assignee),
            (TaskRecord.lane, lane),
            (TaskRecord.department, department),
        )
        if not actor.oversees_all:
            query = query.where(sa.or_(TaskRecord.department.in_(units_seen(actor)), TaskRecord.assignee == actor.id))
        with self.db.reading() as session:
            return [task_view(t) for t in session.scalars(query)]

    def get_task(self, task_id: str, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            record = session.get(TaskRecord, task_id)
            if record is None:
                raise NotFound("task_not_found", task=task_id)
            if not (actor.oversees(record.department) or record.assignee == actor.id):
                require_task_access(actor, record.department, record.post, None)
            return {**task_view(record), "form": self._form_view(session, record)}

    def _form_view(self, session: Session, record: TaskRecord) -> dict[str, Any] | None:
        """The step's form with the values the case holds for its fields (those it had when the step opened,
        or those the step was completed with)."""
        case = session.get_one(Case, record.case_id)
        form = self.repository.form(case.definition_id, record.element_id)
        if form is None:
            return None
        with self.store.reading(session, case.id, case.definition_id, case.lock_version) as wf:
            task = task_by_id(wf, UUID(record.id))
            data = task.data if task is not None else {}
            values = {f.id: data[f.id] for f in form.fields if f.id in data}
        return {**form.to_dict(), "values": values}

    def claim(self, task_id: str, actor: Actor) -> dict[str, Any]:
        with self.db.transaction() as session:
            record = self._open_record(session, task_id, actor)
            require_task_access(actor, record.department, record.post, None)
            if record.assignee == actor.id:
                return task_view(record)
            if record.assignee is not None:
                raise Conflict("task_already_claimed", task=task_id, assignee=record.assignee)
            result = session.execute(
                _records.update()
                .where(_records.c.id == task_id, _records.c.state == "open", _records.c.assignee.is_(None))
                .values(assignee=actor.id)
            )
            if rowcount(result) != 1:
                raise Conflict("task_claimed_by_other", task=task_id)
            trail.append_case_events(
                session,
                record.case_id,
                [
                    trail.event(
                        "task_claimed",
                        self.clock.now(),
                        case_id=record.case_id,
                        task_id=task_id,
                        element_id=record.element_id,
                        actor=actor.id,
                    )
                ],
            )
            record.assignee = actor.id
            return task_view(record)

    def complete(
        self,
        task_id: str,
        actor: Actor,
        data: dict[str, Any] | None = None,
        opinion: str | None = None,
        attachments: Files | None = None,
    ) -> dict[str, Any]:
        data = payloads.form_data(data)
        opinion = payloads.opinion(opinion)
        if not opinion and any(value in NEEDS_REASONS for value in data.values() if isinstance(value, str)):
            raise InvalidInput("refusal_needs_reasons", field="opinion")
        task_uuid = _uuid(task_id)
        with self.stepper.step(None, actor.id, task_id=str(task_uuid)) as ctx:
            record = ctx.record
            assert record is not None  # a step on a task has its row
            require_task_access(actor, record.department, record.post, record.assignee)
            task = task_by_id(ctx.wf, task_uuid)
            if task is None or task.state != TaskState.READY:
                raise Conflict("task_not_open", task=task_id)
            task.data.update(self._step_data(ctx, record.element_id, task, data))
            ctx.completed_by[str(task_uuid)] = (actor.id, opinion)
            if attachments:  # officials' files for this step, recorded with its completion
                self.materials.record_in(ctx, attachments, "attachment", task_id=record.id)
            if record.assignee not in (None, actor.id):
                ctx.events.append(
                    trail.event(
                        "task_acted_for",
                        ctx.now,
                        case_id=record.case_id,
                        task_id=record.id,
                        element_id=record.element_id,
                        actor=actor.id,
                        detail={"holder": record.assignee, "as": "AB岗"},
                    )
                )
            try:
                task.run()
                ctx.wf.do_engine_steps()
            except WorkflowException as exc:
                raise step_refusal(exc) or InvalidInput("step_could_not_complete", detail=str(exc)) from None
            now = ctx.now
        return {
            **task_view(record),
            "state": "completed",
            "completed_at": now.isoformat(),
            "completed_by": actor.id,
            "opinion": opinion,
            "next_tasks": ctx.opened,
        }

    def _step_data(self, ctx: StepContext, element_id: str, task: SpiffTask, data: dict[str, Any]) -> dict[str, Any]:
        """What a completion writes: a step without a form writes the data as sent; a step with one writes only
        its fields, checked and converted (InvalidInput with per-field messages otherwise)."""
        form = self.repository.form(ctx.case.definition_id, element_id)
        account_fields = [f.id for f in form.fields if f.type == "users"] if form else ["signers"]
        for name in account_fields:
            if name + FROM_POST in data:
                chosen = officials_of_post(ctx.connection, data[name + FROM_POST], name + FROM_POST)
                data = {**{k: v for k, v in data.items() if k != name + FROM_POST}, name: chosen}
        if form is None:
            return data
        cleaned = forms.validate(form, data, task.data)
        _check_accounts(ctx.connection, form, cleaned)
        return cleaned

    @staticmethod
    def _open_record(session: Session, task_id: str, actor: Actor) -> TaskRecord:
        record = session.get(TaskRecord, str(_uuid(task_id)))
        if record is None:
            raise NotFound("task_not_found", task=task_id)
        require_task_in_sight(session, actor, record)
        if record.state != "open":
            raise Conflict("task_not_open", task=task_id, state=record.state)
        return record


def _uuid(task_id: object) -> UUID:
    try:
        return UUID(str(task_id))
    except ValueError:
        raise NotFound("task_not_found", task=task_id) from None


def _check_accounts(session: Executor, form: Form, cleaned: dict[str, Any]) -> None:
    """Every account named in a users field is an active user."""
    named = {f.id: cleaned[f.id] for f in form.fields if f.type == "users" and f.id in cleaned}
    if not named:
        return
    wanted = {account for accounts in named.values() for account in accounts}
    active = set(session.scalars(sa.select(User.id).where(User.id.in_(wanted), User.active.is_(True))))
    errors = {
        name: Message("accounts_inactive", accounts=[a for a in accounts if a not in active])
        for name, accounts in named.items()
        if not set(accounts) <= active
    }
    if errors:
        labels = [form.by_id[name].label for name in errors]
        raise InvalidInput("form_invalid", fields=errors, labels=labels)


def officials_of_post(session: Executor, lane: object, field: str = "signers_from_post") -> list[str]:
    """Signers chosen at run time from a post: the active officials of ``部门/岗位`` (user ids, sorted)."""
    if not isinstance(lane, str) or "/" not in lane:
        raise InvalidInput("post_reference_format", field=field)
    department, post = (part.strip() for part in lane.split("/", 1))
    rows = session.execute(
        sa.select(User.id, User.posts)
        .join(Department, User.department_id == Department.id)
        .where(Department.name == department, User.active.is_(True))
    ).all()
    officials = sorted(user_id for user_id, posts in rows if post in (posts or []))
    if not officials:
        raise InvalidInput("post_vacant", field=field, post=post, department=department)
    return officials
