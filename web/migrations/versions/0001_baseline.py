"""Baseline: the schema as issues 2–4 left it (before the web pages).

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-23

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=True),
        sa.Column("imported_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "department",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "document_counter",
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("department", "year"),
    )
    op.create_table(
        "matter",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("matter_type", sa.String(length=32), nullable=False),
        sa.Column("statutory_limit_days", sa.Integer(), nullable=False),
        sa.Column("promised_limit_days", sa.Integer(), nullable=False),
        sa.Column("star_level", sa.Integer(), nullable=False),
        sa.Column("handling", sa.String(length=8), nullable=False),
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("matter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matter_department"), ["department"], unique=False)

    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_recipient"), ["recipient"], unique=False)

    op.create_table(
        "process_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("deployed_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deployed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
        sa.UniqueConstraint("key", "version"),
    )
    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_definition_key"), ["key"], unique=False)

    op.create_table(
        "trail_entry",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("chain", sa.Integer(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=100), nullable=True),
        sa.Column("to_state", sa.String(length=100), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("data_digest", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("chain", "chain_seq"),
    )
    with op.batch_alter_table("trail_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trail_entry_case_id"), ["case_id"], unique=False)

    op.create_table(
        "trail_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "case_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("matter_code", sa.String(length=64), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("applicant", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("trail_seq", sa.Integer(), nullable=False),
        sa.Column("trail_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("promised_due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("statutory_due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Float(), nullable=False),
        sa.Column("paused_since", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("pause_kind", sa.String(length=32), nullable=True),
        sa.Column("light", sa.String(length=8), nullable=False),
        sa.Column("light_next_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["process_definition.id"],
        ),
        sa.ForeignKeyConstraint(
            ["matter_code"],
            ["matter.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index("ix_case_light_department", ["light", "department"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_record_light_next_at"), ["light_next_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_record_matter_code"), ["matter_code"], unique=False)
        batch_op.create_index("ix_case_status_department", ["status", "department"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("posts", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("backup_user_id", sa.String(length=64), nullable=True),
        sa.Column("absent_from", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("absent_until", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["backup_user_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_department_id"), ["department_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "case_pause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=True),
        sa.Column("started_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("ended_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_pause", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_pause_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_reader",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id"),
    )
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("issued_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department", "year", "seq"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_document_case_id"), ["case_id"], unique=False)

    op.create_table(
        "licence",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("matter_code", sa.String(length=64), nullable=False),
        sa.Column("matter_name", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("issued_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_table(
        "pending_timer",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("task_id"),
    )
    with op.batch_alter_table("pending_timer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_timer_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_timer_due_at"), ["due_at"], unique=False)

    op.create_table(
        "supervision_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("supervision_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_item_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_supervision_status_department", ["status", "department"], unique=False)

    op.create_table(
        "task_record",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("post", sa.String(length=200), nullable=True),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("light", sa.String(length=8), nullable=False),
        sa.Column("light_next_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("escalated_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_record_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_record_light_next_at"), ["light_next_at"], unique=False)
        batch_op.create_index("ix_task_state_assignee", ["state", "assignee"], unique=False)
        batch_op.create_index("ix_task_state_department", ["state", "department"], unique=False)
        batch_op.create_index("ix_task_state_light", ["state", "light"], unique=False)
        batch_op.create_index("ix_task_state_post", ["state", "post"], unique=False)

    op.create_table(
        "workflow_journal",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )
    op.create_table(
        "workflow_snapshot",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("journal_seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("case_id"),
    )


def downgrade():
    op.drop_table("workflow_snapshot")
    op.drop_table("workflow_journal")
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.drop_index("ix_task_state_post")
        batch_op.drop_index("ix_task_state_light")
        batch_op.drop_index("ix_task_state_department")
        batch_op.drop_index("ix_task_state_assignee")
        batch_op.drop_index(batch_op.f("ix_task_record_light_next_at"))
        batch_op.drop_index(batch_op.f("ix_task_record_case_id"))

    op.drop_table("task_record")
    with op.batch_alter_table("supervision_item", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_status_department")
        batch_op.drop_index(batch_op.f("ix_supervision_item_case_id"))

    op.drop_table("supervision_item")
    with op.batch_alter_table("pending_timer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_timer_due_at"))
        batch_op.drop_index(batch_op.f("ix_pending_timer_case_id"))

    op.drop_table("pending_timer")
    op.drop_table("licence")
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_document_case_id"))

    op.drop_table("issued_document")
    op.drop_table("case_reader")
    with op.batch_alter_table("case_pause", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_pause_case_id"))

    op.drop_table("case_pause")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_department_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index("ix_case_status_department")
        batch_op.drop_index(batch_op.f("ix_case_record_matter_code"))
        batch_op.drop_index(batch_op.f("ix_case_record_light_next_at"))
        batch_op.drop_index("ix_case_light_department")

    op.drop_table("case_record")
    op.drop_table("trail_head")
    with op.batch_alter_table("trail_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trail_entry_case_id"))

    op.drop_table("trail_entry")
    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_definition_key"))

    op.drop_table("process_definition")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_recipient"))

    op.drop_table("notice")
    with op.batch_alter_table("matter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_department"))

    op.drop_table("matter")
    op.drop_table("document_counter")
    op.drop_table("department")
    op.drop_table("calendar_year")
    op.drop_table("calendar_day")
