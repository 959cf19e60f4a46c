"""Working-day calendar data kept by administrators: overrides and imported yearly arrangements."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class CalendarDay(Base):
    """A day whose status differs from the package's or the weekday rule: a holiday or an adjusted working day."""

    __tablename__ = "calendar_day"

    day: Mapped[_dt.date] = mapped_column(sa.Date, primary_key=True)
    workday: Mapped[bool]
    name: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    updated_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class CalendarYear(Base):
    """A year whose whole holiday arrangement was imported (for years the package does not cover)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(255))
    imported_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    imported_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class CalendarRevision(Base):
    """How many times the calendar data has changed (one row, id 1). Each process counts with a calendar it keeps in
    memory; this number, raised in every transaction that changes a day or imports a year, tells the others to read
    the calendar again."""

    __tablename__ = "calendar_revision"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(sa.BigInteger)
