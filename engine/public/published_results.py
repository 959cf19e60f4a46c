"""Results published (结果公开): the decided cases whose department published the result, as the public may read
them — the number, the matter, the department, the masked applicant, the outcome and the days; no personal data.

Seed 002 Art. 6: 行政机关应当……提供审批结果查询和其他便民服务; Art. 11 (8): 不按规定公开审批结果的."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..casefiles.masking import mask_name
from ..kernel.clock import SHANGHAI
from ..kernel.paging import PageArg, page_of_query
from ..models import Case, Matter
from ..performance.months import bounds, of, parse
from .public_status import public_status

if TYPE_CHECKING:
    from ..kernel import Database


def _text(value: object, limit: int) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _row(row: Any) -> dict[str, Any]:
    case, matter_name = row
    return {
        "number": case.number,
        "matter": case.matter_code,
        "matter_name": matter_name,
        "department": case.department,
        "applicant": mask_name((case.applicant or {}).get("name")),
        "outcome": public_status(case.status, case.outcome, case.accepted_at, case.pause_kind),
        "received_on": case.created_at.astimezone(SHANGHAI).date().isoformat(),
        "decided_on": case.ended_at.astimezone(SHANGHAI).date().isoformat() if case.ended_at else None,
        "published_at": case.result_published_at.isoformat() if case.result_published_at else None,
    }


class PublishedResults:
    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self,
        matter: object = None,
        department: object = None,
        month: object = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """Published results, the latest decision first; filtered by matter code, department and the month of the
        decision (YYYY-MM, Beijing time)."""
        matter, department = _text(matter, 64), _text(department, 200)
        month = parse(month) if _text(month, 20) else None
        query = (
            sa.select(Case, Matter.name)
            .join(Matter, Case.matter_code == Matter.code)
            .where(Case.status == "ended", Case.result_published_at.is_not(None))
        )
        if matter:
            query = query.where(Case.matter_code == matter)
        if department:
            query = query.where(Case.department == department)
        if month:
            start, end = bounds(month)
            query = query.where(Case.ended_at >= start, Case.ended_at < end)
        with self.db.reading() as session:
            result = page_of_query(
                session,
                query.order_by(Case.ended_at.desc(), Case.id.desc()),
                page,
                per_page,
                view=_row,
                filters={"matter": matter, "department": department, "month": month},
            )
            result["options"] = self._options(session)
        return result

    @staticmethod
    def _options(session: Any) -> dict[str, list[Any]]:
        """What the filters offer: the matters and departments with a published result, and its months."""
        published = sa.and_(Case.status == "ended", Case.result_published_at.is_not(None))
        matters = session.execute(
            sa.select(Matter.code, Matter.name)
            .where(Matter.code.in_(sa.select(Case.matter_code).where(published)))
            .order_by(Matter.code)
        ).all()
        departments = session.scalars(sa.select(Case.department).where(published).distinct()).all()
        ended = session.scalars(
            sa.select(Case.ended_at).where(published).order_by(Case.ended_at.desc()).limit(2000)
        ).all()
        return {
            "matters": [{"code": code, "name": name} for code, name in matters],
            "departments": sorted(departments),
            "months": sorted({of(at) for at in ended if at is not None}, reverse=True),
        }
