"""Incidents: a piece of periodic work (a case's due timers, a light, a 督办 item, a notice's delivery, …) that
raised, kept for administrators and tried again with backoff until it succeeds or is resolved by hand."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class Incident(Base):
    """One failing subject of one kind of periodic work. ``kind`` names the work (``timers``, ``case_lights``, …),
    ``subject`` the id it ran on (a case, a task, an item, a delivery: as text). While ``state`` is ``open`` the
    sweep skips the subject until ``next_attempt_at``; at most one open incident per kind and subject."""

    __tablename__ = "incident"
    __table_args__ = (
        sa.Index("ix_incident_state_kind", "state", "kind"),
        sa.Index(
            "uq_incident_open_subject",
            "kind",
            "subject",
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(48))
    subject: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[int | None] = mapped_column(sa.Integer, index=True, nullable=True)
    element_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    # the error as people may see it: its code, reason and params (worded by the web layer) and English text
    code: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[str | None] = mapped_column(sa.Text, nullable=True)  # JSON
    message: Mapped[str] = mapped_column(sa.Text)
    traceback: Mapped[str | None] = mapped_column(sa.Text, nullable=True)  # administrators only
    first_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=1)
    next_attempt_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(sa.String(8), default="open")  # open, resolved
    resolved_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)  # "engine": a retry succeeded
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)


class SweepMark(Base):
    """Where a kind of the sweep's work may start reading (keyset): every row before ``at`` was judged by the run
    that wrote it at ``as_of`` with the rule's parameters of digest ``params``. A run at an earlier instant, or with
    other parameters, reads from the start of its window instead."""

    __tablename__ = "sweep_mark"

    kind: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    params: Mapped[str] = mapped_column(sa.String(64))
