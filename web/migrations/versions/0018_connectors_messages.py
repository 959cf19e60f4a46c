"""Connector calls the worker still has to make, and the messages cases wait for (issue 17 §2)

Revision ID: 0018_connectors_messages
Revises: 0012_search_indexes
Create Date: 2026-12-05 21:40:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0018_connectors_messages"
down_revision = "0017_pledges_enquiries"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "connector_call",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index("ix_connector_call_case_id", "connector_call", ["case_id"], unique=False)
    op.create_index("ix_connector_call_state", "connector_call", ["state"], unique=False)
    op.create_table(
        "message_wait",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("correlation", sa.String(length=200), nullable=True),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index("ix_message_wait_case_id", "message_wait", ["case_id"], unique=False)
    op.create_index("ix_message_wait_name_correlation", "message_wait", ["name", "correlation"], unique=False)


def downgrade():
    op.drop_index("ix_message_wait_name_correlation", table_name="message_wait")
    op.drop_index("ix_message_wait_case_id", table_name="message_wait")
    op.drop_table("message_wait")
    op.drop_index("ix_connector_call_state", table_name="connector_call")
    op.drop_index("ix_connector_call_case_id", table_name="connector_call")
    op.drop_table("connector_call")
