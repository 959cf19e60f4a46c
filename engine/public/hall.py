"""The service hall's display screens: recent cases a screenful at a time, today's counts (received, accepted,
decided), the time-limit and fee notices of the matters on the screen, and a rolling list of every published matter's
notices (a group a screen, wrapping like the rows) — with nothing that is not public.

Seed 002 §1 四是: 通过政务大厅电子显示屏……将业务相关法律法规、人员职责、工作流程、收费标准、办理进度等予以实时公开
…… 随时滚动显示所有办件进展情况. Applicants' names are masked; no lights, officials or internal steps are shown.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..casefiles.masking import mask_name
from ..kernel.clock import SHANGHAI
from ..kernel.paging import page_bounds, page_count
from ..models import Case, Matter
from .public_status import public_status

if TYPE_CHECKING:
    from ..kernel import Clock, Database

ROLLING = 100  # the screens roll through the latest this many cases
PER_SCREEN = 10
NOTICES_PER_SCREEN = 8  # the rolling list of all published matters' limits and fees, this many a screen


def notice(matter: Matter) -> dict[str, Any]:
    """A matter's time limits and fees as the hall shows them (公开时限和收费标准)."""
    entry = matter.entry or {}
    fees = [
        {"item": f.get("item"), "standard": f.get("standard"), "basis": f.get("basis")}
        for f in entry.get("fees") or []
        if f.get("item")
    ]
    return {
        "code": matter.code,
        "name": matter.name,
        "department": matter.department,
        "handling": matter.handling,
        "promised_limit_days": entry.get("promised_limit_days"),
        "statutory_limit_days": entry.get("statutory_limit_days"),
        "free": bool(entry.get("free")) or not fees,
        "fees": fees,
    }


class HallBoard:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def board(
        self,
        limit: int = PER_SCREEN,
        department: str | None = None,
        page: int | str | None = 1,
        notice_page: int | str | None = 1,
    ) -> dict[str, Any]:
        """One screen of the latest cases (``page`` of at most ``ROLLING`` cases, ``limit`` a screen), today's
        counts, the notices of the matters on the screen and ``notice_page`` of every published matter's notices
        (``all_notices``, ``NOTICES_PER_SCREEN`` a screen, by code); each ``next_page`` wraps to the first."""
        now = self.clock.now()
        local = now.astimezone(SHANGHAI)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day_end = day_start + _dt.timedelta(days=1)
        page, limit = page_bounds(page, limit, PER_SCREEN)
        scope = (Case.department == department,) if department else ()
        with self.db.reading() as session:

            def count(*where: Any) -> int:
                return session.scalar(sa.select(sa.func.count()).select_from(Case).where(*scope, *where)) or 0

            total = min(count(), ROLLING)
            pages = page_count(total, limit)
            page = min(page, pages)
            rows = session.execute(
                sa.select(Case, Matter)
                .join(Matter, Case.matter_code == Matter.code)
                .where(*scope)
                .order_by(Case.created_at.desc(), Case.id.desc())
                .offset((page - 1) * limit)
                .limit(min(limit, ROLLING - (page - 1) * limit))
            ).all()
            today = {
                "received": count(Case.created_at >= day_start, Case.created_at < day_end),
                "accepted": count(Case.accepted_at >= day_start, Case.accepted_at < day_end),
                "completed": count(Case.status == "ended", Case.ended_at >= day_start, Case.ended_at < day_end),
            }
            matters = {matter.code: matter for _case, matter in rows}
            all_notices = self._all_notices(session, department, notice_page)
            return {
                "as_of": now.isoformat(),
                "today": today,
                "page": page,
                "pages": pages,
                "next_page": page % pages + 1,
                "per_page": limit,
                "total": total,
                "cases": [
                    {
                        "number": case.number,
                        "matter": case.matter_code,
                        "matter_name": matter.name,
                        "department": case.department,
                        "applicant": mask_name(case.applicant.get("name")),
                        "received_at": case.created_at.isoformat(),
                        "status": public_status(case.status, case.outcome, case.accepted_at, case.pause_kind),
                    }
                    for case, matter in rows
                ],
                "notices": [notice(m) for m in sorted(matters.values(), key=lambda m: m.code)],
                "all_notices": all_notices,
            }

    @staticmethod
    def _all_notices(session: Any, department: str | None, page: int | str | None) -> dict[str, Any]:
        """A screen of every published matter's limits and fees (002 §1 四是: 收费标准……予以实时公开), by code."""
        page, per_screen = page_bounds(page, NOTICES_PER_SCREEN, NOTICES_PER_SCREEN)
        scope = (Matter.published.is_(True), *((Matter.department == department,) if department else ()))
        total = session.scalar(sa.select(sa.func.count()).select_from(Matter).where(*scope)) or 0
        pages = page_count(total, per_screen)
        page = min(page, pages)
        matters = session.scalars(
            sa.select(Matter).where(*scope).order_by(Matter.code).offset((page - 1) * per_screen).limit(per_screen)
        ).all()
        return {
            "page": page,
            "pages": pages,
            "next_page": page % pages + 1,
            "total": total,
            "matters": [notice(m) for m in matters],
        }
