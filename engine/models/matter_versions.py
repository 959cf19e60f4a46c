"""Every published version of a catalogue entry, and its withdrawals (停办), kept for supervision."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class MatterVersion(Base):
    """One change of a matter: ``published`` (version N of its entry) or ``withdrawn`` (with a reason)."""

    __tablename__ = "matter_version"
    __table_args__ = (sa.Index("ix_matter_version_code", "code", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    entry: Mapped[dict] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    actor: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
