"""The calendar's revision: a number raised in every transaction that changes the calendar, so that every process
(web workers, Celery workers, the scheduler, a command run beside them) reads the calendar again within a second of a
change made by another (engine/deadlines/calendar_service.py). Before it, a process kept the calendar it had first
read until it restarted.

Revision ID: 0020_calendar_revision
Revises: 0019_flat_cockpit
Create Date: 2026-12-06 05:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_calendar_revision"
down_revision = "0019_flat_cockpit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("calendar_revision")
