"""Operations clerks perform on open tasks that do not move the workflow: who holds a task and who hears of it.

unclaim, assign (department head), transfer (转办), delegate and take back (委派), urge (催办, limited per day)
and carbon copy (抄送, read-only access to the case). Each is checked against the actor's unit and post,
recorded in the trail with actor and reason, and leaves the case clock as it is.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..identity.access import require_case_view, require_task_in_sight
from ..identity.actors import Actor
from ..kernel import payloads
from ..kernel.clock import SHANGHAI
from ..models import CaseReader, Department, TaskRecord, TrailEntry, User
from ..notices.messages import notify
from ..trail import chain as trail
from .case_service import task_view

if TYPE_CHECKING:
    from ..kernel import Clock, Database

URGES_PER_DAY = 1


class TaskOperations:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- helpers ------------------------------------------------------------------------------
    def _open(self, session: Session, task_id: str, actor: Actor, applicant: bool = False) -> TaskRecord:
        record = session.get(TaskRecord, str(task_id), with_for_update=True)
        if record is None:
            raise NotFound("task_not_found", task=task_id)
        require_task_in_sight(session, actor, record, applicant)  # an outsider learns nothing of the task's state
        if record.state != "open":
            raise Conflict("task_not_open", task=task_id, state=record.state)
        return record

    @staticmethod
    def _official(session: Session, user_id: object, record: TaskRecord) -> User:
        """An active official of the task's department holding its post."""
        if not isinstance(user_id, str):
            raise InvalidInput("official_id_required", field="to")
        row = session.execute(
            sa.select(User, Department.name)
            .join(Department, User.department_id == Department.id)
            .where(User.id == user_id)
        ).first()
        if row is None or not row[0].active:
            raise NotFound("user_not_found", user=user_id)
        user, department = row
        if department != record.department or (record.post and record.post not in (user.posts or [])):
            raise InvalidInput(
                "official_not_in_post" if record.post else "official_not_in_department",
                field="to",
                name=user.name,
                post=record.post,
                department=record.department,
            )
        return user

    def _record(self, session: Session, record: TaskRecord, event: str, actor: Actor, **detail: Any) -> None:
        trail.append_case_events(
            session,
            record.case_id,
            [
                trail.event(
                    event,
                    self.clock.now(),
                    case_id=record.case_id,
                    task_id=record.id,
                    element_id=record.element_id,
                    actor=actor.id,
                    detail={k: v for k, v in detail.items() if v is not None},
                )
            ],
        )

    def _notify(self, session: Session, recipients: Iterable[str], kind: str, record: TaskRecord, message: str) -> None:
        notify(session, recipients, kind, message, self.clock.now(), case_id=record.case_id, task_id=record.id)

    # --- operations ---------------------------------------------------------------------------
    def unclaim(self, task_id: str, actor: Actor) -> dict[str, Any]:
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor)
            if record.assignee is None:
                raise Conflict("task_not_claimed")
            if record.assignee != actor.id and not actor.heads(record.department):
                raise PermissionDenied("unclaim_not_allowed")
            previous, record.assignee = record.assignee, None
            self._record(session, record, "task_unclaimed", actor, previous=previous)
            return task_view(record)

    def assign(self, task_id: str, to: str, actor: Actor, reason: str | None = None) -> dict[str, Any]:
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor)
            if not actor.heads(record.department):
                raise PermissionDenied("assign_not_allowed")
            user = self._official(session, to, record)
            previous, record.assignee = record.assignee, user.id
            self._record(
                session, record, "task_assigned", actor, previous=previous, to=user.id, reason=payloads.opinion(reason)
            )
            self._notify(session, [user.id], "task_assigned", record, f"您有新的待办：{record.name}")
            return task_view(record)

    def transfer(self, task_id: str, to: str, actor: Actor, reason: str | None) -> dict[str, Any]:
        """转办: the holder hands the task to another official of the same post, with a reason."""
        reason = payloads.opinion(reason)
        if not reason:
            raise InvalidInput("transfer_reason_required", field="reason")
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor)
            if record.assignee != actor.id and not actor.heads(record.department):
                raise PermissionDenied("transfer_not_allowed")
            user = self._official(session, to, record)
            if user.id == record.assignee:
                raise InvalidInput("task_already_held_by", field="to")
            previous, record.assignee, record.owner = record.assignee, user.id, None
            self._record(session, record, "task_transferred", actor, previous=previous, to=user.id, reason=reason)
            self._notify(
                session, [user.id], "task_assigned", record, f"{actor.name}转办给您：{record.name}（{reason}）"
            )
            return task_view(record)

    def delegate(self, task_id: str, to: str, actor: Actor, reason: str | None = None) -> dict[str, Any]:
        """委派: the holder asks a colleague to do the work; the task comes back to the holder to complete."""
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor)
            if record.assignee != actor.id:
                raise PermissionDenied("delegate_not_allowed")
            if record.owner is not None:
                raise Conflict("task_already_delegated")
            user = self._official(session, to, record)
            if user.id == actor.id:
                raise InvalidInput("delegate_to_self", field="to")
            record.owner, record.assignee = actor.id, user.id
            self._record(session, record, "task_delegated", actor, to=user.id, reason=payloads.opinion(reason))
            self._notify(session, [user.id], "task_delegated", record, f"{actor.name}委派给您：{record.name}")
            return task_view(record)

    def give_back(self, task_id: str, actor: Actor, opinion: str | None = None) -> dict[str, Any]:
        """The delegate returns the task, with their opinion, to the official who delegated it."""
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor)
            if record.assignee != actor.id and record.owner != actor.id:
                raise PermissionDenied("give_back_not_allowed")
            if record.owner is None:
                raise Conflict("task_not_delegated")
            owner, record.assignee, record.owner = record.owner, record.owner, None
            self._record(
                session, record, "task_delegation_returned", actor, to=owner, opinion=payloads.opinion(opinion)
            )
            self._notify(session, [owner], "task_returned", record, f"委派的待办已交回：{record.name}")
            return task_view(record)

    def urge(self, task_id: str, actor: Actor, message: str | None = None) -> dict[str, Any]:
        """催办: a reminder to whoever holds the task; one per person, task and day."""
        today = self.clock.now().astimezone(SHANGHAI).date()
        start = _dt.datetime.combine(today, _dt.time(0), SHANGHAI)
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor, applicant=True)
            require_case_view(session, actor, record.case_id)
            sent = (
                session.scalar(
                    sa.select(sa.func.count())
                    .select_from(TrailEntry)
                    .where(
                        TrailEntry.task_id == record.id,
                        TrailEntry.event == "task_urged",
                        TrailEntry.actor == actor.id,
                        TrailEntry.at >= start,
                    )
                )
                or 0
            )
            if sent >= URGES_PER_DAY:
                raise Conflict("task_already_urged", per_day=URGES_PER_DAY)
            recipients = (
                [record.assignee]
                if record.assignee
                else list(
                    session.scalars(
                        sa.select(User.id)
                        .join(Department, User.department_id == Department.id)
                        .where(Department.name == record.department)
                    )
                )
            )
            text = payloads.opinion(message) or "请尽快办理"
            self._notify(session, recipients, "task_urged", record, f"催办：{record.name}——{text}")
            self._record(session, record, "task_urged", actor, message=text, recipients=recipients)
            return task_view(record)

    def carbon_copy(self, task_id: str, recipients: list[str], actor: Actor, note: str | None = None) -> dict[str, Any]:
        """抄送: read-only recipients may see the case and are notified."""
        if not isinstance(recipients, list) or not recipients or not all(isinstance(r, str) for r in recipients):
            raise InvalidInput("recipients_required", field="recipients")
        with self.db.transaction() as session:
            record = self._open(session, task_id, actor)
            if record.assignee != actor.id and not actor.heads(record.department):
                raise PermissionDenied("copy_not_allowed")
            for user_id in dict.fromkeys(recipients):
                if session.get(User, user_id) is None:
                    raise NotFound("user_not_found", user=user_id)
                if session.get(CaseReader, (record.case_id, user_id)) is None:
                    session.add(
                        CaseReader(
                            case_id=record.case_id, user_id=user_id, added_by=actor.id, added_at=self.clock.now()
                        )
                    )
            self._notify(session, recipients, "carbon_copy", record, f"抄送：{record.name}")
            self._record(
                session,
                record,
                "task_copied",
                actor,
                recipients=list(dict.fromkeys(recipients)),
                note=payloads.opinion(note),
            )
            return task_view(record)
