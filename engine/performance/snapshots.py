"""Archived months (电子绩效测评档案): insert-only snapshots chained by digest and recorded in the trail.

A snapshot's ``digest`` is the SHA-256 of the canonical JSON of ``{"month", "prev_digest", "content"}``;
``prev_digest`` is the digest of the snapshot archived before it (zeros for the first). Each archive appends an
``evaluation_archived`` row with the digest to the trail's system chain in the same transaction, so editing a
snapshot breaks its digest, reordering or removing one breaks the chain, and removing the newest one leaves a
trail row without its snapshot. There is no update or delete.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict
from ..models import PerformanceSnapshot, TrailEntry
from ..trail import chain as trail

EVENT = "evaluation_archived"


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_digest(month: str, prev_digest: str, content: dict[str, Any]) -> str:
    return trail.digest({"month": month, "prev_digest": prev_digest, "content": content})


def store(
    session: Session, month: str, content: dict[str, Any], actor_id: str, now: _dt.datetime
) -> PerformanceSnapshot:
    """Append the month's snapshot and its trail row; a month is archived once (Conflict otherwise)."""
    session.execute(trail.LOCK_HEAD)  # serialises archiving: the chain's previous digest cannot move meanwhile
    if session.scalar(sa.select(PerformanceSnapshot.id).where(PerformanceSnapshot.month == month)) is not None:
        raise Conflict("month_already_archived", month=month)
    last = session.scalar(sa.select(PerformanceSnapshot.digest).order_by(PerformanceSnapshot.id.desc()).limit(1))
    prev = last or trail.GENESIS
    digest = snapshot_digest(month, prev, content)
    snapshot = PerformanceSnapshot(
        month=month, content=canonical(content), digest=digest, prev_digest=prev, created_at=now, created_by=actor_id
    )
    session.add(snapshot)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("month_already_archived", month=month) from None
    trail.append(
        session,
        [
            trail.event(
                EVENT,
                now,
                actor=actor_id,
                data_digest=digest,
                detail={"month": month, "departments": len(content["departments"])},
            )
        ],
        None,
    )
    return snapshot


def verify(session: Session) -> dict[str, Any]:
    """Recompute every snapshot's digest and the chain; compare with the trail's archive rows."""
    problems: list[dict[str, Any]] = []
    prev = trail.GENESIS
    digests = set()
    snapshots = session.scalars(sa.select(PerformanceSnapshot).order_by(PerformanceSnapshot.id)).all()
    for snapshot in snapshots:
        try:
            content = json.loads(snapshot.content)
        except ValueError:
            content = None
        if snapshot.prev_digest != prev:
            problems.append({"month": snapshot.month, "problem": "chain_broken"})
        if (
            content is None
            or content.get("month") != snapshot.month
            or snapshot_digest(snapshot.month, snapshot.prev_digest, content) != snapshot.digest
        ):
            problems.append({"month": snapshot.month, "problem": "content_changed"})
        prev = snapshot.digest
        digests.add(snapshot.digest)
    recorded = session.execute(
        sa.select(TrailEntry.data_digest, TrailEntry.detail).where(
            TrailEntry.event == EVENT, TrailEntry.case_id.is_(None)
        )
    ).all()
    for digest, detail in recorded:
        if digest not in digests:
            month = json.loads(detail).get("month") if detail else None
            problems.append({"month": month, "problem": "missing_or_replaced"})
    in_trail = {digest for digest, _ in recorded}
    problems += [{"month": s.month, "problem": "not_in_trail"} for s in snapshots if s.digest not in in_trail]
    return {"ok": not problems, "checked": len(snapshots), "problems": problems}


def load(session: Session, month: str) -> dict[str, Any] | None:
    snapshot = session.scalar(sa.select(PerformanceSnapshot).where(PerformanceSnapshot.month == month))
    if snapshot is None:
        return None
    return {
        "content": json.loads(snapshot.content),
        "digest": snapshot.digest,
        "prev_digest": snapshot.prev_digest,
        "archived_at": snapshot.created_at.isoformat(),
        "archived_by": snapshot.created_by,
    }


def months(session: Session) -> list[str]:
    return list(session.scalars(sa.select(PerformanceSnapshot.month).order_by(PerformanceSnapshot.month.desc())))
