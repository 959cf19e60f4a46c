"""The cockpit flat at any size (issue 14 §5): the trigger-kept summary also counts signals (by colour and status),
open 督办 items (by light) and complaints (by status) per department (engine/models/cockpit.py, a ``state`` column for
the statuses), filled by counting those tables once; the partial indexes the sweep's selections of due work read
(engine/models/due_work.py), two of them in place of the whole-column indexes of cases' ``light_next_at`` and
``intake_due_at``; the inbox's rank without the green light that no longer exists (engine/models/inbox_order.py).

The downgrade drops the new triggers, rows, column and indexes and makes the whole-column ones again; the inbox's rank stays as it is (a green term has
nothing to rank since 0015 turned every green light yellow).

Revision ID: 0019_flat_cockpit
Revises: 0015_lights
Create Date: 2026-12-06 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_flat_cockpit"
down_revision = "0015_lights"
branch_labels = None
depends_on = None

# whole-column indexes that grew with history, replaced by partial ones of running cases (ix_case_light_due,
# ix_case_intake_pending)
REPLACED = (("ix_case_record_light_next_at", "light_next_at"), ("ix_case_record_intake_due_at", "intake_due_at"))
INBOX_TRIGGERS = {
    "postgresql": [("inbox_order_task", "task_record"), ("inbox_order_case", "case_record")],
    "sqlite": [
        ("inbox_order_task_insert", "task_record"),
        ("inbox_order_task_update", "task_record"),
        ("inbox_order_case", "case_record"),
    ],
}


def upgrade():
    from engine.models import DUE_INDEXES, inbox_order
    from engine.models.cockpit import SUPERVISION, recount, trigger_ddl

    dialect = op.get_bind().dialect.name
    op.add_column("cockpit_tally", sa.Column("state", sa.String(length=16), server_default="", nullable=False))
    for statement in trigger_ddl(dialect, SUPERVISION):
        op.execute(statement)
    for statement in recount(SUPERVISION):
        op.execute(statement)

    for name, table in INBOX_TRIGGERS.get(dialect, []):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
    for statement in inbox_order.trigger_ddl(dialect):
        op.execute(statement)

    for due in DUE_INDEXES:
        where = None if due.where is None else sa.text(due.where)
        op.create_index(due.name, due.table, list(due.columns), postgresql_where=where, sqlite_where=where)
    for name, _column in REPLACED:
        op.drop_index(name, table_name="case_record")


def downgrade():
    from engine.models import DUE_INDEXES
    from engine.models.cockpit import SUPERVISION, drop_ddl

    dialect = op.get_bind().dialect.name
    for name, column in REPLACED:
        op.create_index(name, "case_record", [column], unique=False)
    for due in DUE_INDEXES:
        op.drop_index(due.name, table_name=due.table)
    for statement in drop_ddl(dialect, SUPERVISION):
        op.execute(statement)
    kinds = ", ".join(f"'{source.kind}'" for source in SUPERVISION)
    op.execute(f"DELETE FROM cockpit_tally WHERE kind IN ({kinds})")
    op.drop_column("cockpit_tally", "state")  # in place (SQLite 3.35+): the table keeps the triggers that name it
