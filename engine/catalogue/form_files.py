"""A matter's form templates (申请表格) and sample filled forms (示范文本), downloadable from the service guide (the
star legend's 表格下载): administrators upload them per matter, PDF, Word, Excel or OFD up to ``MAX_BYTES`` (the type
judged from the content), and anyone downloads those of a published matter.

Seed 001: 1星:可提供完整准确的办事指南信息、相关表格下载、业务咨询等服务; seed 002 Art. 6: 方便申请人在网上下载行政审批
申请材料; Art. 8 (二): 网上公布……需要提交的材料目录和申请书示范文本的情况.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..casefiles.file_types import DOCX, OFD, PDF, XLSX, detect
from ..errors import InvalidInput, NotFound, PermissionDenied, TooLarge
from ..identity.actors import Actor
from ..models import Matter, MatterFormFile
from ..trail import chain as trail

if TYPE_CHECKING:
    from ..kernel import Clock, Database

MAX_BYTES = 5 * 1024 * 1024
KINDS = ("template", "sample")  # 申请表格, 示范文本
ALLOWED = (PDF, DOCX, XLSX, OFD)
MAX_PER_MATTER = 20
_files = MatterFormFile.__table__


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "matter": row.matter_code,
        "kind": row.kind,
        "title": row.title,
        "filename": row.filename,
        "media_type": row.media_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


def _columns() -> tuple[Any, ...]:
    return tuple(c for c in _files.c if c.name != "content")


class FormFiles:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def upload(
        self, code: str, kind: object, title: object, filename: object, content: bytes, actor: Actor
    ) -> dict[str, Any]:
        if not actor.is_admin:
            raise PermissionDenied("form_files_admin_only")
        if kind not in KINDS:
            raise InvalidInput("form_file_kind", field="kind")
        if not isinstance(title, str) or not title.strip() or len(title.strip()) > 200:
            raise InvalidInput("form_file_title", field="title")
        name = os.path.basename(filename.replace("\\", "/")).strip()[:255] if isinstance(filename, str) else ""
        if not name:
            raise InvalidInput("form_file_required", field="file")
        if len(content) > MAX_BYTES:
            raise TooLarge("upload_too_large", field="file", limit=MAX_BYTES)
        if not content:
            raise InvalidInput("form_file_required", field="file")
        found, label = detect(content)
        if found not in ALLOWED or found is None:
            raise InvalidInput("form_file_type", field="file", found=label)
        now = self.clock.now()
        digest = hashlib.sha256(content).hexdigest()
        with self.db.transaction() as session:
            matter = session.get(Matter, code) if isinstance(code, str) else None
            if matter is None:
                raise NotFound("matter_not_found", matter=code)
            held = session.scalar(sa.select(sa.func.count()).where(_files.c.matter_code == code)) or 0
            if held >= MAX_PER_MATTER:
                raise InvalidInput("form_files_too_many", field="file", limit=MAX_PER_MATTER)
            file_id = session.execute(
                _files.insert()
                .values(
                    matter_code=code,
                    kind=kind,
                    title=title.strip(),
                    filename=name,
                    media_type=found.media_type,
                    size=len(content),
                    sha256=digest,
                    content=content,
                    uploaded_by=actor.id,
                    uploaded_at=now,
                )
                .returning(_files.c.id)
            ).scalar_one()
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "form_file_uploaded",
                        now,
                        actor=actor.id,
                        element_id=code,
                        to_state=kind,
                        data_digest=digest,
                        detail={"file": file_id, "title": title.strip(), "filename": name},
                    )
                ],
            )
            return _view(session.execute(sa.select(*_columns()).where(_files.c.id == file_id)).one())

    def remove(self, file_id: int, actor: Actor) -> None:
        if not actor.is_admin:
            raise PermissionDenied("form_files_admin_only")
        now = self.clock.now()
        with self.db.transaction() as session:
            row = session.execute(sa.select(*_columns()).where(_files.c.id == file_id)).first()
            if row is None:
                raise NotFound("form_file_not_found", file=file_id)
            session.execute(_files.delete().where(_files.c.id == file_id))
            trail.append_outside_step(
                session,
                [
                    trail.event(
                        "form_file_removed",
                        now,
                        actor=actor.id,
                        element_id=row.matter_code,
                        from_state=row.kind,
                        data_digest=row.sha256,
                        detail={"file": file_id, "title": row.title},
                    )
                ],
            )

    def for_matter(self, code: str, published_only: bool = True) -> list[dict[str, Any]]:
        """The matter's files, templates first (the public reads those of published matters only)."""
        with self.db.reading() as session:
            matter = session.get(Matter, code) if isinstance(code, str) else None
            if matter is None or (published_only and not matter.published):
                raise NotFound("matter_not_published", matter=code)
            rows = session.execute(
                sa.select(*_columns()).where(_files.c.matter_code == code).order_by(_files.c.kind.desc(), _files.c.id)
            ).all()
            return [_view(r) for r in rows]

    def open(self, code: str, file_id: int) -> tuple[dict[str, Any], bytes]:
        """A file of a published matter, with its content."""
        with self.db.reading() as session:
            row = session.execute(
                sa.select(_files, Matter.published)
                .join(Matter, Matter.code == _files.c.matter_code)
                .where(_files.c.id == file_id, _files.c.matter_code == code)
            ).first()
            if row is None or not row.published:
                raise NotFound("form_file_not_found", file=file_id)
            return _view(row), bytes(row.content)
