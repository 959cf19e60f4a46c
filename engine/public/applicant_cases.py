"""An applicant's own cases as the portal shows them: plain status, progress, public events, notices, licence.

Tracking without an account (``track``): the case number with its 查询码 (printed on the 受理通知书, handed out at the
window) shows the public view of one case — plain status, the public timeline, the titles of its documents and its
supplement request — with the applicant's name masked and no materials or document files.

Only the account that applied sees a case here. The timeline holds only what the applicant is told (received,
accepted, supplement asked with its items, special procedures, notices issued, decided, licence issued) and
never officials' opinions or internal operations.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..casefiles.documents import KINDS
from ..casefiles.masking import mask_name
from ..definitions.outline import outline_with_states
from ..errors import NotFound
from ..identity.access import APPLICANT_EVENTS, APPLICANT_MATERIALS, require_own_case
from ..identity.actors import Actor
from ..kernel.paging import PageArg, page_of_query
from ..models import (
    Case,
    CasePause,
    IssuedDocument,
    Licence,
    Material,
    Matter,
    ProcessDefinition,
    Rating,
    TaskRecord,
    TrailEntry,
)
from ..runtime.case_clock import PAUSE_KINDS
from ..worklists.case_flow import step_markers
from .public_status import public_status

if TYPE_CHECKING:
    from ..definitions.repository import RepositoryService
    from ..kernel import Database

PUBLIC_EVENTS = tuple(APPLICANT_EVENTS)  # the API's public trail (identity.access.public_trail) shows the same

APPLICANT_KINDS = APPLICANT_MATERIALS
# What tracking by number and 查询码 shows of a case's summary
TRACKED = (
    "number",
    "matter_name",
    "department",
    "status",
    "ended",
    "created_at",
    "accepted_at",
    "ended_at",
    "promised_due_at",
)


def _iso(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class ApplicantCases:
    def __init__(self, db: Database, repository: RepositoryService) -> None:
        self.db = db
        self.repository = repository

    def my_cases(self, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            return self._with_steps(session, session.execute(self._mine(actor).limit(limit)).all())

    def page_my_cases(self, actor: Actor, page: PageArg = 1, per_page: PageArg = None) -> dict[str, Any]:
        """One page of the actor's own cases, newest first."""
        with self.db.reading() as session:
            found = page_of_query(session, self._mine(actor), page, per_page)
            return {**found, "items": self._with_steps(session, found["items"])}

    @staticmethod
    def _mine(actor: Actor) -> sa.Select:
        return (
            sa.select(Case, Matter.name)
            .join(Matter, Case.matter_code == Matter.code)
            .where(Case.created_by == actor.id)
            .order_by(Case.created_at.desc(), Case.id.desc())
        )

    def _with_steps(self, session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
        steps = self._open_steps(session, [case.id for case, _ in rows])
        return [{**self._summary(case, name), "current_steps": steps.get(case.id, [])} for case, name in rows]

    def case(self, case_id: int, actor: Actor) -> dict[str, Any]:
        with self.db.reading() as session:
            case = require_own_case(session, actor, case_id)
            name = session.scalar(sa.select(Matter.name).where(Matter.code == case.matter_code))
            records = session.execute(
                sa.select(TaskRecord.element_id, TaskRecord.name, TaskRecord.state)
                .where(TaskRecord.case_id == case.id)
                .order_by(TaskRecord.created_at)
            ).all()
            current, completed = step_markers((r.element_id, r.state) for r in records)
            view = {
                **self._summary(case, name),
                "applicant": dict(case.applicant),
                "current_steps": [r.name for r in records if r.state == "open"],
                "current_elements": current,
                "completed_elements": completed,
                "timeline": self._timeline(session, case.id),
                "documents": self.documents(session, case.id),
                "supplement": self._supplement(session, case),
                "materials": self._materials(session, case.id),
                "licence": self._licence(session, case.id),
                "rated": session.scalar(sa.select(Rating.id).where(Rating.case_id == case.id)) is not None,
            }
            definition_id = case.definition_id
        # the steps in order with where the case is: what the applicant's simplified diagram draws
        spec = self.repository.parsed(definition_id).spec
        view["outline"] = outline_with_states(spec, current, completed, view["ended"])
        return view

    def track(self, number: object, code: object) -> dict[str, Any]:
        """The public view of the case with this number and 查询码; the same refusal for an unknown number and a
        wrong code (nothing tells which numbers exist)."""
        number = number.strip() if isinstance(number, str) else ""
        code = code.strip().upper() if isinstance(code, str) else ""
        if not 0 < len(number) <= 32 or not 0 < len(code) <= 16:
            raise NotFound("progress_not_found")
        with self.db.reading() as session:
            found = session.execute(
                sa.select(Case, Matter.name).join(Matter, Case.matter_code == Matter.code).where(Case.number == number)
            ).first()
            if found is None or not found[0].query_code or not hmac.compare_digest(found[0].query_code, code):
                raise NotFound("progress_not_found")
            case, name = found
            summary = self._summary(case, name)
            supplement = self._supplement(session, case)
            return {
                **{key: summary[key] for key in TRACKED},
                "applicant_name": mask_name(summary["applicant_name"] or ""),
                "timeline": self._timeline(session, case.id),
                "documents": [
                    {key: d[key] for key in ("kind", "title", "number", "issued_at")}
                    for d in self.documents(session, case.id)
                ],
                "supplement": {"items": supplement["items"], "since": supplement["since"]} if supplement else None,
            }

    def diagram_xml(self, case_id: int, actor: Actor) -> str:
        with self.db.reading() as session:
            case = require_own_case(session, actor, case_id)
            return session.execute(
                sa.select(ProcessDefinition.xml).where(ProcessDefinition.id == case.definition_id)
            ).scalar_one()

    def document_case(self, document_id: int, actor: Actor) -> int:
        """The case of a document issued to the applicant; refuses anyone else."""
        with self.db.reading() as session:
            case_id = session.scalar(sa.select(IssuedDocument.case_id).where(IssuedDocument.id == document_id))
            if case_id is None:
                raise NotFound("document_not_found", document=document_id)
            require_own_case(session, actor, case_id)
            return case_id

    def material_case(self, material_id: int, actor: Actor) -> int:
        """The case of a material, for its applicant only (officials download through their own pages)."""
        with self.db.reading() as session:
            case_id = session.scalar(
                sa.select(Material.case_id).where(Material.id == material_id, Material.kind.in_(APPLICANT_KINDS))
            )
            if case_id is None:
                raise NotFound("material_not_found", material=material_id)
            require_own_case(session, actor, case_id)
            return case_id

    # --- parts ------------------------------------------------------------------------------------
    @staticmethod
    def _summary(case: Case, matter_name: str | None) -> dict[str, Any]:
        return {
            "id": case.id,
            "number": case.number,
            "matter": case.matter_code,
            "matter_name": matter_name,
            "department": case.department,
            "applicant_name": case.applicant.get("name"),
            "status": public_status(case.status, case.outcome, case.accepted_at, case.pause_kind),
            "ended": case.status == "ended",
            "created_at": _iso(case.created_at),
            "accepted_at": _iso(case.accepted_at),
            "ended_at": _iso(case.ended_at),
            "promised_due_at": _iso(case.promised_due_at),
            "provisional": bool(case.limits_provisional),
        }

    @staticmethod
    def _open_steps(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
        steps: dict[int, list[str]] = {}
        if case_ids:
            for case_id, name in session.execute(
                sa.select(TaskRecord.case_id, TaskRecord.name)
                .where(TaskRecord.case_id.in_(case_ids), TaskRecord.state == "open")
                .order_by(TaskRecord.created_at)
            ):
                if name not in steps.setdefault(case_id, []):
                    steps[case_id].append(name)
        return steps

    @staticmethod
    def documents(session: Session, case_id: int) -> list[dict[str, Any]]:
        return [
            {
                "id": d.id,
                "kind": d.kind,
                "title": d.content.get("title"),
                "number": d.number,
                "items": d.content.get("items") or [],
                "issued_at": _iso(d.issued_at),
            }
            for d in session.scalars(
                sa.select(IssuedDocument)
                .where(IssuedDocument.case_id == case_id)
                .order_by(IssuedDocument.issued_at, IssuedDocument.id)
            )
        ]

    @staticmethod
    def _timeline(session: Session, case_id: int) -> list[dict[str, Any]]:
        rows = session.execute(
            sa.select(TrailEntry.event, TrailEntry.from_state, TrailEntry.to_state, TrailEntry.at, TrailEntry.detail)
            .where(TrailEntry.case_id == case_id, TrailEntry.event.in_(PUBLIC_EVENTS))
            .order_by(TrailEntry.seq)
        ).all()
        timeline: list[dict[str, Any]] = []
        for event, from_state, to_state, at, text in rows:
            detail = json.loads(text) if text else {}
            entry: dict[str, Any] = {"event": event, "at": _iso(at)}
            if event == "clock_paused":
                entry.update(kind=to_state, label=PAUSE_KINDS.get(to_state or ""), items=detail.get("missing") or [])
            elif event == "clock_resumed":
                entry.update(kind=from_state, label=PAUSE_KINDS.get(from_state or ""))
            elif event == "document_issued":
                entry.update(kind=to_state, title=KINDS.get(to_state or ""), number=detail.get("number"))
            elif event == "case_ended":
                entry.update(outcome=to_state)
            elif event == "licence_issued":
                entry.update(code=detail.get("code"))
            timeline.append(entry)
        return timeline

    @staticmethod
    def _supplement(session: Session, case: Case) -> dict[str, Any] | None:
        """The pending supplement request (补正), with exactly the items it asked for."""
        if case.pause_kind != "supplement":
            return None
        pause = session.scalar(
            sa.select(CasePause)
            .where(CasePause.case_id == case.id, CasePause.kind == "supplement", CasePause.ended_at.is_(None))
            .order_by(CasePause.id.desc())
        )
        if pause is None:
            return None
        items = list(pause.missing or [])
        entry = session.scalar(sa.select(Matter.entry).where(Matter.code == case.matter_code)) or {}
        listed = {m.get("name") for m in entry.get("materials", [])}
        # A file answering an item the service guide lists fills that material (its slot); others carry no slot.
        return {
            "items": items,
            "slots": [item if item in listed else None for item in items],
            "since": _iso(pause.started_at),
        }

    @staticmethod
    def _materials(session: Session, case_id: int) -> list[dict[str, Any]]:
        """What the applicant (or the window on their behalf) submitted: 申请材料 and 补正材料, not officials'
        attachments."""
        return [
            {
                "id": m.id,
                "filename": m.filename,
                "media_type": m.media_type,
                "slot": m.slot,
                "kind": m.kind,
                "size": m.size,
                "uploaded_at": _iso(m.uploaded_at),
            }
            for m in session.scalars(
                sa.select(Material)
                .where(Material.case_id == case_id, Material.kind.in_(APPLICANT_KINDS))
                .order_by(Material.id)
            )
        ]

    @staticmethod
    def _licence(session: Session, case_id: int) -> dict[str, Any] | None:
        licence = session.scalar(sa.select(Licence).where(Licence.case_id == case_id))
        if licence is None:
            return None
        return {
            "code": licence.code,
            "number": licence.number,
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
            "status": "revoked" if licence.revoked_at else "valid",
            "issued_at": _iso(licence.issued_at),
            "revoked_reason": licence.revoked_reason,
        }
