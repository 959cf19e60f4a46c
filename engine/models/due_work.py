"""The indexes the sweep's selections of due work read (``PeriodicJob.select``): each holds only the rows that may
still be due — a running case, a refusal, a revocation, an unchecked pledge, an open yellow signal, a complaint
awaiting its first feedback — so a selection reads what is due, never the history around it. Made with the tables
and by migration 0019 (which reads ``DUE_INDEXES``)."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from .cases import Case, CasePause
from .documents import IssuedDocument, Licence
from .feedback import Complaint
from .service_desk import MaterialPledge
from .supervision import Signal


class DueIndex(NamedTuple):
    name: str
    table: str
    columns: tuple[str, ...]
    where: str | None  # the rows it holds (None: all)


DUE_INDEXES = (
    # running cases by the instant their light may change, and those the window has yet to accept (by id, the order
    # the sweep reads them in) with their intake limit (runtime/case_clock.py): an ended case keeps both columns as
    # they were, so an index of either column whole would grow with history (they replace those, migration 0019)
    DueIndex(
        "ix_case_light_due",
        Case.__tablename__,
        ("light_next_at", "id"),
        "status = 'running' AND paused_since IS NULL",
    ),
    DueIndex(
        "ix_case_intake_pending",
        Case.__tablename__,
        ("id", "intake_due_at"),
        "status = 'running' AND accepted_at IS NULL AND intake_due_at IS NOT NULL",
    ),
    # the Art. 9 facts (violations/verification.py): refusals and denials by their end, revocations by their date
    DueIndex("ix_case_refusal_ended", Case.__tablename__, ("outcome", "ended_at"), "outcome IN ('refused', 'denied')"),
    DueIndex(
        "ix_document_revocation_issued",
        IssuedDocument.__tablename__,
        ("issued_at",),
        "kind = 'revocation_decision'",
    ),
    DueIndex("ix_licence_revoked", Licence.__tablename__, ("revoked_at",), "revoked_at IS NOT NULL"),
    # 补正 notices (Art. 9) and special procedures overrunning (violations/procedures.py) by their start
    DueIndex("ix_case_pause_kind_started", CasePause.__tablename__, ("kind", "started_at"), None),
    # pledges whose post-approval check is pending (violations/pledge_checks.py)
    DueIndex("ix_pledge_unchecked", MaterialPledge.__tablename__, ("case_id",), "checked_at IS NULL"),
    # yellow signals to turn red (violations/signals.py overdue_yellow)
    DueIndex("ix_signal_yellow_open", Signal.__tablename__, ("correct_by",), "status = 'open' AND color = 'yellow'"),
    # complaints whose first feedback is late (complaints/sweep.py feedback_due)
    DueIndex(
        "ix_complaint_feedback_due",
        Complaint.__tablename__,
        ("feedback_due_at",),
        "first_feedback_at IS NULL AND feedback_overdue_at IS NULL",
    ),
)


def _index(due: DueIndex) -> sa.Index:
    table = sa.Table(due.table, Case.metadata)  # the table as declared by its model
    where = None if due.where is None else sa.text(due.where)
    return sa.Index(due.name, *(table.c[column] for column in due.columns), postgresql_where=where, sqlite_where=where)


INDEXES = [_index(due) for due in DUE_INDEXES]
