"""Monthly performance evaluation (绩效测评, seed 002 Art. 16–20): the scoring settings and archived snapshots."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime
from .cases import Case, TaskRecord
from .feedback import Rating
from .supervision import Signal


class PerformanceSetting(Base):
    """One number of the scoring standard (Art. 18): the base score, the cap on additions, or the points one
    occurrence of an item adds (positive) or deducts (negative). Items not stored use their defaults."""

    __tablename__ = "performance_setting"

    key: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Float)
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class PerformanceSnapshot(Base):
    """A month's archived evaluation (电子绩效测评档案, Art. 20): never updated or deleted. ``digest`` is the
    SHA-256 of the canonical JSON of month, ``prev_digest`` and content, so snapshots form a chain."""

    __tablename__ = "performance_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)  # YYYY-MM (Asia/Shanghai)
    content: Mapped[str] = mapped_column(sa.Text)  # canonical JSON
    digest: Mapped[str] = mapped_column(sa.String(64))
    prev_digest: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(64))


# The month's aggregates read ranges of these instants; the department is grouped on.
sa.Index("ix_case_ended_department", Case.__table__.c.ended_at, Case.__table__.c.department)
sa.Index("ix_case_statutory_due_department", Case.__table__.c.statutory_due_at, Case.__table__.c.department)
sa.Index(
    "ix_task_completed_by_at",
    TaskRecord.__table__.c.completed_at,
    TaskRecord.__table__.c.completed_by,
    TaskRecord.__table__.c.due_at,
)  # covers the officials' query (an index-only scan)
sa.Index("ix_signal_raised_department", Signal.__table__.c.raised_at, Signal.__table__.c.department)
sa.Index("ix_rating_rated_department", Rating.__table__.c.rated_at, Rating.__table__.c.department)
