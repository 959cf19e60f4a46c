"""What the service hall keeps besides cases: enquiries answered by the first official asked (首问负责), pledges
signed in place of listed materials (告知承诺制) with their post-approval check, and the form templates and sample
filled forms of a matter (表格下载)."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class Enquiry(Base):
    """An enquiry as the first official asked recorded it: that official stays named on it (首问负责), also when
    it was referred to another department."""

    __tablename__ = "enquiry"
    __table_args__ = (sa.Index("ix_enquiry_department_asked", "department", "asked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(sa.String(200))
    official: Mapped[str] = mapped_column(sa.String(64))  # the first official asked (user id)
    official_name: Mapped[str] = mapped_column(sa.String(100))
    applicant: Mapped[str] = mapped_column(sa.String(100))
    contact: Mapped[str | None] = mapped_column(sa.String(50), nullable=True)
    matter_code: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    question: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text)
    referred_to: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)  # the department referred to
    asked_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class MaterialPledge(Base):
    """A signed pledge (告知承诺) standing in for one listed material of a case; once the case is approved, the
    department checks it (post-approval check): ``check_result`` true (the pledge held) or false (it did not)."""

    __tablename__ = "material_pledge"
    __table_args__ = (sa.UniqueConstraint("case_id", "material", name="uq_material_pledge_case_material"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    material: Mapped[str] = mapped_column(sa.String(200))
    statement: Mapped[str] = mapped_column(sa.Text)
    signed_by: Mapped[str] = mapped_column(sa.String(64))
    signed_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    checked_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    checked_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    check_result: Mapped[bool | None] = mapped_column(nullable=True)
    finding: Mapped[str | None] = mapped_column(sa.Text, nullable=True)


class MatterFormFile(Base):
    """A form template (申请表格) or a sample filled form (示范文本) of a matter, as the administrator uploaded it."""

    __tablename__ = "matter_form_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_code: Mapped[str] = mapped_column(sa.ForeignKey("matter.code"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # template | sample
    title: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
