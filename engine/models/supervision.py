"""Supervision items and notices raised by the engine (the supervision cockpit builds on these)."""
from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class SupervisionItem(Base):
    """Something a supervisor must look at: an overdue step, a rule violation, a complaint."""

    __tablename__ = "supervision_item"
    __table_args__ = (sa.Index("ix_supervision_status_department", "status", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_record.id"), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    department: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    opened_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class Notice(Base):
    """A message for a user, delivered to the inbox (and later by e-mail, SMS or webhook)."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    case_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
