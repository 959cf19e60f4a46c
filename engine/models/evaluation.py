"""The facts the evaluation (绩效测评, seed 002 Art. 16–18) is computed from beyond cases and signals: on-site
visits (跑动次数), post-approval inspections (Art. 17(4)), manual daily points, the versions of the scoring standard."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class CaseVisit(Base):
    """One visit of the applicant to the hall for a case (跑动一次), recorded by the window official who met them."""

    __tablename__ = "case_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    department: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.String(200))
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    visited_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class Inspection(Base):
    """A post-approval inspection (批后监督检查) of the holder of an approval, recorded by the department
    (Art. 17(4) 对审批事项履行监督检查职责)."""

    __tablename__ = "post_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    department: Mapped[str] = mapped_column(sa.String(200), index=True)
    inspected_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)
    inspector: Mapped[str] = mapped_column(sa.String(64))
    compliant: Mapped[bool] = mapped_column()
    finding: Mapped[str] = mapped_column(sa.Text)


class ManualPoint(Base):
    """Points a supervisor gives or takes on a day for one official, with the reason (每日的考核成绩由纪检监察人员录入)."""

    __tablename__ = "manual_point"
    __table_args__ = (sa.Index("ix_manual_point_official_day", "official", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    official: Mapped[str] = mapped_column(sa.String(64))
    department: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    day: Mapped[_dt.date] = mapped_column(sa.Date)  # Asia/Shanghai day
    points: Mapped[float] = mapped_column(sa.Float)
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class ScoringStandard(Base):
    """One version of the whole scoring standard (Art. 18 测评标准): every change is a new version, never an edit."""

    __tablename__ = "scoring_standard"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    settings: Mapped[dict] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
