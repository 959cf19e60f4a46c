"""The trail resists a rewrite: each row says which hash formula it uses (rows written so far keep version 1; new
rows use version 2, which covers the row's global seq), and the database records each signed checkpoint of the
chains' heads

Revision ID: 0007_trail_anchor
Revises: 0006_provisional_calendar
Create Date: 2026-12-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0007_trail_anchor"
down_revision = "0006_provisional_calendar"
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows keep their hashes and are verified by the formula they were made with (version 1); no row is
    # re-hashed, so what was reported upward and any earlier copy of the trail still match.
    with op.batch_alter_table("trail_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hash_version", sa.SmallInteger(), server_default="1", nullable=False))

    op.create_table(
        "trail_checkpoint",
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("through_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("n"),
    )


def downgrade():
    op.drop_table("trail_checkpoint")
    with op.batch_alter_table("trail_entry", schema=None) as batch_op:
        batch_op.drop_column("hash_version")
