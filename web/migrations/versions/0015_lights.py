"""Lights that mean one thing everywhere (issue 16 §3): no "green" light any more — Art. 10's due date is a signal —
so rows lit green become yellow; steps' lights now follow their timers, so no step waits for the sweep's light
re-evaluation (its light stays as it is until a timer of it fires).

Revision ID: 0015_lights
Revises: 0017_pledges_enquiries
Create Date: 2026-12-05 22:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_lights"
down_revision = "0013_cockpit_summary"
branch_labels = None
depends_on = None

LIT_TABLES = ("case_record", "task_record", "supervision_item", "complaint")


def upgrade() -> None:
    for table in LIT_TABLES:
        op.execute(f"UPDATE {table} SET light = 'yellow' WHERE light = 'green'")
    op.execute("UPDATE task_record SET light_next_at = NULL WHERE light_next_at IS NOT NULL")


def downgrade() -> None:
    """Nothing to undo: yellow is a light the earlier version knows, and its sweep sets the next instants again."""
