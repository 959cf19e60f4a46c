"""The supervision trail: append-only rows, each hash-chained to the one before.

Rows are appended inside the caller's transaction, so a state change and its
trail rows commit together. A single head row, locked while appending, keeps the
chain linear across concurrent transactions and makes truncation detectable.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import TrailEntry, TrailHead

GENESIS = "0" * 64
_entries = TrailEntry.__table__
_head = TrailHead.__table__
LOCK_HEAD = sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1).with_for_update()
INSERT_ENTRIES = _entries.insert()
MOVE_HEAD = _head.update().where(_head.c.id == 1).values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))


def digest(data) -> str:
    """SHA-256 of the canonical JSON form of ``data``."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row_hash(row: dict) -> str:
    fields = [
        row["seq"], row["case_id"], row["task_id"], row["element_id"], row["event"],
        row["from_state"], row["to_state"], row["actor"], _instant(row["at"]),
        row["data_digest"], row["detail"], row["prev_hash"],
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _instant(value: _dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event(event: str, at: _dt.datetime, *, case_id=None, task_id=None, element_id=None, from_state=None,
          to_state=None, actor=None, data_digest=None, detail: dict | None = None) -> dict:
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


def append(session: Session, rows: list[dict]) -> None:
    """Chain and insert ``rows`` in the caller's transaction."""
    if not rows:
        return
    head = session.execute(LOCK_HEAD).first()
    if head is None:
        raise RuntimeError("trail head missing: run `shenpi init-db`")
    seq, prev = head
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["prev_hash"] = prev
        row["hash"] = prev = _row_hash(row)
    session.execute(INSERT_ENTRIES, rows)
    session.execute(MOVE_HEAD, {"new_seq": seq, "new_hash": prev})


@dataclass
class Verification:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> Verification:
    """Recompute the whole chain; name the first row that does not fit."""
    expected_seq, prev, checked = 1, GENESIS, 0
    last_seq = 0
    while True:
        rows = session.execute(
            sa.select(_entries).where(_entries.c.seq >= expected_seq).order_by(_entries.c.seq).limit(batch)
        ).mappings().all()
        if not rows:
            break
        for row in rows:
            if row["seq"] != expected_seq:
                return Verification(False, checked, expected_seq, f"row {expected_seq} is missing (next is {row['seq']})")
            if row["prev_hash"] != prev:
                return Verification(False, checked, row["seq"], "previous-hash link does not match")
            if _row_hash(dict(row)) != row["hash"]:
                return Verification(False, checked, row["seq"], "row content does not match its hash")
            prev, last_seq = row["hash"], row["seq"]
            expected_seq += 1
            checked += 1
    head = session.execute(sa.select(_head.c.seq, _head.c.hash).where(_head.c.id == 1)).first()
    if head is not None and (head.seq != last_seq or head.hash != prev):
        return Verification(False, checked, last_seq + 1, f"trail ends at row {last_seq} but the head records row {head.seq}")
    return Verification(True, checked)


def for_case(session: Session, case_id: int) -> list[dict]:
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
