"""The clerk's worklists: my tasks and my groups' tasks by urgency, carbon copies to me, and steps I completed.

Urgency: red first, then yellow, then the fewest working days left before the nearer of the step's deadline
and the case's promised limit; remaining working days are counted on the working-day calendar.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..deadlines.lights import RED, YELLOW, due_today, worse
from ..deadlines.working_time import WorkingCalendar
from ..errors import InvalidInput
from ..identity.access import require_case_view
from ..identity.actors import Actor
from ..kernel.db import Executor
from ..kernel.paging import PageArg, page_bounds, page_count
from ..models import Case, CaseReader, Department, Matter, TaskRecord, User

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

SCOPES = ("all", "mine", "group")
LIGHT_FILTERS = (RED, YELLOW, "none", "paused")
_SEVERITY = {RED: 3, YELLOW: 2}
COUNT_CAP = 1_000  # a queue longer than this says "more than 1,000" instead of counting every step in it
# Urgency: red, yellow (the worse of the step's and the case's light), then the nearer due instant (none last), the
# more escalated, the older.
INBOX_ORDER = (
    TaskRecord.inbox_rank,
    TaskRecord.inbox_due.asc().nulls_last(),
    TaskRecord.escalation_level.desc(),
    TaskRecord.created_at,
    TaskRecord.id,
)


def text_match(column: sa.ColumnExpressionArgument[Any], text: str) -> sa.ColumnElement[bool]:
    """``column`` (a string or a JSON column) contains ``text``; JSON stores non-ASCII text escaped."""
    as_text = sa.cast(column, sa.Text)
    escaped = json.dumps(text)[1:-1]
    conditions = [as_text.contains(text, autoescape=True)]
    if escaped != text:
        conditions.append(as_text.contains(escaped, autoescape=True))
    return sa.or_(*conditions)


def display_names(session: Executor, user_ids: Iterable[str | None]) -> dict[str, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


class InboxService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars

    # --- my tasks and my groups' tasks ----------------------------------------------------------------
    def tasks(
        self,
        actor: Actor,
        scope: str = "all",
        matter: str | None = None,
        light: str | None = None,
        step: str | None = None,
        text: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = 20,
    ) -> dict[str, Any]:
        if scope not in SCOPES:
            raise InvalidInput("not_one_of", field="scope", allowed=list(SCOPES))
        if light and light not in LIGHT_FILTERS:
            raise InvalidInput("not_one_of", field="light", allowed=list(LIGHT_FILTERS))
        page, per_page = page_bounds(page, per_page)
        holders = (actor.id, *actor.standing_in_for)
        mine = TaskRecord.assignee.in_(holders)
        group = sa.and_(
            TaskRecord.assignee.is_(None),
            TaskRecord.department == actor.department,
            sa.or_(TaskRecord.post.is_(None), TaskRecord.post.in_(actor.posts or ("",))),
        )
        filters: list[sa.ColumnElement[bool]] = []
        if matter:
            filters.append(Case.matter_code == matter)
        if step:
            filters.append(TaskRecord.name == step)
        if text and text.strip():
            filters.append(
                sa.or_(Case.number.contains(text.strip(), autoescape=True), text_match(Case.applicant, text.strip()))
            )
        if light == "paused":
            filters.append(Case.paused_since.is_not(None))
        elif light:
            filters.append(Case.paused_since.is_(None))
            filters.append(self._light_is(light))
        # Each part of the queue (an official's own steps, one holder at a time, and the unit's unassigned ones) is
        # read from its index in the inbox's order (engine/models/inbox_order.py) up to the page's end; the page is
        # the merge of those few rows, never a sort of the whole queue.
        own = [TaskRecord.assignee == holder for holder in holders]
        parts: dict[str, list[sa.ColumnElement[bool]]] = {"all": [*own, group], "mine": own, "group": [group]}
        reach = page * per_page

        def part(condition: sa.ColumnElement[bool]) -> sa.Subquery:
            query = sa.select(TaskRecord.id).where(TaskRecord.state == "open", condition, *filters)
            if filters:
                query = query.join(Case, TaskRecord.case_id == Case.id)
            return query.order_by(*INBOX_ORDER).limit(reach).subquery()

        chosen = [sa.select(part(condition).c.id) for condition in parts[scope]]
        ids = chosen[0] if len(chosen) == 1 else sa.union_all(*chosen)

        def capped(condition: sa.ColumnElement[bool]) -> sa.ScalarSelect[int]:
            """The part's steps counted up to one more than the cap (from its index alone when unfiltered)."""
            query = sa.select(TaskRecord.state).where(TaskRecord.state == "open", condition, *filters)
            if filters:
                query = query.join(Case, TaskRecord.case_id == Case.id)
            return sa.select(sa.func.count()).select_from(query.limit(COUNT_CAP + 1).subquery()).scalar_subquery()

        whole: dict[str, list[sa.ColumnElement[bool]]] = {"all": [mine, group], "mine": [mine], "group": [group]}
        counts = [capped(condition) for condition in whole[scope]]
        query = (
            sa.select(TaskRecord, Case, Matter.name)
            .join(Case, TaskRecord.case_id == Case.id)
            .join(Matter, Case.matter_code == Matter.code)
            .where(TaskRecord.id.in_(ids))
            .order_by(*INBOX_ORDER)
        )
        with self.db.reading() as session:
            total = sum(session.execute(sa.select(*counts)).one())
            rows = session.execute(query.offset((page - 1) * per_page).limit(per_page)).all()
            names = display_names(session, [r.TaskRecord.assignee for r in rows] + [r.TaskRecord.owner for r in rows])
            steps = self._step_names(session, actor, scope, mine, group)
        calendar = self._calendar()
        items = [self._row(r.TaskRecord, r.Case, r.name, names, calendar, holders) for r in rows]
        return {
            "items": items,
            "total": min(total, COUNT_CAP),
            "more": total > COUNT_CAP,
            "page": page,
            "per_page": per_page,
            "pages": page_count(min(total, COUNT_CAP), per_page),
            "steps": list(steps),
        }

    @staticmethod
    def _step_names(
        session: Executor, actor: Actor, scope: str, mine: sa.ColumnElement[bool], group: sa.ColumnElement[bool]
    ) -> list[str]:
        """The names of the steps in the queue (the step filter's choices): the official's own steps as they are,
        the unit's queue one name at a time from its index (each name found by one probe, never the whole queue)."""
        names: set[str] = set()
        if scope in ("all", "mine"):
            names.update(session.scalars(sa.select(TaskRecord.name).where(TaskRecord.state == "open", mine).distinct()))
        if scope in ("all", "group"):
            found = sa.select(sa.func.min(TaskRecord.name).label("name")).where(TaskRecord.state == "open", group)
            walk = found.cte("step_names", recursive=True)
            later = sa.select(
                sa.select(sa.func.min(TaskRecord.name))
                .where(TaskRecord.state == "open", group, TaskRecord.name > walk.c.name)
                .scalar_subquery()
            ).where(walk.c.name.is_not(None))
            walk = walk.union_all(later)
            names.update(n for n in session.scalars(sa.select(walk.c.name)) if n is not None)
        return sorted(names)

    @staticmethod
    def _light_is(light: str) -> sa.ColumnElement[bool]:
        if light == "none":
            return sa.and_(TaskRecord.light.notin_(tuple(_SEVERITY)), Case.light.notin_(tuple(_SEVERITY)))
        worse = [name for name, rank in _SEVERITY.items() if rank > _SEVERITY[light]]
        return sa.and_(
            sa.or_(TaskRecord.light == light, Case.light == light),
            TaskRecord.light.notin_(worse),
            Case.light.notin_(worse),
        )

    def _calendar(self) -> WorkingCalendar:
        return self.calendars.calendar()

    def _row(
        self,
        record: TaskRecord,
        case: Case,
        matter_name: str,
        names: dict[str, str],
        calendar: WorkingCalendar | None,
        holders: tuple[str, ...],
    ) -> dict[str, Any]:
        dues = [d for d in (record.due_at, case.promised_due_at) if d is not None]
        due = min(dues) if dues else None
        return {
            "id": record.id,
            "case": case.id,
            "number": case.number,
            "matter": case.matter_code,
            "matter_name": matter_name,
            "applicant": (case.applicant or {}).get("name"),
            "step": record.name,
            "element": record.element_id,
            "light": "paused" if case.paused_since else worse(record.light, case.light),
            # Art. 10: the due date is a signal beside the light, not a light
            "due_today": case.paused_since is None
            and calendar is not None
            and due_today(self.clock.now(), case.promised_due_at, calendar),
            "due_at": due.isoformat() if due else None,
            "remaining_days": self.remaining_days(calendar, due),
            "received_at": record.created_at.isoformat(),
            "assignee": record.assignee,
            "assignee_name": names.get(record.assignee or ""),
            "owner": record.owner,
            "owner_name": names.get(record.owner or ""),
            "mine": record.assignee in holders,
            "escalation_level": record.escalation_level,
        }

    def days_left(self, *dues: _dt.datetime | None) -> list[float | None]:
        """Working days left before each instant of ``dues`` (None where unknown), on today's calendar."""
        calendar = self._calendar()
        return [self.remaining_days(calendar, due) for due in dues]

    def remaining_days(self, calendar: WorkingCalendar | None, due: _dt.datetime | None) -> float | None:
        """Working days left before ``due`` (negative: overdue by that many), to one decimal."""
        if due is None or calendar is None:
            return None
        now = self.clock.now()
        if due >= now:
            seconds = calendar.working_seconds(now, due)
        else:
            seconds = -calendar.working_seconds(due, now)
        return round(seconds / calendar.day_seconds(), 1)

    # --- carbon copies and completed steps ------------------------------------------------------------
    def copies(self, actor: Actor, page: PageArg = 1, per_page: PageArg = 20) -> dict[str, Any]:
        """Cases copied to me (抄送我的): read-only."""
        page, per_page = page_bounds(page, per_page)
        where = CaseReader.user_id == actor.id
        with self.db.reading() as session:
            total = session.scalar(sa.select(sa.func.count()).select_from(CaseReader).where(where)) or 0
            rows = session.execute(
                sa.select(CaseReader, Case, Matter.name)
                .join(Case, CaseReader.case_id == Case.id)
                .join(Matter, Case.matter_code == Matter.code)
                .where(where)
                .order_by(CaseReader.added_at.desc(), CaseReader.case_id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
            names = display_names(session, [r.CaseReader.added_by for r in rows])
        return {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": page_count(total, per_page),
            "items": [
                {
                    "case": r.Case.id,
                    "number": r.Case.number,
                    "matter_name": r.name,
                    "applicant": (r.Case.applicant or {}).get("name"),
                    "status": r.Case.status,
                    "light": r.Case.light,
                    "added_by": r.CaseReader.added_by,
                    "added_by_name": names.get(r.CaseReader.added_by),
                    "added_at": r.CaseReader.added_at.isoformat(),
                }
                for r in rows
            ],
        }

    def done(self, actor: Actor, page: PageArg = 1, per_page: PageArg = 20) -> dict[str, Any]:
        """Steps I completed (已办), latest first; an open case's latest one may still be withdrawn."""
        page, per_page = page_bounds(page, per_page)
        where = sa.and_(TaskRecord.completed_by == actor.id, TaskRecord.state == "completed")
        with self.db.reading() as session:
            total = session.scalar(sa.select(sa.func.count()).select_from(TaskRecord).where(where)) or 0
            rows = session.execute(
                sa.select(TaskRecord, Case, Matter.name)
                .join(Case, TaskRecord.case_id == Case.id)
                .join(Matter, Case.matter_code == Matter.code)
                .where(where)
                .order_by(TaskRecord.completed_at.desc(), TaskRecord.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
        return {
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": page_count(total, per_page),
            "items": [
                {
                    "id": r.TaskRecord.id,
                    "case": r.Case.id,
                    "number": r.Case.number,
                    "matter_name": r.name,
                    "applicant": (r.Case.applicant or {}).get("name"),
                    "step": r.TaskRecord.name,
                    "opinion": r.TaskRecord.opinion,
                    "completed_at": r.TaskRecord.completed_at.isoformat(),
                    "case_status": r.Case.status,
                }
                for r in rows
            ],
        }

    # --- people to hand a task to ---------------------------------------------------------------------
    def colleagues(self, task_id: str, actor: Actor) -> list[dict[str, Any]]:
        """Active officials of the task's department holding its post (transfer, delegate, assign)."""
        with self.db.reading() as session:
            record = session.get(TaskRecord, str(task_id))
            if record is None:
                return []
            require_case_view(session, actor, record.case_id)
            users = session.scalars(
                sa.select(User)
                .join(Department, User.department_id == Department.id)
                .where(Department.name == record.department, User.active.is_(True))
                .order_by(User.id)
            ).all()
            return [{"id": u.id, "name": u.name} for u in users if not record.post or record.post in (u.posts or [])]

    def names(self, user_ids: Iterable[str | None]) -> dict[str, str]:
        with self.db.reading() as session:
            return display_names(session, user_ids)
