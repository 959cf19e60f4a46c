"""Who may see a case and how much of it: its applicant (the public view the portal gives: no officials, no
opinions, no internal events), its departments' officials and supervisors (everything); who may act for the whole
city (archive a month's evaluation, change the scoring standard)."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..errors import NotFound, PermissionDenied
from ..models import Case, CaseReader, Department, TaskRecord
from .actors import ADMIN, MONITOR, OFFICIAL, SUPERVISOR, Actor

_Select = TypeVar("_Select", bound="sa.Select")


# The trail events an applicant is told of, with the parts of their detail the portal shows.
APPLICANT_EVENTS: dict[str, tuple[str, ...]] = {
    "case_started": (),
    "case_accepted": (),
    "clock_paused": ("missing",),
    "clock_resumed": (),
    "document_issued": ("number",),
    "case_ended": (),
    "licence_issued": ("code",),
    "licence_revoked": (),
    "service_rated": (),
}

APPLICANT_MATERIALS = ("application", "supplement")  # the materials an applicant sees: what they handed in


def public_material(view: dict[str, Any], applicant: str) -> dict[str, Any] | None:
    """A material as the case's applicant may see it: only what was handed in for the application, without the
    official who may have uploaded it on their behalf; None for officials' own attachments."""
    if view["kind"] not in APPLICANT_MATERIALS:
        return None
    return {**view, "task": None, "uploaded_by": view["uploaded_by"] if view["uploaded_by"] == applicant else None}


def may_view_case(session: Session, actor: Actor, case: Case | sa.Row[Any]) -> bool:
    return case.created_by == actor.id or sees_case_inside(session, actor, case)


def sees_case_inside(session: Session, actor: Actor, case: Case | sa.Row[Any]) -> bool:
    """Staff who see the case's internals (steps, officials, opinions, every trail event): administrators, the
    supervisors over its units, its departments' officials and those it was copied to (抄送). Its applicant sees
    only the public view (``public_case``, ``public_trail``)."""
    if actor.oversees_all:
        return True
    units = units_seen(actor)
    if case.department in units:
        return True
    if session.get(CaseReader, (case.id, actor.id)) is not None:
        return True
    if not units:
        return False
    involved = session.scalar(
        sa.select(sa.func.count())
        .select_from(TaskRecord)
        .where(TaskRecord.case_id == case.id, TaskRecord.department.in_(units))
    )
    return bool(involved)


def public_case(view: dict[str, Any]) -> dict[str, Any]:
    """A case as its applicant may read it: its steps without who holds or did them and without opinions."""
    hidden = {"assignee": None, "owner": None, "completed_by": None, "opinion": None}
    return {
        **view,
        "tasks": [{**task, **hidden} for task in view["tasks"]],
        "history": [{**task, **hidden} for task in view["history"] if task["state"] == "completed"],
    }


def public_trail(entries: list[dict[str, Any]], applicant: str) -> list[dict[str, Any]]:
    """The trail rows an applicant is told of (``APPLICANT_EVENTS``), without officials' ids, steps or internal
    detail; each keeps its hash, so the applicant can still show the rows they were given."""
    shown = []
    for entry in entries:
        keys = APPLICANT_EVENTS.get(entry["event"])
        if keys is None:
            continue
        detail = {
            key: entry["detail"][key] for key in keys if isinstance(entry["detail"], dict) and key in entry["detail"]
        }
        shown.append(
            {
                **entry,
                "task_id": None,
                "element": None,
                "actor": applicant if entry["actor"] == applicant else None,
                "data_digest": None,
                "detail": detail or None,
            }
        )
    return shown


def require_task_in_sight(session: Session, actor: Actor, record: TaskRecord, applicant: bool = False) -> None:
    """Refuse (403) anyone who does not see the task's case from inside before anything about the task's state is
    told: its holder, the official who delegated it, and those who ``sees_case_inside`` (with ``applicant``, the
    case's applicant too: they may urge) pass on to the operation's own check."""
    if actor.id in (record.assignee, record.owner) or (record.assignee and record.assignee in actor.standing_in_for):
        return
    case = session.get(Case, record.case_id)
    sees = may_view_case if applicant else sees_case_inside
    if case is None or not sees(session, actor, case):
        raise PermissionDenied("task_of_another_department")


def is_staff(actor: Actor) -> bool:
    """Officials, supervisors and administrators: who works inside the system (not applicants, not the data
    exchange accounts of ministry systems)."""
    return bool({ADMIN, MONITOR, SUPERVISOR, OFFICIAL} & set(actor.roles))


def acts_for_whole_city(session: Session, actor: Actor) -> bool:
    """Administrators, and the supervisors of a city-level bureau (their scope is the city and every unit below):
    only they archive a month's evaluation of every unit or change the scoring standard all units are scored by."""
    if actor.is_admin:
        return True
    if not actor.is_supervisor or actor.department is None:
        return False
    return session.scalar(sa.select(Department.level).where(Department.name == actor.department)) == "city"


def units_seen(actor: Actor) -> tuple[str, ...]:
    """Departments whose cases the actor sees (besides their own applications): a supervisor's whole scope,
    an official's own department."""
    if actor.is_supervisor:
        return actor.supervised + ((actor.department,) if actor.department else ())
    return (actor.department,) if actor.department else ()


def case_scope(
    query: _Select, actor: Actor, case_column: InstrumentedAttribute[Any], created_by_column: InstrumentedAttribute[Any]
) -> _Select:
    """Restrict a query over cases to those the actor may see."""
    if actor.oversees_all:
        return query
    units = units_seen(actor)
    # Probed case by case through ix_task_case_department, so a search narrowed by an index looks up only its
    # candidates' steps. OFFSET 0 keeps PostgreSQL from hashing every step of the units instead, which grows with
    # the table (a sub-select with an offset is never turned into a hashed one).
    involved = (
        sa.select(sa.literal(1))
        .where(TaskRecord.case_id == Case.id, TaskRecord.department.in_(units))
        .offset(0)
        .exists()
    )
    return query.where(sa.or_(case_column.in_(units), created_by_column == actor.id, involved))


def require_case_view(session: Session, actor: Actor, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case_not_found", case=case_id)
    if not may_view_case(session, actor, case):
        raise PermissionDenied("case_of_another_unit")
    return case


def require_own_case(session: Session, actor: Actor, case_id: object) -> Case:
    """The case as its applicant sees it: only the account that applied, never officials or other applicants."""
    case = session.get(Case, case_id) if isinstance(case_id, int) else None
    if case is None:
        raise NotFound("case_not_found", case=case_id)
    if case.created_by != actor.id:
        raise PermissionDenied("case_of_another_applicant")
    return case
