"""Official documents with numbers that never repeat, and electronic licences."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class DocumentCounter(Base):
    """The last number a department issued in a year, moved under a row lock."""

    __tablename__ = "document_counter"

    department: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class IssuedDocument(Base):
    __tablename__ = "issued_document"
    __table_args__ = (sa.UniqueConstraint("department", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    department: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(100), unique=True)
    content: Mapped[dict] = mapped_column(sa.JSON)
    issued_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(sa.String(64))


class Licence(Base):
    """An electronic licence (电子证照), verifiable by its code until revoked."""

    __tablename__ = "licence"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), unique=True)
    matter_code: Mapped[str] = mapped_column(sa.String(64))
    matter_name: Mapped[str] = mapped_column(sa.String(200))
    department: Mapped[str] = mapped_column(sa.String(200))
    holder: Mapped[str] = mapped_column(sa.String(200))
    issued_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    # The licence number by the configured pattern (SHENPI_LICENCE_NUMBER_PATTERN), the approved scope, and the
    # last day it is valid (None: permanent); licences issued before these existed have none.
    number: Mapped[str | None] = mapped_column(sa.String(100), unique=True, nullable=True)
    scope: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    valid_until: Mapped[_dt.date | None] = mapped_column(sa.Date, nullable=True)
    revoked_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
