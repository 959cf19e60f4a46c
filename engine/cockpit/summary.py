"""The cockpit's summary per department of running cases and open steps by light, signals by colour and status, open
督办 items by light and complaints by status (``engine/models/cockpit.py``: kept by triggers in the transaction of
each change): reading it, folding a department's appended rows into one per bucket (the sweep's ``cockpit_summary``
work, one department per transaction) and rebuilding it from the tables."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import CockpitTally
from ..models.cockpit import recount

if TYPE_CHECKING:
    from ..kernel import Database

NO_DEPARTMENT = ""  # the sweep's id of the rows without a department
FOLD_AT = 2  # a bucket is folded once it has this many rows
_BUCKET = (CockpitTally.kind, CockpitTally.department, CockpitTally.light, CockpitTally.state)


class Bucket(NamedTuple):
    kind: str  # 'case', 'task', 'signal', 'item', 'complain'
    department: str | None
    light: str  # a light, 'paused' (cases), a colour (signals), '' (complaints)
    state: str  # a signal's or a complaint's status; '' for the others
    n: int


def _of(department: str | None) -> sa.ColumnElement[bool]:
    if department is None or department == NO_DEPARTMENT:
        return CockpitTally.department.is_(None)
    return CockpitTally.department == department


class CockpitSummary:
    def __init__(self, db: Database) -> None:
        self.db = db

    def counts(self, units: tuple[str, ...] | None, session: Session | None = None) -> list[Bucket]:
        """(kind, department, light, state, count) of every non-empty bucket, within ``units`` (None: everywhere);
        read in ``session`` when given."""
        query = sa.select(*_BUCKET, sa.func.sum(CockpitTally.n)).group_by(*_BUCKET)
        if units is not None:
            query = query.where(CockpitTally.department.in_(units))
        if session is None:
            with self.db.reading() as own:
                return self.counts(units, own)
        return [Bucket(k, d, light, state, int(n)) for k, d, light, state, n in session.execute(query) if n]

    def due_departments(self, _as_of: _dt.datetime, limit: int = 1000) -> Sequence[str]:
        """Departments with a bucket of several rows to fold (the sweep's ``cockpit_summary`` work)."""
        department = sa.func.coalesce(CockpitTally.department, NO_DEPARTMENT)
        with self.db.reading() as session:
            return list(
                session.scalars(
                    sa.select(department)
                    .group_by(*_BUCKET)
                    .having(sa.func.count() >= FOLD_AT)
                    .distinct()
                    .order_by(department)
                    .limit(limit)
                )
            )

    def fold(self, department: str, _as_of: _dt.datetime) -> int:
        """Fold one department's rows into one per non-empty bucket, in a transaction of its own; the rows folded.

        The rows are deleted and read in one statement (``DELETE … RETURNING``): a row committed meanwhile is either
        folded or left as it was, never lost."""
        with self.db.transaction() as session:
            removed = session.execute(
                sa.delete(CockpitTally).where(_of(department)).returning(*_BUCKET, CockpitTally.n)
            ).all()
            sums: dict[tuple[str, str | None, str, str], int] = {}
            for kind, name, light, state, n in removed:
                sums[(kind, name, light, state)] = sums.get((kind, name, light, state), 0) + n
            session.add_all(
                CockpitTally(kind=kind, department=name, light=light, state=state, n=n)
                for (kind, name, light, state), n in sums.items()
                if n
            )
        return len(removed)

    def rebuild(self) -> int:
        """Count the whole summary afresh from its tables (after a bulk load or a repair); the buckets written.
        Concurrent changes wait for it on PostgreSQL (the table is locked), so none is lost or counted twice."""
        with self.db.transaction() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(sa.text("LOCK TABLE cockpit_tally IN EXCLUSIVE MODE"))
            session.execute(sa.delete(CockpitTally))
            for statement in recount():
                session.execute(sa.text(statement))
            return session.scalar(sa.select(sa.func.count()).select_from(CockpitTally)) or 0
