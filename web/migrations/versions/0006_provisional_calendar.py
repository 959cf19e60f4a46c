"""Provisional calendar: limits counted over provisional days are marked, with what a recount needs

Revision ID: 0006_provisional_calendar
Revises: 0005_change_note
Create Date: 2026-11-30 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0006_provisional_calendar"
down_revision = "0005_change_note"
branch_labels = None
depends_on = None

FLAGS = {
    "case_record": "limits_provisional",
    "task_record": "due_provisional",
    "pending_timer": "provisional",
    "supervision_item": "due_provisional",
    "complaint": "limits_provisional",
    "violation_signal": "correct_by_provisional",
}


def upgrade():
    for table, column in FLAGS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promised_limit_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("statutory_limit_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("pending_timer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counted_from", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_days", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("result_days")
    with op.batch_alter_table("pending_timer", schema=None) as batch_op:
        batch_op.drop_column("counted_from")
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_column("statutory_limit_days")
        batch_op.drop_column("promised_limit_days")
    for table, column in reversed(FLAGS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
