"""Electronic supervision: violation rules, the signals they raise, supervision items (督办) and notices."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class ViolationRule(Base):
    """One rule's configuration at one level: a department's own (``department``), the service office's common
    rules (``common``) or the supervision bureau's re-supervision rules (``bureau``). ``rule`` names a check the
    engine knows; ``params`` tunes it (thresholds in working days, …); ``department`` is "" above department level."""

    __tablename__ = "violation_rule"
    __table_args__ = (sa.UniqueConstraint("level", "department", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(16))
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    rule: Mapped[str] = mapped_column(sa.String(48))
    enabled: Mapped[bool] = mapped_column(default=True)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    updated_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class Signal(Base):
    """A correction signal (纠错信号) raised by a rule: yellow (Art. 11, to be corrected within 1 working day, or it
    turns red) or red (Art. 12, or a yellow not corrected). ``subject`` identifies what it is about (one signal per
    rule and subject), e.g. ``case:12`` or ``fee:7``."""

    __tablename__ = "violation_signal"
    __table_args__ = (
        sa.UniqueConstraint("rule", "subject"),
        sa.Index("ix_signal_status_department", "status", "department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(48))
    level: Mapped[str] = mapped_column(sa.String(16))
    article: Mapped[str] = mapped_column(sa.String(8))
    color: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(100))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_record.id"), nullable=True, index=True)
    department: Mapped[str] = mapped_column(sa.String(200))
    official: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    detail: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    raised_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)
    correct_by: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    correct_by_provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    corrected_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    corrected_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    correction: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    turned_red_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open, corrected, closed


class SupervisionItem(Base):
    """Something a supervisor must look at (an overdue step, a signal, a complaint) and its 督办 procedure: a
    notice to the department, the department's response, the supervisor's finding. The investigation is due in
    15 working days (``due_at``), extendable once by 10 with a reason; it has a light like a case."""

    __tablename__ = "supervision_item"
    __table_args__ = (sa.Index("ix_supervision_status_department", "status", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_record.id"), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    signal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("violation_signal.id"), nullable=True, index=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaint.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    department: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open, noticed, responded, closed
    opened_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    due_provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    extended_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    light: Mapped[str] = mapped_column(sa.String(8), default="none")
    light_next_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    escalation_level: Mapped[int] = mapped_column(default=0)
    notice_text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    notice_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    noticed_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    response: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    responded_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    responded_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finding: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    finding_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    closed_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


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
    # Set once the notice has been fanned out to the recipient's channels (e-mail, SMS, webhook).
    dispatched_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)


class ReportAccess(Base):
    """Who read or exported which supervision report, and when (seed 002 §5: every reading is logged)."""

    __tablename__ = "report_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(sa.String(48))  # e.g. cockpit, monthly_evaluation, signals
    scope: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)  # e.g. 2026-11, a department
    action: Mapped[str] = mapped_column(sa.String(16))  # read, export_pdf, export_xlsx
    actor: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)


class Verification(Base):
    """One act the supervision bureau may verify (核实, 深府〔2007〕32号 Art. 9): a refusal (不予受理), a denial (不予许可),
    a 补正 notice, an administrative reconsideration or lawsuit (复议/诉讼) and a revocation (撤销). ``source`` names the
    fact it was queued from (one row per fact: ``case:12:refused``, ``pause:7``, ``licence:…``, ``appeal:3:1``); the
    supervisor closes it with a ``finding`` and a ``conclusion`` (``compliant`` or ``violation``)."""

    __tablename__ = "verification"
    __table_args__ = (sa.Index("ix_verification_status_department", "status", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_record.id"), nullable=True, index=True)
    department: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    occurred_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    queued_by: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open, closed
    finding: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    conclusion: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    signal_id: Mapped[int | None] = mapped_column(nullable=True)  # the signal a violation finding raised
    closed_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    closed_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
