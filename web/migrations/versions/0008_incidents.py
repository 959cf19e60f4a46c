"""Incidents: periodic work that failed for one case (or item, step, delivery), kept for administrators and retried
with backoff; at most one open incident per kind of work and subject

Revision ID: 0008_incidents
Revises: 0007_trail_anchor
Create Date: 2026-12-05 04:00:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0008_incidents"
down_revision = "0007_trail_anchor"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("params", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column("first_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("resolved_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_incident_state_kind", ["state", "kind"], unique=False)
        batch_op.create_index(
            "uq_incident_open_subject",
            ["kind", "subject"],
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )


def downgrade():
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("uq_incident_open_subject", sqlite_where=sa.text("state = 'open'"))
        batch_op.drop_index("ix_incident_state_kind")
        batch_op.drop_index(batch_op.f("ix_incident_case_id"))
    op.drop_table("incident")
