"""Case materials (申请材料, 补正材料) and officials' attachments; the bytes live in the content-addressed store."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class Material(Base):
    """One uploaded file of a case. Rows are never changed or deleted: what was submitted stays on record."""

    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)  # an official's step
    slot: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)  # the catalogue material's name
    kind: Mapped[str] = mapped_column(sa.String(16))  # application|supplement|attachment
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class DraftFile(Base):
    """A file an applicant chose on the apply form, uploaded and held against their draft (``draft``, a token of
    the form) until the application is submitted, so a validation error never makes them choose it again."""

    __tablename__ = "draft_file"
    __table_args__ = (sa.Index("ix_draft_file_owner_draft", "owner", "draft"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(64))
    draft: Mapped[str] = mapped_column(sa.String(32))
    slot: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
