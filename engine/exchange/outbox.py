"""The outbox for upward reporting: records written in the transaction of the change they report, then handed
out in batches to a sender (integrations/upward), marked sent, or retried with backoff until they fail.

Trail rows with a reportable event become records by themselves (``write_from_trail`` observes trail.append): the
change, its trail row and its outbox record commit or roll back together. Each signed checkpoint of the trail's
heads becomes a ``trail_checkpoint`` record (``write_checkpoint``), so the platform holds a copy of every anchor
outside the database. Other services may ``enqueue``.
A batch keeps its id across retries, so the platform can drop a batch it has already received.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..errors import PermissionDenied
from ..identity.actors import Actor
from ..kernel import fast_sql
from ..kernel.db import Executor, rowcount
from ..models import Case, OutboxMessage
from ..trail import chain as trail
from ..trail.chain import TrailObserver, TrailRow
from ..trail.checkpoint_file import Line
from ..trail.checkpoints import CheckpointObserver

if TYPE_CHECKING:
    from ..config import Settings
    from ..kernel import Clock, Database

# trail event -> topic reported to the platform
REPORTABLE = {
    **dict.fromkeys(
        (
            "case_started",
            "case_accepted",
            "clock_paused",
            "clock_resumed",
            "case_ended",
            "case_terminated",
            "licence_issued",
            "licence_revoked",
            "document_issued",
            "light_changed",
            "task_escalated",
            "external_fact",
            "fee_recorded",
            "result_published",
        ),
        "case_event",
    ),
    **dict.fromkeys(
        (
            "supervision_flagged",
            "signal_raised",
            "signal_corrected",
            "signal_turned_red",
            "signal_closed",
            "supervision_opened",
            "supervision_noticed",
            "supervision_responded",
            "supervision_extended",
            "supervision_closed",
            "supervision_escalated",
            "complaint_filed",
            "complaint_accepted",
            "complaint_rejected",
            "complaint_forwarded",
            "complaint_answered",
            "complaint_closed",
        ),
        "supervision",
    ),
    **dict.fromkeys(("service_rated", "evaluation_archived"), "evaluation"),
}
CHECKPOINT_TOPIC = "trail_checkpoint"
LEASE_SECONDS = 120  # a batch being sent is not handed out again before this, unless it fails first
_outbox = OutboxMessage.__table__
_cases = Case.__table__
INSERT = _outbox.insert()


def _record(row: TrailRow) -> dict[str, Any]:
    return {
        "topic": REPORTABLE[row["event"]],
        "key": f"{row['chain']}:{row['chain_seq']}",
        "case_id": row["case_id"],
        "payload": json.dumps(
            {
                "event": row["event"],
                "from_state": row["from_state"],
                "to_state": row["to_state"],
                "actor": row["actor"],
                "task_id": row["task_id"],
                "element_id": row["element_id"],
                "detail": row["detail"],
                "trail_hash": row["hash"],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "created_at": row["at"],
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": row["at"],
    }


def write_from_trail(session: Executor, rows: list[TrailRow]) -> None:
    """The trail observer: one insert of every reportable row, in the caller's transaction."""
    records = [_record(r) for r in rows if r["event"] in REPORTABLE]
    if records:
        fast_sql.execute_many(session, INSERT, records)


def enqueue(
    session: Executor, topic: str, key: str, payload: dict[str, Any], now: _dt.datetime, case_id: int | None = None
) -> bool:
    """Add one record outside the trail (a signal, an evaluation…) in the caller's transaction, once per
    (topic, key): enqueueing the same key again does nothing. Written only when reporting is on for this database;
    ``payload`` should carry at least ``event``. Returns whether a record was added."""
    if trail.observer_of(session) is None:
        return False
    dialect = session.get_bind().dialect.name if isinstance(session, Session) else session.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_outbox).values(
        topic=topic,
        key=key,
        case_id=case_id,
        created_at=now,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        payload=json.dumps(_shaped(payload), ensure_ascii=False, default=str),
    )
    added = session.execute(insert.on_conflict_do_nothing(index_elements=["topic", "key"]).returning(_outbox.c.id))
    return added.first() is not None


def write_checkpoint(session: Executor, line: Line) -> None:
    """The checkpoint observer: the signed line as it is in the file, reported with the next batch."""
    enqueue(
        session,
        CHECKPOINT_TOPIC,
        f"checkpoint:{line.n}",
        {"event": CHECKPOINT_TOPIC, "detail": line.document()},
        line.at,
    )


RECORD_FIELDS = ("event", "from_state", "to_state", "actor", "task_id", "element_id")


def _shaped(payload: dict[str, Any]) -> dict[str, Any]:
    """The record's fields from ``payload``; everything else goes into ``detail``."""
    shaped = {name: payload.get(name) for name in RECORD_FIELDS}
    rest = {k: v for k, v in payload.items() if k not in RECORD_FIELDS and k != "detail"}
    detail = {**(payload.get("detail") or {}), **rest}
    shaped["detail"] = detail or None
    return shaped


@dataclass
class Batch:
    batch_id: str
    attempt: int
    records: list[dict[str, Any]] = field(default_factory=list)


def backoff(attempts: int, base: float, cap: float) -> _dt.timedelta:
    """Exponential: base, 2·base, 4·base … never more than cap."""
    return _dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class OutboxService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db, self.clock, self.settings = db, clock, settings
        self.enabled = bool(settings.upward_url)

    @property
    def trail_observers(self) -> tuple[TrailObserver, ...]:
        """With an upward address configured, every trail append also writes its outbox rows."""
        return (write_from_trail,) if self.enabled else ()

    @property
    def checkpoint_observers(self) -> tuple[CheckpointObserver, ...]:
        """With an upward address configured, every signed trail checkpoint is reported too."""
        return (write_checkpoint,) if self.enabled else ()

    def queue_depth(self) -> dict[str, int]:
        """Records waiting to be reported (``pending``) and given up (``failed``), for the metrics."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(OutboxMessage.status, sa.func.count())
                .where(OutboxMessage.status.in_(("pending", "failed")))
                .group_by(OutboxMessage.status)
            )
            return {"pending": 0, "failed": 0, **{str(row[0]): int(row[1]) for row in rows}}

    # --- handing out and settling batches ---------------------------------------------------------
    def next_batch(self) -> Batch | None:
        """The oldest due batch: a failed one retried as it was, or a new one of unbatched records. It is leased
        for LEASE_SECONDS so that a parallel run does not send it too."""
        now = self.clock.now()
        with self.db.transaction() as session:
            first = session.execute(
                sa.select(_outbox.c.id, _outbox.c.batch_id)
                .where(
                    _outbox.c.status == "pending",
                    _outbox.c.next_attempt_at <= now,
                )
                .order_by(_outbox.c.id)
                .limit(1)
                .with_for_update()
            ).first()
            if first is None:
                return None
            batch_id = first.batch_id
            if batch_id is None:
                batch_id = str(uuid.uuid4())
                ids = session.scalars(
                    sa.select(_outbox.c.id)
                    .where(
                        _outbox.c.status == "pending",
                        _outbox.c.batch_id.is_(None),
                        _outbox.c.next_attempt_at <= now,
                    )
                    .order_by(_outbox.c.id)
                    .limit(self.settings.upward_batch_size)
                ).all()
                session.execute(_outbox.update().where(_outbox.c.id.in_(ids)).values(batch_id=batch_id))
            session.execute(
                _outbox.update()
                .where(_outbox.c.batch_id == batch_id, _outbox.c.status == "pending")
                .values(next_attempt_at=now + _dt.timedelta(seconds=LEASE_SECONDS))
            )
            rows = (
                session.execute(
                    sa.select(_outbox, _cases.c.number, _cases.c.matter_code, _cases.c.department)
                    .outerjoin(_cases, _cases.c.id == _outbox.c.case_id)
                    .where(_outbox.c.batch_id == batch_id, _outbox.c.status == "pending")
                    .order_by(_outbox.c.id)
                )
                .mappings()
                .all()
            )
        records = [_enriched(r) for r in rows]
        return Batch(batch_id, rows[0]["attempts"] + 1, records)

    def mark_sent(self, batch_id: str) -> int:
        with self.db.transaction() as session:
            return rowcount(
                session.execute(
                    _outbox.update()
                    .where(_outbox.c.batch_id == batch_id)
                    .values(status="sent", sent_at=self.clock.now(), last_error=None)
                )
            )

    def mark_failed(self, batch_id: str, error: str) -> dict[str, Any]:
        """One more failed attempt: due again after the backoff, or failed for good after the last attempt."""
        now = self.clock.now()
        with self.db.transaction() as session:
            attempts = (
                session.scalar(
                    sa.select(sa.func.max(_outbox.c.attempts)).where(
                        _outbox.c.batch_id == batch_id, _outbox.c.status == "pending"
                    )
                )
                or 0
            )
            attempts += 1
            given_up = attempts >= self.settings.upward_max_attempts
            due = now + backoff(
                attempts, self.settings.upward_backoff_seconds, self.settings.upward_backoff_cap_seconds
            )
            session.execute(
                _outbox.update()
                .where(_outbox.c.batch_id == batch_id, _outbox.c.status == "pending")
                .values(
                    attempts=attempts,
                    last_error=error[:2000],
                    next_attempt_at=due,
                    status="failed" if given_up else "pending",
                )
            )
        return {"attempts": attempts, "failed": given_up, "next_attempt_at": None if given_up else due}

    def retry_failed(self, actor: Actor) -> int:
        """Put every failed record back in line, due now, in its batch (a manual retry from the status page)."""
        if not actor.is_admin:
            raise PermissionDenied("upward_retry_not_allowed")
        now = self.clock.now()
        with self.db.transaction() as session:
            count = rowcount(
                session.execute(
                    _outbox.update()
                    .where(_outbox.c.status == "failed")
                    .values(status="pending", attempts=0, next_attempt_at=now)
                )
            )
            if count:
                trail.append(
                    session,
                    [trail.event("upward_retried", now, actor=actor.id, to_state="pending", detail={"records": count})],
                )
        return count

    # --- what the status page shows ---------------------------------------------------------------
    def status(self, actor: Actor, limit: int = 50) -> dict[str, Any]:
        if not actor.watches:
            raise PermissionDenied("upward_status_not_allowed")
        now = self.clock.now()
        with self.db.reading() as session:
            counts: dict[str, int]
            counts = dict(
                session.execute(sa.select(_outbox.c.status, sa.func.count()).group_by(_outbox.c.status)).all()
            )
            due = session.scalar(
                sa.select(sa.func.count()).where(_outbox.c.status == "pending", _outbox.c.next_attempt_at <= now)
            )
            oldest = session.scalar(sa.select(sa.func.min(_outbox.c.created_at)).where(_outbox.c.status == "pending"))
            retry_at = session.scalar(
                sa.select(sa.func.min(_outbox.c.next_attempt_at)).where(
                    _outbox.c.status == "pending", _outbox.c.attempts > 0
                )
            )
            failed = (
                session.execute(
                    sa.select(
                        _outbox.c.id,
                        _outbox.c.topic,
                        _outbox.c.key,
                        _outbox.c.batch_id,
                        _outbox.c.attempts,
                        _outbox.c.last_error,
                        _outbox.c.created_at,
                        _outbox.c.payload,
                        _outbox.c.status,
                        _cases.c.number,
                        _cases.c.department,
                    )
                    .outerjoin(_cases, _cases.c.id == _outbox.c.case_id)
                    .where(_outbox.c.status.in_(("failed", "pending")), _outbox.c.attempts > 0)
                    .order_by(_outbox.c.id)
                    .limit(limit)
                )
                .mappings()
                .all()
            )
            batches = (
                session.execute(
                    sa.select(
                        _outbox.c.batch_id,
                        sa.func.count().label("records"),
                        sa.func.max(_outbox.c.sent_at).label("sent_at"),
                    )
                    .where(_outbox.c.status == "sent")
                    .group_by(_outbox.c.batch_id)
                    .order_by(sa.func.max(_outbox.c.sent_at).desc(), sa.func.max(_outbox.c.id).desc())
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return {
            "enabled": self.enabled,
            "url": (self.settings.upward_url or None) if actor.is_admin else None,
            "pending": counts.get("pending", 0),
            "due": due,
            "sent": counts.get("sent", 0),
            "failed": counts.get("failed", 0),
            "oldest_pending_at": _iso(oldest),
            "next_retry_at": _iso(retry_at),
            "problems": [
                {
                    "id": r["id"],
                    "topic": r["topic"],
                    "key": r["key"],
                    "batch_id": r["batch_id"],
                    "attempts": r["attempts"],
                    "last_error": r["last_error"],
                    "created_at": _iso(r["created_at"]),
                    "case_number": r["number"] if r["number"] and actor.oversees(r["department"]) else None,
                    "event": json.loads(r["payload"]).get("event"),
                    "status": "failed" if r["status"] == "failed" else "retrying",
                }
                for r in failed
            ],
            "batches": [
                {"batch_id": b["batch_id"], "records": b["records"], "sent_at": _iso(b["sent_at"])} for b in batches
            ],
        }


def _enriched(row: Mapping[Any, Any]) -> dict[str, Any]:
    payload = json.loads(row["payload"])
    detail = payload.pop("detail", None)
    return {
        "id": row["id"],
        "topic": row["topic"],
        "key": row["key"],
        "occurred_at": _iso(row["created_at"]),
        "case_number": row["number"],
        "matter_code": row["matter_code"],
        "department": row["department"],
        **payload,
        "detail": json.loads(detail) if isinstance(detail, str) else detail,
    }


def _iso(value: _dt.datetime | None) -> str | None:
    return value.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z") if value else None
