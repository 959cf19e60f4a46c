"""Intake as the law has it: a case's 查询码 and intake limit; a licence's number, scope and validity; files held
against an application draft

Revision ID: 0010_intake
Revises: 0009_file_store
Create Date: 2026-12-05 03:40:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0010_intake"
down_revision = "0009_file_store"
branch_labels = None
depends_on = None


def upgrade():
    # Cases received before this revision keep no query code and no intake limit: the deemed-acceptance sweep only
    # looks at cases with a limit, so none of them is accepted retroactively.
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("query_code", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("intake_due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_case_record_intake_due_at"), ["intake_due_at"], unique=False)
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch_op.create_unique_constraint("uq_licence_number", ["number"])
    op.create_table(
        "draft_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("draft", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.String(length=200), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("draft_file", schema=None) as batch_op:
        batch_op.create_index("ix_draft_file_owner_draft", ["owner", "draft"], unique=False)


def downgrade():
    with op.batch_alter_table("draft_file", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_file_owner_draft")
    op.drop_table("draft_file")
    with op.batch_alter_table("licence", schema=None) as batch_op:  # the number's unique constraint goes with it
        batch_op.drop_column("valid_until")
        batch_op.drop_column("scope")
        batch_op.drop_column("number")
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_record_intake_due_at"))
        batch_op.drop_column("intake_due_at")
        batch_op.drop_column("query_code")
