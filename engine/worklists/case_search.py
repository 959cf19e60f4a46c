"""Case search for staff: officials see their unit's cases, supervisors their unit and those below, admins all."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..deadlines.lights import NONE, RED, YELLOW, due_today
from ..errors import InvalidInput
from ..identity.access import case_scope, units_seen
from ..identity.actors import Actor
from ..kernel.clock import SHANGHAI
from ..kernel.paging import PageArg, page_bounds, page_count
from ..models import ApplicantName, Case, Department, Matter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database

STATUSES = ("running", "ended")
COUNT_CAP = 10_000  # a list longer than this says "more than 10,000" instead of counting every row in scope
WHOLE_NUMBER = 14  # a case number is its day (YYYYMMDD) and its id (six digits or more)
SHORT_TEXT = 3  # shorter searches match the start of a number or name, longer ones any part (trigram indexes)
LIGHTS = (RED, YELLOW, NONE, "paused")


def _day(value: object, name: str) -> _dt.date | None:
    if value in (None, ""):
        return None
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("date_format", field=name) from None


class CaseSearch:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars  # for the 今日到期 signal beside the light

    def search(
        self,
        actor: Actor,
        status: str | None = None,
        matter: str | None = None,
        department: str | None = None,
        light: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        text: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = 20,
    ) -> dict[str, Any]:
        if status and status not in STATUSES:
            raise InvalidInput("not_one_of", field="status", allowed=list(STATUSES))
        if light and light not in LIGHTS:
            raise InvalidInput("not_one_of", field="light", allowed=list(LIGHTS))
        first, last = _day(date_from, "date_from"), _day(date_to, "date_to")
        if first and last and last < first:
            raise InvalidInput("date_range_reversed", field="date_to")
        page, per_page = page_bounds(page, per_page)
        where: list[sa.ColumnElement[bool]] = []
        if status:
            where.append(Case.status == status)
        if matter:
            where.append(Case.matter_code == matter)
        if department:
            where.append(Case.department == department)
        if light == "paused":
            where.append(Case.paused_since.is_not(None))
        elif light:
            where += [Case.light == light, Case.paused_since.is_(None)]
        if first:
            where.append(Case.created_at >= _dt.datetime.combine(first, _dt.time(0), SHANGHAI))
        if last:
            where.append(Case.created_at < _dt.datetime.combine(last + _dt.timedelta(days=1), _dt.time(0), SHANGHAI))
        if text and text.strip():
            where.append(_text_matches(text.strip()))
        base = case_scope(sa.select(Case.id).where(*where), actor, Case.department, Case.created_by)
        now, calendar = self.clock.now(), self.calendars.calendar()
        with self.db.reading() as session:
            total = session.scalar(sa.select(sa.func.count()).select_from(base.limit(COUNT_CAP + 1).subquery())) or 0
            rows = session.execute(
                case_scope(
                    sa.select(Case, Matter.name).join(Matter, Case.matter_code == Matter.code).where(*where),
                    actor,
                    Case.department,
                    Case.created_by,
                )
                .order_by(Case.created_at.desc(), Case.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
            departments = self._departments(session, actor)
        return {
            "total": min(total, COUNT_CAP),
            "more": total > COUNT_CAP,
            "page": page,
            "per_page": per_page,
            "pages": page_count(min(total, COUNT_CAP), per_page),
            "departments": departments,
            "items": [
                {
                    "id": c.id,
                    "number": c.number,
                    "matter": c.matter_code,
                    "matter_name": name,
                    "applicant": (c.applicant or {}).get("name"),
                    "department": c.department,
                    "status": c.status,
                    "outcome": c.outcome,
                    "light": "paused" if c.paused_since else c.light,
                    # Art. 10's 到期日: a signal beside the light
                    "due_today": c.status == "running"
                    and c.paused_since is None
                    and due_today(now, c.promised_due_at, calendar),
                    "created_at": c.created_at.isoformat(),
                    "promised_due_at": _iso(c.promised_due_at),
                    "ended_at": _iso(c.ended_at),
                }
                for c, name in rows
            ],
        }

    @staticmethod
    def _departments(session: Session, actor: Actor) -> list[str]:
        """The departments the actor may filter by: those whose cases they see (all for the city's overseers)."""
        if actor.oversees_all:
            return sorted(session.scalars(sa.select(Department.name).where(Department.active)))
        return sorted(units_seen(actor))


def _text_matches(text: str) -> sa.ColumnElement[bool]:
    """A case number or an applicant's name: any part of it from three characters on, else its beginning."""
    name = ApplicantName()
    if text.isdigit() and len(text) >= WHOLE_NUMBER:  # a whole case number: its unique index, no trigram scan
        return Case.number == text
    if len(text) < SHORT_TEXT:
        return sa.or_(Case.number.startswith(text, autoescape=True), name.startswith(text, autoescape=True))
    return sa.or_(Case.number.contains(text, autoescape=True), name.contains(text, autoescape=True))


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
