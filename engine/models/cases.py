"""Cases (办件), their stored workflow state and the projection of open user tasks."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler

from ..kernel.db import Base, UTCDateTime

# Case search on PostgreSQL looks numbers and applicants' names up through trigram indexes (pg_trgm: `LIKE '%…%'`
# of three characters or more, and `LIKE '…%'` of any length). They are made where the extension can be created,
# by the tables' creation and by migration 0012, and left out of the models' comparison with the migrations.
TRIGRAM_INDEXES = ("ix_case_number_trgm", "ix_case_applicant_name_trgm")
TRIGRAM_DDL = """
DO $$
DECLARE
    trgm_schema name;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available: case search reads the whole table';
    END;
    -- the operator class named by the extension's own schema: the tables may live in another one (bench/report.py)
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS ix_case_number_trgm ON case_record USING gin (number %%I.gin_trgm_ops)',
            trgm_schema);
        EXECUTE format('CREATE INDEX IF NOT EXISTS ix_case_applicant_name_trgm ON case_record '
            'USING gin ((applicant ->> ''name'') %%I.gin_trgm_ops)', trgm_schema);
    END IF;
END
$$
"""


class Case(Base):
    __tablename__ = "case_record"
    __table_args__ = (
        sa.Index("ix_case_status_department", "status", "department"),
        sa.Index("ix_case_light_department", "light", "department"),
        sa.Index("ix_case_department_created_at", "department", "created_at"),
        sa.Index("ix_case_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    matter_code: Mapped[str] = mapped_column(sa.ForeignKey("matter.code"), index=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"))
    department: Mapped[str] = mapped_column(sa.String(200))
    applicant: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    outcome: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    # Optimistic lock: every committed change to the case increments it.
    lock_version: Mapped[int] = mapped_column(default=1)
    # Head of the case's trail chain, moved in the same update as the lock.
    trail_seq: Mapped[int] = mapped_column(default=0)
    trail_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    created_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The case clock: limits run from acceptance (受理) and stop while paused (补正, special procedures, 中止).
    accepted_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    promised_due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    statutory_due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paused_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    paused_since: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pause_kind: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    light: Mapped[str] = mapped_column(sa.String(8), default="none")
    # read by the sweep through the partial indexes of engine/models/due_work.py (running cases only)
    light_next_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The limits in working days as counted at acceptance, and whether they were counted over provisional calendar
    # days (a year without the State Council's arrangement): an official import counts them again from acceptance.
    promised_limit_days: Mapped[int | None] = mapped_column(nullable=True)
    statutory_limit_days: Mapped[int | None] = mapped_column(nullable=True)
    limits_provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # How the application came in: online (网上申请), window (窗口) or vertical (a ministry system's report).
    channel: Mapped[str] = mapped_column(sa.String(16), default="online", server_default="online")
    onsite_visits: Mapped[int] = mapped_column(default=0, server_default="0")  # 跑动次数: visits to the hall
    result_published_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # 查询码: with the case number, follows the case without an account (/portal/track, GET /api/v1/progress).
    query_code: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    # The intake limit (《行政许可法》 Art. 32: 5 working days by default, per matter): by then the window accepts,
    # refuses or sends the 补正 notice, or the application counts as accepted on its receipt day.
    intake_due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


sa.event.listen(Case.__table__, "after_create", sa.DDL(TRIGRAM_DDL).execute_if(dialect="postgresql"))


class ApplicantName(sa.sql.functions.FunctionElement[str]):
    """The applicant's name in the case's JSON, written as PostgreSQL's trigram index has it."""

    type = sa.String()
    inherit_cache = True
    name = "applicant_name"


@compiles(ApplicantName, "postgresql")
def _applicant_name_postgresql(element: ApplicantName, compiler: SQLCompiler, **kw: Any) -> str:
    return "(case_record.applicant ->> 'name')"


@compiles(ApplicantName)
def _applicant_name(element: ApplicantName, compiler: SQLCompiler, **kw: Any) -> str:
    return "json_extract(case_record.applicant, '$.name')"


class CaseFee(Base):
    """A fee charged on a case (收费), compared with the catalogue's fee items by the violation rules."""

    __tablename__ = "case_fee"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    item: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[float] = mapped_column(sa.Numeric(12, 2))
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)


class CasePause(Base):
    """One pause of a case's clock, with its reason."""

    __tablename__ = "case_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.Text)
    missing: Mapped[list | None] = mapped_column(sa.JSON, nullable=True)  # 补正: every missing material, at once
    started_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(sa.String(64))
    ended_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)


class WorkflowSnapshot(Base):
    """The case's SpiffWorkflow state at ``journal_seq`` (without the spec, which is referenced)."""

    __tablename__ = "workflow_snapshot"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), primary_key=True)
    journal_seq: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(sa.Text)


class WorkflowJournal(Base):
    """Changes to the workflow state after the snapshot, one row per committed step."""

    __tablename__ = "workflow_journal"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    delta: Mapped[str] = mapped_column(sa.Text)


class TaskRecord(Base):
    """A user task as the inbox sees it, kept in step with the workflow in the same transaction."""

    __tablename__ = "task_record"
    __table_args__ = (
        # a unit's open steps; their step names one by one (the inbox's step filter, engine/worklists/inbox.py)
        sa.Index("ix_task_department_step", "department", "state", "name"),
        sa.Index("ix_task_state_assignee", "state", "assignee"),
        sa.Index("ix_task_state_post", "state", "post"),
        sa.Index("ix_task_state_light", "state", "light"),
        # a case's steps in a unit: the unit scope of case search probes it case by case (identity/access.py)
        sa.Index("ix_task_case_department", "case_id", "department"),
        # the inbox reads a unit's queue and an official's own steps in their order (engine/models/inbox_order.py)
        sa.Index("ix_task_inbox_department", "department", "state", "inbox_rank", "inbox_due", "assignee", "post"),
        sa.Index("ix_task_inbox_assignee", "assignee", "state", "inbox_rank", "inbox_due"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    element_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    lane: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    department: Mapped[str] = mapped_column(sa.String(200))
    post: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    assignee: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="open")
    created_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    due_provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # counted provisionally
    # the step's light follows its BPMN timers (runtime/step_lights.py); light_next_at stays empty since 0015_lights
    light: Mapped[str] = mapped_column(sa.String(8), default="none")
    light_next_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    escalation_level: Mapped[int] = mapped_column(default=0)
    # 委派: the official who delegated the task and gets it back when the delegate has done the work.
    owner: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    escalated_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    opinion: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # The inbox's order of an open step, kept by triggers (engine/models/inbox_order.py): the worse of the step's
    # and its case's light (-3 red … 0 none) and the nearer of its deadline and the case's promised limit.
    inbox_rank: Mapped[int | None] = mapped_column(sa.SmallInteger, nullable=True)
    inbox_due: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PendingTimer(Base):
    __tablename__ = "pending_timer"

    task_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), index=True)
    element_id: Mapped[str] = mapped_column(sa.String(100))
    due_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime, index=True)
    # True while the case's clock is paused: the timer waits, and moves when the clock resumes.
    suspended: Mapped[bool] = mapped_column(default=False)
    # When the timer started waiting, and whether its working time was counted over provisional calendar days.
    counted_from: Mapped[_dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class CaseReader(Base):
    """A read-only recipient of a case (抄送)."""

    __tablename__ = "case_reader"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    added_by: Mapped[str] = mapped_column(sa.String(64))
    added_at: Mapped[_dt.datetime] = mapped_column(UTCDateTime)
