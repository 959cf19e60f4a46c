"""Deployed process versions and the published matter catalogue."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class ProcessDefinition(Base):
    """One deployed version of a BPMN process, identified by the hash of its file."""

    __tablename__ = "process_definition"
    __table_args__ = (sa.UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    xml: Mapped[str] = mapped_column(sa.Text)
    deployed_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    change_note: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)  # what the deploy changed


class Matter(Base):
    """A published approval matter (事项) with its guide; ``entry`` keeps the whole catalogue record."""

    __tablename__ = "matter"

    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    department: Mapped[str] = mapped_column(sa.String(200), index=True)
    matter_type: Mapped[str] = mapped_column(sa.String(32))
    statutory_limit_days: Mapped[int]
    promised_limit_days: Mapped[int]
    star_level: Mapped[int]
    handling: Mapped[str] = mapped_column(sa.String(8))
    process_key: Mapped[str] = mapped_column(sa.String(100))
    published: Mapped[bool] = mapped_column(default=True)
    entry: Mapped[dict] = mapped_column(sa.JSON)
