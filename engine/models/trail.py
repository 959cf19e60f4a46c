"""The append-only, hash-chained supervision trail."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class TrailEntry(Base):
    """One trail row. Rows form chains: the system chain (``chain`` 0: deployments, catalogue changes and
    every case's ``case_started`` row) and one chain per case, which starts from its ``case_started`` row.

    ``hash_version`` says what ``hash`` covers: 1 for rows written before the row's ``seq`` was covered (kept as
    they were, and verified by that formula), 2 for every row written since (engine/trail/chain.py)."""

    __tablename__ = "trail_entry"
    __table_args__ = (sa.UniqueConstraint("chain", "chain_seq"),)

    seq: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    chain: Mapped[int] = mapped_column(sa.Integer)
    chain_seq: Mapped[int] = mapped_column(sa.Integer)
    case_id: Mapped[int | None] = mapped_column(sa.Integer, index=True, nullable=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    element_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    event: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    to_state: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    actor: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    data_digest: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    detail: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    hash_version: Mapped[int] = mapped_column(sa.SmallInteger, server_default="1")


class TrailHead(Base):
    """Head of the system chain: its last position and hash, locked while appending to it."""

    __tablename__ = "trail_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), default=0)
    hash: Mapped[str] = mapped_column(sa.String(64))


class TrailCheckpoint(Base):
    """The database's record of each line of the checkpoint file (engine/trail/checkpoints.py): its number, when,
    the SHA-256 of the line and the trail position it was taken at. Only a record: the signed line in the file is
    the anchor; the record shows a file that was truncated, replaced or edited, and the file shows a record that was
    removed."""

    __tablename__ = "trail_checkpoint"

    n: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    digest: Mapped[str] = mapped_column(sa.String(64))
    through_seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    heads: Mapped[int] = mapped_column(sa.Integer)
