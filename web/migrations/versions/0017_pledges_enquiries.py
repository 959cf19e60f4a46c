"""The service desk: enquiries recorded by the first official asked (首问负责), pledges signed in place of materials
with their post-approval check (告知承诺制), and each matter's form templates and sample filled forms (表格下载)

Revision ID: 0017_pledges_enquiries
Revises: 0012_search_indexes
Create Date: 2026-12-05 21:40:00

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0017_pledges_enquiries"
down_revision = "0016_supervision_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "enquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("official", sa.String(length=64), nullable=False),
        sa.Column("official_name", sa.String(length=100), nullable=False),
        sa.Column("applicant", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=50), nullable=True),
        sa.Column("matter_code", sa.String(length=64), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("referred_to", sa.String(length=200), nullable=True),
        sa.Column("asked_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enquiry_department_asked", "enquiry", ["department", "asked_at"], unique=False)
    op.create_table(
        "material_pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("material", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("signed_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_by", sa.String(length=64), nullable=True),
        sa.Column("check_result", sa.Boolean(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "material", name="uq_material_pledge_case_material"),
    )
    with op.batch_alter_table("material_pledge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_material_pledge_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_material_pledge_checked_at"), ["checked_at"], unique=False)
    op.create_table(
        "matter_form_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["matter_code"], ["matter.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("matter_form_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matter_form_file_matter_code"), ["matter_code"], unique=False)


def downgrade():
    op.drop_table("matter_form_file")
    op.drop_table("material_pledge")
    op.drop_index("ix_enquiry_department_asked", table_name="enquiry")
    op.drop_table("enquiry")
