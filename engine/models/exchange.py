"""Cases handled in ministry systems on private networks (专网业务系统), reported to us by data exchange."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class ExternalCase(Base):
    """Which case here stands for a reporting system's case number."""

    __tablename__ = "external_case"

    system: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    external_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), unique=True)


class ExchangeBatch(Base):
    """One imported file (or API call) of facts; the same file sent again is recognised by its digest."""

    __tablename__ = "exchange_batch"
    __table_args__ = (sa.UniqueConstraint("system", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system: Mapped[str] = mapped_column(sa.String(64))
    digest: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(200))
    facts: Mapped[int]
    imported: Mapped[int]
    received_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class ExternalFact(Base):
    """One step of an external case (received, accepted, reviewed, decided, licence issued) with the time it
    happened there and the time it reached us; each step of a case is kept once."""

    __tablename__ = "external_fact"
    __table_args__ = (sa.UniqueConstraint("system", "external_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system: Mapped[str] = mapped_column(sa.String(64))
    external_id: Mapped[str] = mapped_column(sa.String(64))
    step: Mapped[str] = mapped_column(sa.String(16))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exchange_batch.id"), nullable=True)
    happened_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    reported_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
