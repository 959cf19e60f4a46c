"""Supervision rules (issue 16 §4): the Art. 9 verification queue (核实), the department's first feedback on a
complaint within 24 hours and the supervisor answering in its place

Revision ID: 0016_supervision_rules
Revises: 0012_search_indexes
Create Date: 2026-12-05 21:30:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0016_supervision_rules"
down_revision = "0012_search_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("occurred_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("queued_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("queued_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("conclusion", sa.String(length=16), nullable=True),
        sa.Column("signal_id", sa.Integer(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source"),
    )
    with op.batch_alter_table("verification", schema=None) as batch_op:
        batch_op.create_index("ix_verification_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_verification_status_department", ["status", "department"], unique=False)
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_feedback_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("feedback_on_behalf", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(
            sa.Column("feedback_overdue_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("feedback_overdue_at")
        batch_op.drop_column("feedback_on_behalf")
        batch_op.drop_column("first_feedback_by")
    with op.batch_alter_table("verification", schema=None) as batch_op:
        batch_op.drop_index("ix_verification_status_department")
        batch_op.drop_index("ix_verification_case_id")
    op.drop_table("verification")
