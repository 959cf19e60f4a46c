"""The public service guide (办事指南): searching the published catalogue and reading a matter's flow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import NotFound
from ..kernel.paging import PageArg, page_of_list
from ..models import Matter
from .service import HANDLING, summary

if TYPE_CHECKING:
    from ..definitions.repository import RepositoryService
    from ..kernel import Database


def _matches(matter: Matter, words: list[str]) -> bool:
    entry = matter.entry or {}
    text = " ".join(
        [
            matter.code,
            matter.name,
            matter.department,
            matter.matter_type,
            entry.get("summary", ""),
            *entry.get("conditions", []),
            *(m.get("name", "") for m in entry.get("materials", [])),
        ]
    ).lower()
    return all(word in text for word in words)


def card(matter: Matter) -> dict[str, Any]:
    entry = matter.entry or {}
    fees = entry.get("fees", [])
    return {
        **summary(matter),
        "summary": entry.get("summary", ""),
        "online_depth": entry.get("online_depth"),
        "fees": fees,
        "free": bool(entry.get("free")) or not fees,
        "materials_count": len(entry.get("materials", [])),
    }


class GuideService:
    def __init__(self, db: Database, repository: RepositoryService) -> None:
        self.db = db
        self.repository = repository

    def search(
        self,
        keyword: str | None = None,
        department: str | None = None,
        matter_type: str | None = None,
        handling: str | None = None,
    ) -> list[dict[str, Any]]:
        words = [w for w in (keyword or "").lower().split() if w][:10]
        with self.db.reading() as session:
            query = sa.select(Matter).where(Matter.published.is_(True)).order_by(Matter.code)
            if department:
                query = query.where(Matter.department == department)
            if matter_type:
                query = query.where(Matter.matter_type == matter_type)
            if handling:
                query = query.where(Matter.handling == handling)
            return [card(m) for m in session.scalars(query) if _matches(m, words)]

    def page_search(
        self,
        keyword: str | None = None,
        department: str | None = None,
        matter_type: str | None = None,
        handling: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """One page of ``search``."""
        return page_of_list(self.search(keyword, department, matter_type, handling), page, per_page)

    def facets(self) -> dict[str, Any]:
        """The values the catalogue can be filtered by."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(Matter.department, Matter.matter_type).where(Matter.published.is_(True))
            ).all()
        return {
            "departments": sorted({r.department for r in rows}),
            "types": sorted({r.matter_type for r in rows}),
            "handling": list(HANDLING),
        }

    def diagram_xml(self, code: str) -> str:
        """The BPMN of the matter's current published flow."""
        with self.db.reading() as session:
            matter = session.get(Matter, code) if isinstance(code, str) else None
            if matter is None or not matter.published:
                raise NotFound("matter_not_published", matter=code)
            return self.repository.latest(session, matter.process_key).xml
