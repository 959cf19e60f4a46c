"""The file store on a database: table file_blob holds case materials' content when SHENPI_FILES_URL is db: (or
a PostgreSQL URL); on PostgreSQL the content is kept uncompressed out of line so chunked reads fetch only their part

Revision ID: 0009_file_store
Revises: 0008_incidents
Create Date: 2026-12-05 03:30:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0009_file_store"
down_revision = "0008_incidents"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "file_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("written_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("file_blob", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_file_blob_written_at"), ["written_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE file_blob ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade():
    with op.batch_alter_table("file_blob", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_file_blob_written_at"))
    op.drop_table("file_blob")
