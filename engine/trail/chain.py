"""The supervision trail: append-only rows, each hash-chained to the one before it.

Rows are appended inside the caller's transaction, so a state change and its trail
rows commit together. There are two kinds of chain:

- the system chain (``chain`` 0), with its head in ``trail_head``: deployments, catalogue
  changes and every case's ``case_started`` row, so that removing a whole case is detected;
- one chain per case, starting from its ``case_started`` row, with its head on the case row,
  moved in the same update as the case's optimistic lock (no global lock on the hot path).

A row's hash covers its global number ``seq`` too (hashing.py, version 2), so the number is taken before the row
is hashed. Editing, deleting, reordering or truncating any row breaks a link, a hash or a head, and ``verify``
(verification.py) names the chain and the row; a rewrite that re-hashes everything after an edit is caught only
against the signed checkpoints of the heads kept outside the database (checkpoints.py).
"""

from __future__ import annotations

import datetime as _dt
import json
import weakref
from collections.abc import Callable, Sequence
from typing import Any, overload

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..kernel import fast_sql
from ..kernel.db import Executor
from ..models import Case, TrailEntry, TrailHead
from .hashing import GENESIS, HASH_VERSION, SYSTEM, digest, instant, row_hash
from .verification import Verification, verify

__all__ = [
    "GENESIS",
    "SYSTEM",
    "TrailObserver",
    "TrailRow",
    "Verification",
    "append",
    "append_case_events",
    "append_outside_step",
    "digest",
    "ensure_head",
    "event",
    "for_case",
    "observe",
    "observer_of",
    "row_hash",
    "verify",
]

# A trail row as ``event`` makes it (case_id, task_id, element_id, event, from_state, to_state, actor, at,
# data_digest, detail) and, once appended, numbered and chained (seq, hash_version, chain, chain_seq, prev_hash, hash).
TrailRow = dict[str, Any]
# (session or connection, chained rows): what ``observe`` calls on every append
TrailObserver = Callable[[Executor, list[TrailRow]], None]

_entries = TrailEntry.__table__
_head = TrailHead.__table__
_cases = Case.__table__
LOCK_HEAD = sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1).with_for_update()
INSERT_ENTRIES = _entries.insert()
MOVE_HEAD = _head.update().where(_head.c.id == 1).values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
# the next global numbers: PostgreSQL draws n from the column's sequence; SQLite continues after the largest
NEXT_SEQS_PG = "SELECT nextval(pg_get_serial_sequence('trail_entry', 'seq')) FROM generate_series(1, %s)"
LAST_SEQ = "SELECT max(seq) FROM trail_entry"
# PostgreSQL: a few numbers drawn by a statement the step runs anyway (the read of its task or case, after which it
# appends to that case's chain), so that the common step needs no round trip of its own for them
DRAWN_AHEAD = 4
DRAW_AHEAD_PG: sa.Label[Any] = sa.literal_column(
    f"ARRAY(SELECT nextval(pg_get_serial_sequence('trail_entry', 'seq')) FROM generate_series(1, {DRAWN_AHEAD}))"
).label("trail_numbers")
_observers: weakref.WeakKeyDictionary[sa.Engine, TrailObserver] = weakref.WeakKeyDictionary()  # engine -> observer


def observe(bind: sa.Engine, observer: TrailObserver | None) -> None:
    """Call ``observer(connection, rows)`` with the chained rows of every append to the database ``bind``, in the
    same transaction (the upward-reporting outbox); ``None`` stops observing."""
    if observer is None:
        _observers.pop(bind, None)
    else:
        _observers[bind] = observer


def observer_of(session: Executor) -> TrailObserver | None:
    """The observer of the database that ``session`` (a Session or a Connection) writes to, if any."""
    bind = session.engine if isinstance(session, sa.Connection) else session.get_bind().engine
    return _observers.get(bind)


def event(
    event: str,
    at: _dt.datetime,
    *,
    case_id: int | None = None,
    task_id: str | None = None,
    element_id: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    actor: str | None = None,
    data_digest: str | None = None,
    detail: dict[str, Any] | None = None,
) -> TrailRow:
    """A trail row waiting to be appended."""
    return {
        "case_id": case_id,
        "task_id": task_id,
        "element_id": element_id,
        "event": event,
        "from_state": from_state,
        "to_state": to_state,
        "actor": actor,
        "at": at,
        "data_digest": data_digest,
        "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else None,
    }


def ensure_head(session: Session) -> None:
    if session.execute(sa.select(_head.c.id).where(_head.c.id == 1)).first() is None:
        session.execute(_head.insert().values(id=1, seq=0, hash=GENESIS))


def _in_system_chain(row: TrailRow) -> bool:
    return row["case_id"] is None or row["event"] == "case_started"


def _link(rows: list[TrailRow], chain: int, position: int, prev: str) -> tuple[int, str]:
    for row in rows:
        position += 1
        row.update(chain=chain, chain_seq=position, prev_hash=prev)
        row["hash"] = prev = row_hash(row)
    return position, prev


def _number(session: Executor, rows: list[TrailRow], drawn: Sequence[int] = ()) -> None:
    """Give ``rows`` their global numbers, in order, before they are hashed (the hash covers the number). Called after
    the chain's head was read (the system chain's under its lock), so a chain's numbers grow with its positions: an
    append that read the same head fails on the chain's unique positions. PostgreSQL draws the numbers from the
    column's sequence; SQLite's write transactions hold the write lock from their BEGIN IMMEDIATE (kernel/db.py), so
    the numbers follow the largest, as SQLite itself would give them.

    ``drawn``: numbers of the sequence the caller drew in the statement that read the case's head (DRAW_AHEAD_PG),
    used first for rows of that case's chain only: drawn after the head was read, they are larger than every number
    of the chain's rows before it, as numbers drawn now would be (unused ones are gaps, like a rolled-back step's)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        numbers = sorted(drawn)[: len(rows)]
        if len(numbers) < len(rows):
            numbers += sorted(fast_sql.column(session, NEXT_SEQS_PG, (len(rows) - len(numbers),)))
    else:
        last = fast_sql.column(session, LAST_SEQ)[0] or 0
        numbers = list(range(last + 1, last + 1 + len(rows)))
    for row, seq in zip(rows, numbers):
        row["seq"], row["hash_version"] = seq, HASH_VERSION


def append_case_events(session: Executor, case_id: int, rows: list[TrailRow]) -> None:
    """Append rows to a case's chain outside a workflow step (e.g. a claim), moving the case's head."""
    head = session.execute(
        sa.select(_cases.c.trail_seq, _cases.c.trail_hash).where(_cases.c.id == case_id).with_for_update()
    ).one()
    position, last = append(session, rows, (head.trail_seq, head.trail_hash))
    session.execute(_cases.update().where(_cases.c.id == case_id).values(trail_seq=position, trail_hash=last))


def append_outside_step(session: Executor, rows: Sequence[TrailRow | None]) -> None:
    """Append rows written outside a workflow step (supervision, complaints, signals): each row with a case to that
    case's chain, the others to the system chain; ``None`` entries are skipped."""
    given = [row for row in rows if row is not None]
    system = [row for row in given if row["case_id"] is None]
    if system:
        append(session, system, None)
    for case_id in dict.fromkeys(row["case_id"] for row in given if row["case_id"] is not None):
        append_case_events(session, case_id, [row for row in given if row["case_id"] == case_id])


@overload
def append(
    session: Executor, rows: list[TrailRow], case_head: tuple[int, str], drawn: Sequence[int] = ()
) -> tuple[int, str]: ...
@overload
def append(
    session: Executor, rows: list[TrailRow], case_head: None = None, drawn: Sequence[int] = ()
) -> tuple[int, str] | None: ...


def append(
    session: Executor, rows: list[TrailRow], case_head: tuple[int, str] | None = None, drawn: Sequence[int] = ()
) -> tuple[int, str] | None:
    """Chain and insert ``rows`` in the caller's transaction.

    Rows of a case continue the chain whose head (position, hash) the caller read from the case row; the
    new head is returned for the caller to store with the case's next version. ``drawn``: numbers the caller drew
    with its read of that head (``_number``), used when no row goes to the system chain.
    """
    if not rows:
        return case_head
    system = [r for r in rows if _in_system_chain(r)]
    by_case = [r for r in rows if not _in_system_chain(r)]
    head = None
    if system:
        head = session.execute(LOCK_HEAD).first()
        if head is None:
            raise RuntimeError("trail head missing: run `shenpi init-db`")
    _number(session, system + by_case, () if system else drawn)
    if head is not None:
        position, last = _link(system, SYSTEM, head.seq, head.hash)
        session.execute(MOVE_HEAD, {"new_seq": position, "new_hash": last})
        started = [r["hash"] for r in system if r["event"] == "case_started"]
        if started and case_head is None:
            case_head = (0, started[-1])
    if by_case:
        if case_head is None:
            raise ValueError("rows of a case need the case's trail head")
        case_head = _link(by_case, by_case[0]["case_id"], *case_head)
    fast_sql.execute_many(session, INSERT_ENTRIES, system + by_case)
    if _observers:
        observer = observer_of(session)
        if observer is not None:
            observer(session, system + by_case)
    return case_head


def for_case(session: Executor, case_id: int) -> list[dict[str, Any]]:
    rows = (
        session.execute(sa.select(_entries).where(_entries.c.case_id == case_id).order_by(_entries.c.seq))
        .mappings()
        .all()
    )
    return [
        {
            "seq": r["seq"],
            "event": r["event"],
            "task_id": r["task_id"],
            "element": r["element_id"],
            "from": r["from_state"],
            "to": r["to_state"],
            "actor": r["actor"],
            "at": instant(r["at"]),
            "data_digest": r["data_digest"],
            "detail": json.loads(r["detail"]) if r["detail"] else None,
            "hash": r["hash"],
        }
        for r in rows
    ]
