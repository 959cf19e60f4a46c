"""Search indexes: cases by creation (a department's and everyone's newest first), a case's steps by unit, and, on PostgreSQL, trigram indexes
on case numbers and applicants' names (engine/models/cases.py TRIGRAM_DDL)

Revision ID: 0012_search_indexes
Revises: 0010_intake
Create Date: 2026-12-05 04:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_search_indexes"
down_revision = "0010_intake"
branch_labels = None
depends_on = None

TRIGRAM_DDL = """
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available: case search reads the whole table';
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS ix_case_number_trgm ON case_record USING gin (number gin_trgm_ops);
        CREATE INDEX IF NOT EXISTS ix_case_applicant_name_trgm ON case_record
            USING gin ((applicant ->> 'name') gin_trgm_ops);
    END IF;
END
$$
"""


def upgrade():
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index("ix_case_department_created_at", ["department", "created_at"], unique=False)
        batch_op.create_index("ix_case_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.create_index("ix_task_case_department", ["case_id", "department"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TRIGRAM_DDL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_case_applicant_name_trgm")
        op.execute("DROP INDEX IF EXISTS ix_case_number_trgm")
    with op.batch_alter_table("task_record", schema=None) as batch_op:
        batch_op.drop_index("ix_task_case_department")
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index("ix_case_created_at")
        batch_op.drop_index("ix_case_department_created_at")
