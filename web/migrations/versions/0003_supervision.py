"""Electronic supervision: violation rules and signals, 督办 items, the complaint procedure, case fees and channel

Revision ID: 0003_supervision
Revises: 0002_web
Create Date: 2026-11-29 13:18:24.283597

"""

import sqlalchemy as sa
from alembic import op

import engine.kernel.db

# revision identifiers, used by Alembic.
revision = "0003_supervision"
down_revision = "0002_web"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=48), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_access_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_access_at"), ["at"], unique=False)

    op.create_table(
        "violation_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("level", "department", "rule"),
    )
    op.create_table(
        "case_fee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_fee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_fee_case_id"), ["case_id"], unique=False)

    op.create_table(
        "violation_signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("article", sa.String(length=8), nullable=False),
        sa.Column("color", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("official", sa.String(length=64), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("raised_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("correct_by", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("corrected_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("corrected_by", sa.String(length=64), nullable=True),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("turned_red_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule", "subject"),
    )
    with op.batch_alter_table("violation_signal", schema=None) as batch_op:
        batch_op.create_index("ix_signal_status_department", ["status", "department"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_signal_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_signal_correct_by"), ["correct_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_signal_official"), ["official"], unique=False)
        batch_op.create_index(batch_op.f("ix_violation_signal_raised_at"), ["raised_at"], unique=False)

    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), server_default="online", nullable=False))
        batch_op.add_column(sa.Column("onsite_visits", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("result_published_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accept_due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("feedback_due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_feedback", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("first_feedback_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("decided_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("forwarded_to", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("forwarded_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("result_due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("result", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("result_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("result_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("upheld", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("light", sa.String(length=8), server_default="none", nullable=False))
        batch_op.add_column(sa.Column("light_next_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_complaint_light_next_at"), ["light_next_at"], unique=False)

    with op.batch_alter_table("supervision_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("complaint_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extended_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extension_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("light", sa.String(length=8), server_default="none", nullable=False))
        batch_op.add_column(sa.Column("light_next_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("notice_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("notice_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("noticed_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("response", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("responded_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("responded_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finding", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("finding_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("closed_at", engine.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_supervision_item_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_item_light_next_at"), ["light_next_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_item_signal_id"), ["signal_id"], unique=False)
        batch_op.create_foreign_key("fk_supervision_item_signal", "violation_signal", ["signal_id"], ["id"])
        batch_op.create_foreign_key("fk_supervision_item_complaint", "complaint", ["complaint_id"], ["id"])


def downgrade():
    with op.batch_alter_table("supervision_item", schema=None) as batch_op:
        batch_op.drop_constraint("fk_supervision_item_complaint", type_="foreignkey")
        batch_op.drop_constraint("fk_supervision_item_signal", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_supervision_item_signal_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_item_light_next_at"))
        batch_op.drop_index(batch_op.f("ix_supervision_item_complaint_id"))
        batch_op.drop_column("closed_at")
        batch_op.drop_column("finding_by")
        batch_op.drop_column("finding")
        batch_op.drop_column("responded_at")
        batch_op.drop_column("responded_by")
        batch_op.drop_column("response")
        batch_op.drop_column("noticed_at")
        batch_op.drop_column("notice_by")
        batch_op.drop_column("notice_text")
        batch_op.drop_column("escalation_level")
        batch_op.drop_column("light_next_at")
        batch_op.drop_column("light")
        batch_op.drop_column("extension_reason")
        batch_op.drop_column("extended_at")
        batch_op.drop_column("due_at")
        batch_op.drop_column("complaint_id")
        batch_op.drop_column("signal_id")

    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_light_next_at"))
        batch_op.drop_column("light_next_at")
        batch_op.drop_column("light")
        batch_op.drop_column("upheld")
        batch_op.drop_column("result_at")
        batch_op.drop_column("result_by")
        batch_op.drop_column("result")
        batch_op.drop_column("result_due_at")
        batch_op.drop_column("forwarded_at")
        batch_op.drop_column("forwarded_to")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("first_feedback_at")
        batch_op.drop_column("first_feedback")
        batch_op.drop_column("feedback_due_at")
        batch_op.drop_column("accept_due_at")

    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_column("result_published_at")
        batch_op.drop_column("onsite_visits")
        batch_op.drop_column("channel")

    with op.batch_alter_table("violation_signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_violation_signal_raised_at"))
        batch_op.drop_index(batch_op.f("ix_violation_signal_official"))
        batch_op.drop_index(batch_op.f("ix_violation_signal_correct_by"))
        batch_op.drop_index(batch_op.f("ix_violation_signal_case_id"))
        batch_op.drop_index("ix_signal_status_department")

    op.drop_table("violation_signal")
    with op.batch_alter_table("case_fee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_fee_case_id"))

    op.drop_table("case_fee")
    op.drop_table("violation_rule")
    with op.batch_alter_table("report_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_access_at"))
        batch_op.drop_index(batch_op.f("ix_report_access_actor"))

    op.drop_table("report_access")
