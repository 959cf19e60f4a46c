"""Integrations and evaluation: data exchange, upward outbox, notice channels and deliveries, monthly evaluation

Revision ID: 0004_integrations
Revises: 0003_supervision
Create Date: 2026-11-29 14:13:23.304798

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0004_integrations"
down_revision = "0003_supervision"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exchange_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("received_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("system", "digest"),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic", "key"),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_message_next_attempt_at"), ["next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "performance_setting",
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "performance_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prev_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month"),
    )
    op.create_table(
        "notice_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id", "channel"),
    )
    with op.batch_alter_table("notice_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_notice_delivery_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_delivery_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_delivery_recipient"), ["recipient"], unique=False)

    op.create_table(
        "external_case",
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("system", "external_id"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_table(
        "external_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("happened_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reported_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["exchange_batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("system", "external_id", "step"),
    )
    with op.batch_alter_table("external_fact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_fact_case_id"), ["case_id"], unique=False)

    op.create_table(
        "notification_channel",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("user_id", "channel"),
    )
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index("ix_case_ended_department", ["ended_at", "department"], unique=False)
        batch_op.create_index("ix_case_statutory_due_department", ["statutory_due_at", "department"], unique=False)

    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispatched_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_notice_dispatched_at"), ["dispatched_at"], unique=False)
    op.execute("UPDATE notice SET dispatched_at = created_at")  # notices from before channels existed stay in the inbox

    with op.batch_alter_table("service_rating", schema=None) as batch_op:
        batch_op.create_index("ix_rating_rated_department", ["rated_at", "department"], unique=False)

    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.create_index("ix_task_completed_by_at", ["completed_at", "completed_by", "due_at"], unique=False)

    with op.batch_alter_table("violation_signal", schema=None) as batch_op:
        batch_op.create_index("ix_signal_raised_department", ["raised_at", "department"], unique=False)


def downgrade():
    with op.batch_alter_table("violation_signal", schema=None) as batch_op:
        batch_op.drop_index("ix_signal_raised_department")

    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.drop_index("ix_task_completed_by_at")

    with op.batch_alter_table("service_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_rating_rated_department")

    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_dispatched_at"))
        batch_op.drop_column("dispatched_at")

    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index("ix_case_statutory_due_department")
        batch_op.drop_index("ix_case_ended_department")

    op.drop_table("notification_channel")
    with op.batch_alter_table("external_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_fact_case_id"))

    op.drop_table("external_fact")
    op.drop_table("external_case")
    with op.batch_alter_table("notice_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_delivery_recipient"))
        batch_op.drop_index(batch_op.f("ix_notice_delivery_notice_id"))
        batch_op.drop_index("ix_notice_delivery_due")

    op.drop_table("notice_delivery")
    op.drop_table("performance_snapshot")
    op.drop_table("performance_setting")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next")
        batch_op.drop_index(batch_op.f("ix_outbox_message_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_batch_id"))

    op.drop_table("outbox_message")
    op.drop_table("exchange_batch")
