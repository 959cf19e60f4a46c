"""What applicants and the public say about the service: ratings (满意度评价) and complaints (投诉)."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class Rating(Base):
    """The applicant's rating of one ended case: one per case, 1–5 stars per aspect."""

    __tablename__ = "service_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), unique=True)
    matter_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    department: Mapped[str] = mapped_column(sa.String(200), index=True)
    rater: Mapped[str] = mapped_column(sa.String(64))
    overall: Mapped[int] = mapped_column(sa.SmallInteger)
    scores: Mapped[dict] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    rated_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)


class Complaint(Base):
    """A complaint, anonymous (no complainant kept) or real-name, with a reference number for looking it up.

    ``status``: submitted → accepted (or rejected, with a reason) → forwarded to the department → answered (the
    department's result) → closed. Acceptance is due within 5 working days, the first feedback within 24 hours."""

    __tablename__ = "complaint"
    __table_args__ = (sa.Index("ix_complaint_status_department", "status", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    anonymous: Mapped[bool] = mapped_column(default=False)
    complainant: Mapped[str | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True, index=True)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_record.id"), nullable=True, index=True)
    department: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="submitted")
    submitted_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)
    status_changed_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    accept_due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    feedback_due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_feedback: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    first_feedback_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_feedback_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # the supervisor answered in the department's place once its 24 hours had passed (000 四(二))
    feedback_on_behalf: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # when the sweep found the department's 24 hours passed without a first feedback (supervisors told)
    feedback_overdue_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    decided_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    forwarded_to: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    forwarded_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_days: Mapped[int | None] = mapped_column(nullable=True)  # the working days the result was given
    # Whether the open working-day limit (acceptance, or the result) was counted over provisional calendar days.
    limits_provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    result: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    result_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    result_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    upheld: Mapped[bool | None] = mapped_column(nullable=True)  # the department's result found the complaint justified
    light: Mapped[str] = mapped_column(sa.String(8), default="none")
    light_next_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
