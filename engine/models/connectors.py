"""What a case waits for from outside: connector calls the worker still has to make, and messages a case waits
for (``POST /api/v1/messages``), projected from the workflow in the step that starts the wait."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class ConnectorCall(Base):
    """One call of a service task, send task or message throw event (``task_id``: its SpiffWorkflow task). ``state``
    is ``pending`` until the worker made it (``done``), the task went away (``withdrawn``) or its failure took the
    task's error boundary event (``failed``); a failing call without one is an incident of kind ``connector_calls``
    on its case."""

    __tablename__ = "connector_call"

    task_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    element_id: Mapped[str] = mapped_column(sa.String(100))
    state: Mapped[str] = mapped_column(sa.String(16), index=True)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MessageWait(Base):
    """A case waiting for a message by ``name`` at ``element_id`` (a receive task, a message catch or boundary
    event); ``correlation`` is the value a sender may name instead of the case (the case data's ``correlation``
    field when the wait started, else none)."""

    __tablename__ = "message_wait"
    __table_args__ = (sa.Index("ix_message_wait_name_correlation", "name", "correlation"),)

    task_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    element_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    correlation: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
