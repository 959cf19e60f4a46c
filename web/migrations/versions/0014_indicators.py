"""Indicators by their definitions: on-site visits (跑动次数), post-approval inspections, manual daily points,
versions of the scoring standard; the catalogue's online depth in the seed's three levels (4 becomes 3)

Revision ID: 0014_indicators
Revises: 0012_search_indexes
Create Date: 2026-12-05 21:30:00

"""

import json

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0014_indicators"
down_revision = "0018_connectors_messages"
branch_labels = None
depends_on = None


def _depths(old: int, new: int) -> None:
    """Rewrite ``online_depth`` ``old`` as ``new`` in every matter's catalogue entry (JSON text or a JSON value)."""
    bind = op.get_bind()
    matter = sa.table("matter", sa.column("code", sa.String), sa.column("entry", sa.JSON))
    for code, entry in bind.execute(sa.select(matter.c.code, matter.c.entry)).all():
        value = json.loads(entry) if isinstance(entry, str) else entry
        if isinstance(value, dict) and value.get("online_depth") == old:
            bind.execute(sa.update(matter).where(matter.c.code == code).values(entry={**value, "online_depth": new}))


def upgrade():
    op.create_table(
        "case_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("visited_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_visit_case_id"), ["case_id"], unique=False)
    op.create_table(
        "post_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("inspected_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("inspector", sa.String(length=64), nullable=False),
        sa.Column("compliant", sa.Boolean(), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("post_inspection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_inspection_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_inspection_department"), ["department"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_inspection_inspected_at"), ["inspected_at"], unique=False)
    op.create_table(
        "manual_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("manual_point", schema=None) as batch_op:
        batch_op.create_index("ix_manual_point_official_day", ["official", "day"], unique=False)
    op.create_table(
        "scoring_standard",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    _depths(4, 3)  # the seed's three levels (003 附件): 全程网办 is level 3


def downgrade():
    op.drop_table("scoring_standard")
    with op.batch_alter_table("manual_point", schema=None) as batch_op:
        batch_op.drop_index("ix_manual_point_official_day")
    op.drop_table("manual_point")
    with op.batch_alter_table("post_inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_inspection_inspected_at"))
        batch_op.drop_index(batch_op.f("ix_post_inspection_department"))
        batch_op.drop_index(batch_op.f("ix_post_inspection_case_id"))
    op.drop_table("post_inspection")
    with op.batch_alter_table("case_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_visit_case_id"))
    op.drop_table("case_visit")
