"""The file store of case materials as a whole: which backend (``SHENPI_FILES_URL``), the cleanup of content
nothing references, and moving every referenced content to another backend.

The orphan rule. A store on the application's database (``db:``) writes a material's content in the transaction
that records the material: a rollback leaves nothing. The other stores (a folder, an S3 bucket, another database)
cannot join that transaction: the content is written **before** the transaction commits, so a rollback (a refused
step, a conflict, a crash) can leave content that no material row references. :meth:`FileStore.cleanup` — the
beat's ``shenpi.files_cleanup`` every ``SHENPI_FILES_CLEANUP_INTERVAL`` seconds, or ``shenpi files cleanup`` —
deletes stored content that no material references and that nobody wrote for ``SHENPI_FILES_ORPHAN_GRACE``
seconds (writing the same content again renews that instant, so a step in flight never loses its file; each
backend checks the instant again just before deleting). Material rows are never deleted, so referenced content
is never removed.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..kernel.blob_store import BlobStore, StoredFileDamaged, open_blob_store
from ..models import FileBlob, Material

if TYPE_CHECKING:
    from ..config import Settings
    from ..kernel import Clock, Database

_BATCH = 500
_materials = Material.__table__


@dataclass
class MigrationRun:
    """What ``shenpi files migrate`` did: ``referenced`` distinct contents, of which ``copied`` were written and
    checked, ``present`` were already in the target (checked too with ``verify``), ``missing`` and ``damaged`` in
    the source (listed in ``problems``)."""

    source: str
    target: str
    referenced: int = 0
    copied: int = 0
    present: int = 0
    missing: int = 0
    damaged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.damaged == 0


class FileStore:
    """The configured store (``store``, built at first use) and the work on it as a whole."""

    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self._store: BlobStore | None = None

    @property
    def store(self) -> BlobStore:
        if self._store is None:
            self._store = self.at(self.settings.files_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def at(self, url: str) -> BlobStore:
        """The store a ``SHENPI_FILES_URL`` value names (empty: the folder ``SHENPI_FILES_DIR``)."""
        return open_blob_store(url, self.settings.files_dir, self.db.engine, FileBlob.__table__, self.clock)

    # --- what the materials reference ---------------------------------------------------------------------------
    def referenced(self) -> Iterator[str]:
        """Every distinct content a material references, in digest order (read in batches)."""
        after = ""
        while True:
            with self.db.reading() as session:
                batch = list(
                    session.execute(
                        sa.select(_materials.c.sha256)
                        .where(_materials.c.sha256 > after)
                        .group_by(_materials.c.sha256)
                        .order_by(_materials.c.sha256)
                        .limit(_BATCH)
                    ).scalars()
                )
            yield from batch
            if len(batch) < _BATCH:
                return
            after = batch[-1]

    def _unreferenced(self, digests: list[str]) -> list[str]:
        with self.db.reading() as session:
            known = set(
                session.execute(sa.select(_materials.c.sha256).where(_materials.c.sha256.in_(digests))).scalars()
            )
        return [d for d in digests if d not in known]

    # --- the orphan cleanup -------------------------------------------------------------------------------------
    def cleanup(self, grace: _dt.timedelta | None = None) -> dict[str, int]:
        """Delete stored content no material references and nobody wrote within ``grace`` (default
        ``SHENPI_FILES_ORPHAN_GRACE``); counts of what was looked at."""
        grace = _dt.timedelta(seconds=self.settings.files_orphan_grace_seconds) if grace is None else grace
        before = self.clock.now() - grace
        counts = {"stored": 0, "unreferenced": 0, "deleted": 0, "kept_young": 0}
        for batch in _batches(self.store.digests(), _BATCH):
            counts["stored"] += len(batch)
            for digest in self._unreferenced(batch):
                counts["unreferenced"] += 1
                if self.store.delete(digest, before):
                    counts["deleted"] += 1
                else:
                    counts["kept_young"] += 1
        return counts

    # --- moving to another backend ------------------------------------------------------------------------------
    def migrate(self, target: BlobStore, source: BlobStore | None = None, verify: bool = False) -> MigrationRun:
        """Copy every referenced content from ``source`` (default: the configured store) to ``target``, each read
        checked against its digest and read back from the target after writing. Content already in the target is
        left (read back and checked too with ``verify``): running it again, or after an interruption, finishes
        the work without copying twice. Nothing is deleted from the source."""
        source = source or self.store
        run = MigrationRun(source=source.url, target=target.url)
        for digest in self.referenced():
            run.referenced += 1
            try:
                if target.exists(digest):
                    if verify:
                        target.get(digest)
                    run.present += 1
                    continue
            except StoredFileDamaged:  # a damaged copy in the target is written again from the source
                pass
            try:
                content = source.get(digest)
            except StoredFileDamaged as exc:
                if exc.reason == "stored_file_missing":
                    run.missing += 1
                else:
                    run.damaged += 1
                run.problems.append(str(exc))
                continue
            target.put(content, digest)
            target.get(digest)  # written and readable with the right digest, or StoredFileDamaged stops the run
            run.copied += 1
        return run


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
