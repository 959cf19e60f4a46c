"""告知承诺制: a matter's catalogue entry may let the applicant sign a pledge in place of a listed material
(``pledge: true`` on the material); the pledge stands in for it on the case's checklist. Once the case is approved,
the department checks each pledge after the approval (事后核查) within the matter's ``pledge_check_days`` working
days (20 by default) and records whether it held; supervisors see the checks pending in their units.

Seed 001: 要建立健全AB岗工作制、告知承诺制等制度体系; seed 002: 前置审批承诺制推行以后，门槛进一步降低，审批变得简易而
监管的压力增大.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ..identity.access import require_case_view, units_seen
from ..identity.actors import OFFICIAL, Actor
from ..kernel.paging import PageArg, page_of_query
from ..models import Case, MaterialPledge, Matter
from ..trail import chain as trail
from ..trail.chain import TrailRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..deadlines.calendar_service import CalendarService
    from ..deadlines.working_time import WorkingCalendar
    from ..kernel import Clock, Database

CHECK_DAYS = 20
STATEMENT = (
    "申请人承诺：已具备“{material}”所证明的条件，所作承诺真实有效；如承诺不实，愿承担相应法律责任，并接受撤销许可。"
)
_pledges = MaterialPledge.__table__
# (session, pledge, case, actor id, now) -> trail rows: a pledge found false at its post-approval check
PledgeHook = Callable[["Session", MaterialPledge, Case, str, _dt.datetime], list[TrailRow]]


def check_days(entry: dict[str, Any]) -> int:
    """The working days the matter allows for the post-approval check (``pledge_check_days``, else 20)."""
    days = entry.get("pledge_check_days")
    return days if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 365 else CHECK_DAYS


def check_due(calendar: WorkingCalendar, ended_at: _dt.datetime | None, entry: dict[str, Any]) -> _dt.datetime | None:
    """When the post-approval check of a pledge on a case approved at ``ended_at`` falls due."""
    return None if ended_at is None else calendar.add_working_days(ended_at, check_days(entry))


def pledgeable(entry: dict[str, Any]) -> list[str]:
    """The names of the entry's materials a signed pledge may stand in for."""
    return [m["name"] for m in entry.get("materials") or [] if isinstance(m, dict) and m.get("pledge")]


def _view(pledge: MaterialPledge, case: Case | None = None, due: Any = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": pledge.id,
        "case": pledge.case_id,
        "material": pledge.material,
        "statement": pledge.statement,
        "signed_by": pledge.signed_by,
        "signed_at": pledge.signed_at.isoformat(),
        "checked_at": pledge.checked_at.isoformat() if pledge.checked_at else None,
        "checked_by": pledge.checked_by,
        "held": pledge.check_result,
        "finding": pledge.finding,
    }
    if case is not None:
        result.update(number=case.number, department=case.department, matter=case.matter_code)
        result["check_due_at"] = due.isoformat() if due is not None else None
    return result


class PledgeService:
    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.db = db
        self.clock = clock
        self.calendars = calendars
        self.found_false: Sequence[PledgeHook] = ()  # the wiring table's ``pledge_false`` hooks

    def sign(self, case_id: int, materials: object, actor: Actor) -> list[dict[str, Any]]:
        """The applicant (or the window for them) signs a pledge for each named material, before the decision."""
        if not isinstance(materials, list) or not materials or not all(isinstance(m, str) for m in materials):
            raise InvalidInput("pledge_materials_required", field="materials")
        now = self.clock.now()
        with self.db.transaction() as session:
            case = require_case_view(session, actor, case_id)
            if case.created_by != actor.id and not (OFFICIAL in actor.roles and actor.department == case.department):
                raise PermissionDenied("pledge_applicant_or_window")
            if case.status == "ended":
                raise InvalidState("pledge_case_ended", field="status")
            entry = session.scalar(sa.select(Matter.entry).where(Matter.code == case.matter_code)) or {}
            allowed = pledgeable(entry)
            for name in materials:
                if name not in allowed:
                    raise InvalidInput("pledge_not_allowed", field="materials", material=name[:200])
            signed = set(session.scalars(sa.select(_pledges.c.material).where(_pledges.c.case_id == case_id)))
            new = [name for name in dict.fromkeys(materials) if name not in signed]
            for name in new:
                session.execute(
                    _pledges.insert().values(
                        case_id=case_id,
                        material=name,
                        statement=STATEMENT.format(material=name),
                        signed_by=actor.id,
                        signed_at=now,
                    )
                )
            if new:
                trail.append_case_events(
                    session,
                    case_id,
                    [trail.event("pledge_signed", now, case_id=case_id, actor=actor.id, detail={"materials": new})],
                )
            rows = session.scalars(
                sa.select(MaterialPledge).where(MaterialPledge.case_id == case_id).order_by(MaterialPledge.id)
            ).all()
            return [_view(p) for p in rows]

    def for_case(self, case_id: int, actor: Actor) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            require_case_view(session, actor, case_id)
            rows = session.scalars(
                sa.select(MaterialPledge).where(MaterialPledge.case_id == case_id).order_by(MaterialPledge.id)
            ).all()
            return [_view(p) for p in rows]

    def _due(self, case: Case, entry: dict[str, Any]) -> Any:
        return check_due(self.calendars.calendar(), case.ended_at, entry)

    def pending_checks(self, actor: Actor, page: PageArg = 1, per_page: PageArg = None) -> dict[str, Any]:
        """Pledges of approved cases not yet checked, in the actor's units (a supervisor's whole scope), the oldest
        approval first; each with its check's due instant and whether it is overdue."""
        if not (actor.is_admin or actor.is_supervisor or OFFICIAL in actor.roles):
            raise PermissionDenied("pledge_checks_staff_only")
        query = (
            sa.select(MaterialPledge, Case, Matter.entry)
            .join(Case, Case.id == MaterialPledge.case_id)
            .join(Matter, Matter.code == Case.matter_code)
            .where(Case.status == "ended", Case.outcome == "approved", MaterialPledge.checked_at.is_(None))
            .order_by(Case.ended_at, MaterialPledge.id)
        )
        if not actor.oversees_all:
            query = query.where(Case.department.in_(units_seen(actor)))
        now = self.clock.now()

        def row(found: Any) -> dict[str, Any]:
            pledge, case, entry = found
            due = self._due(case, entry or {})
            return {**_view(pledge, case, due), "overdue": due is not None and due < now}

        with self.db.reading() as session:
            return page_of_query(session, query, page, per_page, view=row)

    def record_check(self, pledge_id: int, actor: Actor, held: object, finding: object) -> dict[str, Any]:
        """The department (or a supervisor of its unit) records the post-approval check of a pledge: whether it
        held, with the finding; once, and only after the case was approved. A false pledge runs the ``pledge_false``
        hooks in the same transaction."""
        if not isinstance(held, bool):
            raise InvalidInput("pledge_held_required", field="held")
        if not isinstance(finding, str) or not finding.strip() or len(finding.strip()) > 4000:
            raise InvalidInput("pledge_finding_required", field="finding")
        now = self.clock.now()
        with self.db.transaction() as session:
            pledge = session.get(MaterialPledge, pledge_id)
            if pledge is None:
                raise NotFound("pledge_not_found", pledge=pledge_id)
            case = require_case_view(session, actor, pledge.case_id)
            if not (
                actor.oversees(case.department) or (OFFICIAL in actor.roles and actor.department == case.department)
            ):
                raise PermissionDenied("pledge_check_department_only")
            if case.status != "ended" or case.outcome != "approved":
                raise InvalidState("pledge_check_before_approval", field="status")
            if pledge.checked_at is not None:
                raise InvalidState("pledge_already_checked", field="checked_at")
            session.execute(
                _pledges.update()
                .where(_pledges.c.id == pledge_id)
                .values(checked_at=now, checked_by=actor.id, check_result=held, finding=finding.strip())
            )
            rows = [
                trail.event(
                    "pledge_checked",
                    now,
                    case_id=case.id,
                    actor=actor.id,
                    element_id=pledge.material,
                    to_state="held" if held else "false",
                    detail={"pledge": pledge_id, "material": pledge.material},
                )
            ]
            session.refresh(pledge)
            if not held:  # 承诺不实: the wiring table's hooks (a correction signal on the case)
                rows += [row for hook in self.found_false for row in hook(session, pledge, case, actor.id, now)]
            trail.append_case_events(session, case.id, rows)
            return _view(pledge)
