"""Case materials: what the applicant submits when applying (申请材料) and when answering a supplement notice
(补正材料), and files officials attach to their steps.

Files are admitted by content (``engine/casefiles/uploads.py``), kept once per distinct content (``engine/kernel/blob_store.py``)
and recorded with a ``material_added`` trail row carrying their SHA-256, in the transaction that records them.
The store is the one ``SHENPI_FILES_URL`` names (``engine/casefiles/file_store.py``): on the application's database
the content is written in that same transaction; on the other backends before it commits, and content a rolled-back
transaction leaves unreferenced is deleted by the periodic cleanup after a grace period (the orphan rule, there).
"""

from __future__ import annotations

import builtins
import datetime as _dt
import re
import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import InvalidInput, InvalidState, NotFound, PermissionDenied, TooLarge
from ..identity.access import public_material, require_case_view, sees_case_inside
from ..identity.actors import Actor, require_task_access
from ..kernel.blob_store import BlobStore
from ..kernel.db import Executor
from ..models import Case, CasePause, DraftFile, Material, MaterialPledge, Matter, TaskRecord
from ..trail import chain as trail
from ..trail.chain import TrailRow
from .uploads import Files, Upload, admit

if TYPE_CHECKING:
    from ..config import Settings
    from ..kernel import Clock, Database
    from ..runtime.case_clock import CaseClockService
    from ..runtime.stepper import CaseStepper, StepContext
    from .file_store import FileStore

KINDS = {"application": "申请材料", "supplement": "补正材料", "attachment": "办理附件"}
_materials = Material.__table__
_drafts = DraftFile.__table__
_DRAFT = re.compile(r"^[0-9a-f]{32}$")
_cases = Case.__table__


class MaterialService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        stepper: CaseStepper,
        case_clock: CaseClockService,
        settings: Settings,
        files: FileStore,
    ) -> None:
        self.db = db
        self.clock = clock
        self.stepper = stepper
        self.case_clock = case_clock
        self.files = files
        self.max_file_bytes = settings.max_upload_bytes
        self.max_case_files = settings.max_case_files
        self.max_case_bytes = settings.max_case_bytes

    @property
    def store(self) -> BlobStore:
        """Where the content is kept (``SHENPI_FILES_URL``)."""
        return self.files.store

    # --- adding -----------------------------------------------------------------------------------
    def add(
        self,
        case_id: int,
        files: Files,
        actor: Actor,
        kind: str = "application",
        slot: str | None = None,
        task_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Record ``files`` — (filename, bytes) or (filename, bytes, slot) — on a running case.

        application: the applicant, or an official of the responsible department (scanning at the window),
        before acceptance. supplement: only the applicant, only while a supplement notice (补正) is pending; the
        clock resumes in the same transaction. attachment: an official who may act on the open step ``task_id``.
        """
        if kind not in KINDS:
            raise InvalidInput("not_one_of", field="kind", allowed=list(KINDS))
        if kind == "supplement":
            return self._supplement(case_id, files, actor, slot)
        now = self.clock.now()
        with self.db.transaction() as session:
            case = session.scalar(sa.select(Case).where(Case.id == case_id).with_for_update())
            if case is None:
                raise NotFound("case_not_found", case=case_id)
            if case.status != "running":
                raise InvalidState("case_ended", number=case.number)
            if kind == "application":
                self._check_application(case, actor)
            else:
                self._check_attachment(session, case, task_id, actor)
            views, events = self.record(session, case.id, case.matter_code, files, actor.id, kind, now, slot, task_id)
            trail.append_case_events(session, case.id, events)
        return views

    def record_in(
        self, ctx: StepContext, files: Files, kind: str, slot: str | None = None, task_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Record files within a workflow step the caller holds (starting a case, completing a step)."""
        views, events = self.record(
            ctx.connection, ctx.case.id, ctx.case.matter_code, files, ctx.actor_id, kind, ctx.now, slot, task_id
        )
        ctx.events.extend(events)
        return views

    def _supplement(self, case_id: int, files: Files, actor: Actor, slot: str | None) -> list[dict[str, Any]]:
        with self.stepper.step(case_id, actor.id) as ctx:
            case = ctx.connection.execute(
                sa.select(_cases.c.created_by, _cases.c.paused_since, _cases.c.pause_kind).where(_cases.c.id == case_id)
            ).one()
            if case.created_by != actor.id:
                raise PermissionDenied("supplement_not_allowed")
            if case.paused_since is None or case.pause_kind != "supplement":
                raise InvalidState("no_supplement_pending")
            views = self.record_in(ctx, files, "supplement", slot)
            self.case_clock.resume_in(ctx, f"申请人提交补正材料 {len(views)} 份")
        return views

    @staticmethod
    def _check_application(case: Case, actor: Actor) -> None:
        official = actor.department == case.department and not actor.is_supervisor
        if case.created_by != actor.id and not official:
            raise PermissionDenied("application_materials_not_allowed")
        if case.accepted_at is not None:
            raise InvalidState("application_already_accepted")

    @staticmethod
    def _check_attachment(session: Session, case: Case, task_id: str | None, actor: Actor) -> None:
        record = session.get(TaskRecord, str(task_id)) if isinstance(task_id, str) and task_id else None
        if record is None or record.case_id != case.id:
            raise InvalidInput("attachment_needs_open_step", field="task")
        if record.state != "open":
            raise InvalidState("step_closed", step=record.name, state=record.state)
        require_task_access(actor, record.department, record.post, record.assignee)

    def record(
        self,
        session: Executor,
        case_id: int,
        matter_code: str,
        files: Files,
        actor_id: str,
        kind: str,
        now: _dt.datetime,
        slot: str | None = None,
        task_id: str | None = None,
    ) -> tuple[list[dict[str, Any]], list[TrailRow]]:
        """Admit, store and insert the files in the caller's transaction; returns their views and trail rows."""
        items = self._admit(files, slot)
        self._check_slots(session, matter_code, kind, [s for _u, s in items])
        self._check_case_limits(session, case_id, [u for u, _s in items])
        views: list[dict[str, Any]] = []
        events: list[TrailRow] = []
        for upload, item_slot in items:
            self.store.put(upload.content, upload.sha256, session)  # joins this transaction on the database store
            values = dict(
                case_id=case_id,
                task_id=task_id,
                slot=item_slot,
                kind=kind,
                filename=upload.filename,
                media_type=upload.media_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_by=actor_id,
                uploaded_at=now,
            )
            material_id = session.execute(_materials.insert().values(**values).returning(_materials.c.id)).scalar_one()
            views.append(material_view(material_id, values))
            events.append(
                trail.event(
                    "material_added",
                    now,
                    case_id=case_id,
                    task_id=task_id,
                    actor=actor_id,
                    to_state=kind,
                    data_digest=upload.sha256,
                    detail={
                        "material": material_id,
                        "filename": upload.filename,
                        "sha256": upload.sha256,
                        "size": upload.size,
                        "media_type": upload.media_type,
                        "slot": item_slot,
                    },
                )
            )
        return views, events

    def _admit(self, files: object, slot: str | None) -> list[tuple[Upload, str | None]]:
        items: list[tuple[Upload, str | None]]
        if not isinstance(files, (list, tuple)) or not files:
            raise InvalidInput("files_required", field="files")
        items = []
        for item in files:
            if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
                raise InvalidInput("file_item_format", field="files")
            item_slot = item[2] if len(item) == 3 and item[2] is not None else slot
            if item_slot is not None and (not isinstance(item_slot, str) or not item_slot.strip()):
                raise InvalidInput("slot_invalid", field="slot")
            items.append((admit(item[0], item[1], self.max_file_bytes), item_slot.strip() if item_slot else None))
        return items

    @staticmethod
    def _check_slots(session: Executor, matter_code: str, kind: str, slots: list[str | None]) -> None:
        named = {s for s in slots if s is not None}
        if not named:
            return
        if kind == "attachment":
            raise InvalidInput("attachment_with_slot", field="slot")
        entry = session.execute(sa.select(Matter.entry).where(Matter.code == matter_code)).scalar() or {}
        listed = {m.get("name") for m in entry.get("materials", [])}
        unknown = sorted(named - listed)
        if unknown:
            raise InvalidInput("materials_not_in_guide", field="slot", materials=unknown)

    def _check_case_limits(self, session: Executor, case_id: int, uploads: builtins.list[Upload]) -> None:
        count, total = session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(_materials.c.size), 0)).where(
                _materials.c.case_id == case_id
            )
        ).one()
        if count + len(uploads) > self.max_case_files:
            raise InvalidInput(
                "too_many_case_files", field="files", limit=self.max_case_files, count=count, adding=len(uploads)
            )
        adding = sum(u.size for u in uploads)
        if total + adding > self.max_case_bytes:
            raise TooLarge("case_files_too_large", limit=self.max_case_bytes, total=total, adding=adding)

    # --- files held against an application draft (the apply form) ---------------------------------
    def hold(self, actor: Actor, draft: object, files: Files) -> str:
        """Admit and store ``files`` ((filename, bytes, slot) …) against the actor's draft, within the limits of a
        case; returns the draft's token (a new one unless ``draft`` is one). All or none of them are held."""
        token = draft if isinstance(draft, str) and _DRAFT.match(draft) else secrets.token_hex(16)
        if not files:
            return token
        items = self._admit(files, None)
        now = self.clock.now()
        with self.db.transaction() as session:
            count, total = session.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(_drafts.c.size), 0)).where(
                    _drafts.c.owner == actor.id, _drafts.c.draft == token
                )
            ).one()
            if count + len(items) > self.max_case_files:
                raise InvalidInput(
                    "too_many_case_files", field="files", limit=self.max_case_files, count=count, adding=len(items)
                )
            adding = sum(u.size for u, _slot in items)
            if total + adding > self.max_case_bytes:
                raise TooLarge("case_files_too_large", limit=self.max_case_bytes, total=total, adding=adding)
            for upload, slot in items:
                self.store.put(upload.content, upload.sha256)
                session.execute(
                    _drafts.insert().values(
                        owner=actor.id,
                        draft=token,
                        slot=slot,
                        filename=upload.filename,
                        media_type=upload.media_type,
                        size=upload.size,
                        sha256=upload.sha256,
                        uploaded_at=now,
                    )
                )
        return token

    def held(self, actor: Actor, draft: object) -> builtins.list[dict[str, Any]]:
        """The files the actor holds against the draft, in the order they were chosen."""
        if not isinstance(draft, str) or not _DRAFT.match(draft):
            return []
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(_drafts.c.id, _drafts.c.slot, _drafts.c.filename, _drafts.c.size, _drafts.c.uploaded_at)
                .where(_drafts.c.owner == actor.id, _drafts.c.draft == draft)
                .order_by(_drafts.c.id)
            ).all()
        return [
            {"id": r.id, "slot": r.slot, "filename": r.filename, "size": r.size, "uploaded_at": r.uploaded_at}
            for r in rows
        ]

    def take_held(
        self, actor: Actor, draft: object, drop: builtins.list[int] | None = None
    ) -> builtins.list[tuple[str, bytes, str | None]]:
        """The held files but those in ``drop`` (the applicant unticked them), as (filename, bytes, slot) for
        starting the case."""
        wanted = {f["id"] for f in self.held(actor, draft)} - set(drop or ())
        if not wanted:
            return []
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(_drafts.c.filename, _drafts.c.sha256, _drafts.c.slot)
                .where(_drafts.c.id.in_(wanted))
                .order_by(_drafts.c.id)
            ).all()
        return [(r.filename, self.store.get(r.sha256), r.slot) for r in rows]

    def release(self, actor: Actor, draft: object) -> int:
        """Forget the draft's files once its application was submitted (the stored content stays: the case's
        materials refer to it); how many."""
        if not isinstance(draft, str) or not _DRAFT.match(draft):
            return 0
        with self.db.transaction() as session:
            held = _drafts.c.owner == actor.id, _drafts.c.draft == draft
            count = session.execute(sa.select(sa.func.count()).where(*held)).scalar_one()
            session.execute(_drafts.delete().where(*held))
            return int(count)

    # --- reading ----------------------------------------------------------------------------------
    def list(self, case_id: int, actor: Actor) -> dict[str, Any]:
        """The case's materials and the service guide's checklist: what each listed material has received."""
        with self.db.reading() as session:
            case = require_case_view(session, actor, case_id)
            inside = sees_case_inside(session, actor, case)
            rows = session.scalars(sa.select(Material).where(Material.case_id == case_id).order_by(Material.id)).all()
            entry = session.scalar(sa.select(Matter.entry).where(Matter.code == case.matter_code)) or {}
            notice = session.scalar(
                sa.select(CasePause.missing).where(
                    CasePause.case_id == case_id, CasePause.kind == "supplement", CasePause.ended_at.is_(None)
                )
            )
            pending = case.paused_since is not None and case.pause_kind == "supplement"
            pledged = set(session.scalars(sa.select(MaterialPledge.material).where(MaterialPledge.case_id == case_id)))
        views = [material_view(m.id, _columns(m)) for m in rows]
        shown = views if inside else [public_material(view, actor.id) for view in views]
        materials = [view for view in shown if view is not None]
        checklist: builtins.list[dict[str, Any]] = []
        for listed in entry.get("materials", []):
            provided = [m["id"] for m in materials if m["slot"] == listed.get("name")]
            checklist.append(
                {
                    "name": listed.get("name"),
                    "required": bool(listed.get("required", True)),
                    "form": listed.get("form"),
                    "copies": listed.get("copies"),
                    "note": listed.get("note"),
                    "provided": len(provided),
                    "materials": provided,
                    "pledge_allowed": bool(listed.get("pledge")),
                    "pledged": listed.get("name") in pledged,  # 告知承诺: a signed pledge stands in for it
                }
            )
        return {
            "case": case_id,
            "materials": materials,
            "checklist": checklist,
            "missing_required": [
                c["name"] for c in checklist if c["required"] and not c["provided"] and not c["pledged"]
            ],
            "supplement": {"pending": pending, "missing": list(notice or []) if pending else []},
        }

    def open(self, material_id: int, actor: Actor) -> tuple[dict[str, Any], bytes]:
        """A material's description and content, for whoever may see its case."""
        with self.db.reading() as session:
            material = session.get(Material, material_id)
            if material is None:
                raise NotFound("material_not_found", material=material_id)
            case = require_case_view(session, actor, material.case_id)
            view: dict[str, Any] | None = material_view(material.id, _columns(material))
            if view is not None and not sees_case_inside(session, actor, case):
                view = public_material(view, actor.id)
            if view is None:  # an official's attachment: not the applicant's to read
                raise NotFound("material_not_found", material=material_id)
        return view, self.store.get(material.sha256)


def _columns(material: Material) -> dict[str, Any]:
    return {c.name: getattr(material, c.name) for c in _materials.columns if c.name != "id"}


def material_view(material_id: int, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": material_id,
        "case": values["case_id"],
        "task": values["task_id"],
        "slot": values["slot"],
        "kind": values["kind"],
        "filename": values["filename"],
        "media_type": values["media_type"],
        "size": values["size"],
        "sha256": values["sha256"],
        "uploaded_by": values["uploaded_by"],
        "uploaded_at": values["uploaded_at"].isoformat(),
    }
