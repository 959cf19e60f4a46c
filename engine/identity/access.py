"""Who may see a case: its applicant, its departments' officials, and supervisors."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..errors import NotFound, PermissionDenied
from ..models import Case, CaseReader, TaskRecord
from .actors import Actor

_Select = TypeVar("_Select", bound="sa.Select")


def may_view_case(session: Session, actor: Actor, case: Case) -> bool:
    if actor.oversees_all or case.created_by == actor.id:
        return True
    if session.get(CaseReader, (case.id, actor.id)) is not None:
        return True
    units = units_seen(actor)
    if not units:
        return False
    if case.department in units:
        return True
    involved = session.scalar(
        sa.select(sa.func.count())
        .select_from(TaskRecord)
        .where(TaskRecord.case_id == case.id, TaskRecord.department.in_(units))
    )
    return bool(involved)


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
    # Correlated, so a search narrowed by an index looks up only its candidates' steps (task_record.case_id).
    involved = sa.exists().where(TaskRecord.case_id == Case.id, TaskRecord.department.in_(units))
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
