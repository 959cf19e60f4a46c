"""Departments (the 省/市/区/镇/社区 hierarchy), officials and API tokens."""

from __future__ import annotations

import datetime as _dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base, UTCDateTime


class Department(Base):
    __tablename__ = "department"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    level: Mapped[str] = mapped_column(sa.String(16), default="city")
    parent_id: Mapped[str | None] = mapped_column(sa.ForeignKey("department.id"), nullable=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    department_id: Mapped[str | None] = mapped_column(sa.ForeignKey("department.id"), nullable=True, index=True)
    posts: Mapped[list] = mapped_column(sa.JSON, default=list)
    roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    email: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    locale: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    # AB岗: the official who acts for this one when absent or when a step is escalated.
    backup_user_id: Mapped[str | None] = mapped_column(sa.ForeignKey("user_account.id"), nullable=True)
    absent_from: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    absent_until: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    active: Mapped[bool] = mapped_column(default=True)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(default=False)
