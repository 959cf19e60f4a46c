"""首问负责: the first official an applicant asks records the enquiry — who asked, the question, the answer given and,
when the matter belongs elsewhere, the department it was referred to — and stays named on it. Each enquiry writes
its trail row (``enquiry_recorded``) in the same transaction.

Seed 002 (Art. 17 (一)): 部门开展行政审批工作情况，包括落实首问负责制、限时办结制情况. Window officials record and read
their own department's enquiries; supervisors read those of the units they oversee; applicants never see them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import InvalidInput, PermissionDenied
from ..identity.access import units_seen
from ..identity.actors import OFFICIAL, Actor
from ..kernel.paging import PageArg, page_of_query
from ..models import Department, Enquiry, Matter
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..kernel import Clock, Database

_enquiries = Enquiry.__table__


def _text(data: dict[str, Any], name: str, limit: int, required: bool = True) -> str | None:
    value = data.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit or (required and not text) or (value is not None and not isinstance(value, str)):
        raise InvalidInput("enquiry_field_invalid", field=name, limit=limit)
    return text or None


def view(row: Enquiry) -> dict[str, Any]:
    return {
        "id": row.id,
        "department": row.department,
        "official": row.official,
        "official_name": row.official_name,
        "applicant": row.applicant,
        "contact": row.contact,
        "matter": row.matter_code,
        "question": row.question,
        "answer": row.answer,
        "referred_to": row.referred_to,
        "asked_at": row.asked_at.isoformat(),
    }


class EnquiryService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(self, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
        """The acting official records an enquiry put to them first; they are named on it."""
        if OFFICIAL not in actor.roles or not actor.department:
            raise PermissionDenied("enquiry_officials_only")
        fields = {
            "applicant": _text(data, "applicant", 100),
            "contact": _text(data, "contact", 50, required=False),
            "matter_code": _text(data, "matter", 64, required=False),
            "question": _text(data, "question", 4000),
            "answer": _text(data, "answer", 4000),
            "referred_to": _text(data, "referred_to", 200, required=False),
        }
        now = self.clock.now()
        with self.db.transaction() as session:
            if fields["matter_code"] and session.get(Matter, fields["matter_code"]) is None:
                raise InvalidInput("enquiry_matter_unknown", field="matter", matter=fields["matter_code"])
            referred = fields["referred_to"]
            if referred and session.scalar(sa.select(Department.id).where(Department.name == referred)) is None:
                raise InvalidInput("enquiry_department_unknown", field="referred_to", department=referred)
            enquiry_id = session.execute(
                _enquiries.insert()
                .values(
                    department=actor.department,
                    official=actor.id,
                    official_name=actor.name,
                    asked_at=now,
                    **fields,
                )
                .returning(_enquiries.c.id)
            ).scalar_one()
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "enquiry_recorded",
                        now,
                        actor=actor.id,
                        element_id=f"enquiry:{enquiry_id}",
                        detail={
                            "enquiry": enquiry_id,
                            "department": actor.department,
                            "matter": fields["matter_code"],
                            "referred_to": referred,
                        },
                    )
                ],
            )
            return view(session.get_one(Enquiry, enquiry_id))

    def page(
        self, actor: Actor, department: object = None, page: PageArg = 1, per_page: PageArg = None
    ) -> dict[str, Any]:
        """Enquiries the actor may read, the latest first: an official's own department's, a supervisor's units'."""
        if not (actor.is_admin or actor.is_supervisor or OFFICIAL in actor.roles):
            raise PermissionDenied("enquiries_staff_only")
        query = sa.select(Enquiry).order_by(Enquiry.asked_at.desc(), Enquiry.id.desc())
        if not actor.oversees_all:
            query = query.where(Enquiry.department.in_(units_seen(actor)))
        chosen = department.strip()[:200] if isinstance(department, str) and department.strip() else None
        if chosen:
            query = query.where(Enquiry.department == chosen)
        with self.db.reading() as session:
            return page_of_query(
                session, query, page, per_page, view=view, scalars=True, filters={"department": chosen}
            )
