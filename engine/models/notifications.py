"""How each user wants to be told (通知方式) and the delivery of every notice over those channels."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class NotificationChannel(Base):
    """One channel a user chose: ``email`` (to ``address``), ``sms`` (to ``address``, a phone number) or
    ``webhook`` (POST to ``address``, signed with ``secret``). The inbox always gets every notice."""

    __tablename__ = "notification_channel"

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str | None] = mapped_column(sa.String(128), nullable=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class NoticeDelivery(Base):
    """One notice sent (or to be sent) over one channel; retried with backoff until sent or given up."""

    __tablename__ = "notice_delivery"
    __table_args__ = (
        sa.UniqueConstraint("notice_id", "channel"),
        sa.Index("ix_notice_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notice.id"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(64), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    address: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    sent_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
