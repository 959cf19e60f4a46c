"""Who may see a case: its applicant, its departments' officials, and supervisors."""
from __future__ import annotations

import sqlalchemy as sa

from .errors import NotFound, PermissionDenied
from .identity import Actor
from .models import Case, CaseReader, TaskRecord


def may_view_case(session, actor: Actor, case: Case) -> bool:
    if actor.oversees_all or case.created_by == actor.id:
        return True
    if session.get(CaseReader, (case.id, actor.id)) is not None:
        return True
    if not actor.department:
        return False
    if actor.department == case.department:
        return True
    involved = session.scalar(sa.select(sa.func.count()).select_from(TaskRecord).where(
        TaskRecord.case_id == case.id, TaskRecord.department == actor.department))
    return bool(involved)


def require_case_view(session, actor: Actor, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} does not exist")
    if not may_view_case(session, actor, case):
        raise PermissionDenied("this case belongs to another unit")
    return case
