"""The supervision trail: append-only rows, each hash-chained to the one before it.

Rows are appended inside the caller's transaction, so a state change and its trail
rows commit together. There are two kinds of chain:

- the system chain (``chain`` 0), with its head in ``trail_head``: deployments, catalogue
  changes and every case's ``case_started`` row, so that removing a whole case is detected;
- one chain per case, starting from its ``case_started`` row, with its head on the case row,
  moved in the same update as the case's optimistic lock (no global lock on the hot path).

Editing, deleting or truncating any row breaks a link or a head, and ``verify`` names the row.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..kernel import fast_sql
from ..kernel.db import Executor
from ..models import Case, TrailEntry, TrailHead

# A trail row as ``event`` makes it (case_id, task_id, element_id, event, from_state, to_state, actor, at,
# data_digest, detail) and, once appended, chained (chain, chain_seq, prev_hash, hash).
TrailRow = dict[str, Any]
# (session or connection, chained rows): what ``observe`` calls on every append
TrailObserver = Callable[[Executor, list[TrailRow]], None]

GENESIS = "0" * 64
SYSTEM = 0
_entries = TrailEntry.__table__
_head = TrailHead.__table__
_cases = Case.__table__
LOCK_HEAD = sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1).with_for_update()
INSERT_ENTRIES = _entries.insert()
MOVE_HEAD = _head.update().where(_head.c.id == 1).values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
_observers: weakref.WeakKeyDictionary[sa.Engine, TrailObserver] = weakref.WeakKeyDictionary()   # engine -> observer


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


def digest(data: object) -> str:
    """SHA-256 of the canonical JSON form of ``data``."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row_hash(row: Mapping[Any, Any]) -> str:
    fields = [
        row["chain"], row["chain_seq"], row["case_id"], row["task_id"], row["element_id"], row["event"],
        row["from_state"], row["to_state"], row["actor"], _instant(row["at"]), row["data_digest"], row["detail"],
        row["prev_hash"],
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _instant(value: _dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event(event: str, at: _dt.datetime, *, case_id: int | None = None, task_id: str | None = None,
          element_id: str | None = None, from_state: str | None = None, to_state: str | None = None,
          actor: str | None = None, data_digest: str | None = None, detail: dict[str, Any] | None = None) -> TrailRow:
    """A trail row waiting to be appended."""
    return {
        "case_id": case_id, "task_id": task_id, "element_id": element_id, "event": event,
        "from_state": from_state, "to_state": to_state, "actor": actor, "at": at,
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
        row["hash"] = prev = _row_hash(row)
    return position, prev


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
def append(session: Executor, rows: list[TrailRow], case_head: tuple[int, str]) -> tuple[int, str]: ...
@overload
def append(session: Executor, rows: list[TrailRow], case_head: None = None) -> tuple[int, str] | None: ...


def append(session: Executor, rows: list[TrailRow],
           case_head: tuple[int, str] | None = None) -> tuple[int, str] | None:
    """Chain and insert ``rows`` in the caller's transaction.

    Rows of a case continue the chain whose head (position, hash) the caller read from the case row; the
    new head is returned for the caller to store with the case's next version.
    """
    if not rows:
        return case_head
    system = [r for r in rows if _in_system_chain(r)]
    by_case = [r for r in rows if not _in_system_chain(r)]
    if system:
        head = session.execute(LOCK_HEAD).first()
        if head is None:
            raise RuntimeError("trail head missing: run `shenpi init-db`")
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


@dataclass
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> Verification:
    """Recompute every chain; name the first row (by sequence number) that does not fit."""
    problems: list[tuple[int, str]] = []
    checked = 0
    started: dict[int, tuple[int, str]] = {}     # case id -> (seq, hash) of its case_started row
    tails: dict[int, tuple[int, int, str]] = {}  # chain -> (last position, last seq, last hash)
    last_key = (-1, 0)
    while True:
        rows = session.execute(
            sa.select(_entries).where(sa.tuple_(_entries.c.chain, _entries.c.chain_seq) > sa.tuple_(*last_key))
            .order_by(_entries.c.chain, _entries.c.chain_seq).limit(batch)
        ).mappings().all()
        if not rows:
            break
        for row in rows:
            checked += 1
            chain = row["chain"]
            position, _seq, prev = tails.get(chain, (0, None, None))
            if prev is None:
                prev = GENESIS if chain == SYSTEM else started.get(chain, (None, None))[1]
            if row["chain_seq"] != position + 1:
                problems.append((row["seq"], f"rows missing before row {row['seq']} (chain {chain} jumps from {position} to {row['chain_seq']})"))
            elif prev is None:
                problems.append((row["seq"], f"case {chain} has trail rows but no case_started row"))
            elif row["prev_hash"] != prev:
                problems.append((row["seq"], "previous-hash link does not match"))
            elif _row_hash(row) != row["hash"]:
                problems.append((row["seq"], "row content does not match its hash"))
            if chain == SYSTEM and row["event"] == "case_started":
                started[row["case_id"]] = (row["seq"], row["hash"])
            tails[chain] = (row["chain_seq"], row["seq"], row["hash"])
        last_key = (rows[-1]["chain"], rows[-1]["chain_seq"])
    problems.extend(_check_heads(session, tails, started))
    if problems:
        seq, reason = min(problems, key=lambda p: p[0])
        return Verification(False, checked, seq, reason)
    return Verification(True, checked)


def _check_heads(session: Session, tails: dict[int, tuple[int, int, str]],
                 started: dict[int, tuple[int, str]]) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    head = session.execute(sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).first()
    seq: int | None
    last: str | None
    position, seq, last = tails.get(SYSTEM, (0, 0, GENESIS))
    if head is not None and (head.seq != position or head.hash != last):
        problems.append(((seq or 0) + 1, f"the system chain ends at position {position} but its head records {head.seq}"))
    for case_id, trail_seq, trail_hash in session.execute(sa.select(_cases.c.id, _cases.c.trail_seq, _cases.c.trail_hash)):
        position, seq, last = tails.get(case_id, (0, None, None))
        if case_id not in started:
            problems.append((seq or 0, f"case {case_id} has no case_started row in the system chain"))
        elif trail_seq != position or trail_hash != (last or started[case_id][1]):
            problems.append(((seq or started[case_id][0]) + 1,
                             f"case {case_id}'s trail ends at position {position} but the case records {trail_seq}"))
    return problems


def for_case(session: Executor, case_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(_entries).where(_entries.c.case_id == case_id).order_by(_entries.c.seq)
    ).mappings().all()
    return [
        {
            "seq": r["seq"], "event": r["event"], "task_id": r["task_id"], "element": r["element_id"],
            "from": r["from_state"], "to": r["to_state"], "actor": r["actor"], "at": _instant(r["at"]),
            "data_digest": r["data_digest"], "detail": json.loads(r["detail"]) if r["detail"] else None,
            "hash": r["hash"],
        }
        for r in rows
    ]
