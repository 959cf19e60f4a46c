"""The content of case materials when the file store is a database (``SHENPI_FILES_URL=db:`` or a PostgreSQL URL):
one row per distinct content, named by its SHA-256 (``engine/kernel/blob_store.py`` ``DatabaseStore``).

``bytea`` on PostgreSQL (at most 1 GB a value, far above the per-file limit ``SHENPI_MAX_UPLOAD_BYTES``), stored
without compression (``SET STORAGE EXTERNAL``, migration 0009: materials are mostly compressed already, and reads
of 1 MiB with ``substr`` then fetch only the TOAST chunks they need); ``BLOB`` on SQLite. Large objects were not
chosen: they are not deleted with their row, need their own permissions and are not SQLite."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class FileBlob(Base):
    """One stored content. ``written_at``: the engine's instant of the last write of this content (renewed when the
    same content is written again); the cleanup of unreferenced content counts its grace period from it."""

    __tablename__ = "file_blob"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    written_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
