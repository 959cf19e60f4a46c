"""The cockpit's summary: running cases and open steps per department and light, kept by triggers
(engine/models/cockpit.py), filled by counting the tables once; the inbox's order on each open step, kept by
triggers (engine/models/inbox_order.py), with its indexes;
the sweep's marks (keyset reading of the rules after a case's end)

Revision ID: 0013_cockpit_summary
Revises: 0012_search_indexes
Create Date: 2026-12-05 22:00:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0013_cockpit_summary"
down_revision = "0014_indicators"
branch_labels = None
depends_on = None


def upgrade():
    from engine.models import inbox_order
    from engine.models.cockpit import CASES_AND_STEPS, recount, trigger_ddl

    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inbox_rank", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("inbox_due", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
    op.execute(inbox_order.RECOUNT)
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_inbox_department",
            ["department", "state", "inbox_rank", "inbox_due", "assignee", "post"],
            unique=False,
        )
        batch_op.create_index("ix_task_inbox_assignee", ["assignee", "state", "inbox_rank", "inbox_due"], unique=False)
        batch_op.drop_index("ix_task_state_department")
        batch_op.create_index("ix_task_department_step", ["department", "state", "name"], unique=False)
    for statement in inbox_order.trigger_ddl(dialect):
        op.execute(statement)
    op.create_table(
        "sweep_mark",
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("params", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )

    op.create_table(
        "cockpit_tally",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("light", sa.String(length=8), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cockpit_tally", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cockpit_tally_department"), ["department"], unique=False)
    for statement in trigger_ddl(dialect, CASES_AND_STEPS):
        op.execute(statement)
    for statement in recount(CASES_AND_STEPS):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.drop_table("sweep_mark")
    for table, name in (("case_record", "cockpit_tally_case"), ("task_record", "cockpit_tally_task")):
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    with op.batch_alter_table("cockpit_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cockpit_tally_department"))
    op.drop_table("cockpit_tally")
    op.execute("DROP TRIGGER IF EXISTS inbox_order_case" + (" ON case_record" if dialect == "postgresql" else ""))
    for name in ("inbox_order_task", "inbox_order_task_insert", "inbox_order_task_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON task_record" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS inbox_order_task()")
        op.execute("DROP FUNCTION IF EXISTS inbox_order_case()")
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.drop_index("ix_task_inbox_assignee")
        batch_op.drop_index("ix_task_department_step")
        batch_op.create_index("ix_task_state_department", ["state", "department"], unique=False)
        batch_op.drop_index("ix_task_inbox_department")
        batch_op.drop_column("inbox_due")
        batch_op.drop_column("inbox_rank")
