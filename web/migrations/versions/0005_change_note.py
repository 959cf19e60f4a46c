"""A process version's change note: what the administrator said the deploy changes

Revision ID: 0005_change_note
Revises: 0004_integrations
Create Date: 2026-12-05 08:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_change_note"
down_revision = "0004_integrations"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table copy): SQLite keeps the rows other tables reference.
    op.add_column("process_definition", sa.Column("change_note", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.drop_column("change_note")
