"""The outbox (发件箱): records for the provincial supervision platform, written in the transaction of the change
they report and sent later in batches (integrations/upward)."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class OutboxMessage(Base):
    """One record waiting to be reported, or reported. ``key`` is its idempotency key within ``topic`` (for trail
    rows the chain position, ``chain:chain_seq``); ``payload`` is JSON text. A record joins a batch (``batch_id``)
    on its first attempt and is retried with the same batch until it is sent or has failed too often."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.UniqueConstraint("topic", "key"),
        sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    topic: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(100))
    case_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    payload: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(8), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    sent_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    batch_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
