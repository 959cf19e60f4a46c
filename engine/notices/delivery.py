"""The delivery of notices over the channels each recipient chose: fanned out once, then sent and retried with
exponential backoff (1, 2, 4 … minutes, at most an hour apart) until sent or given up after MAX_ATTEMPTS.
What sends them (SMTP, SMS gateway, webhook) lives in integrations/notifications."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..models import Notice, NoticeDelivery, NotificationChannel

if TYPE_CHECKING:
    from ..kernel import Clock, Database

MAX_ATTEMPTS = 8
FIRST_RETRY = _dt.timedelta(minutes=1)
LONGEST_WAIT = _dt.timedelta(hours=1)
_deliveries = NoticeDelivery.__table__


def backoff(attempts: int) -> _dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


class NoticeDeliveries:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def queue_depth(self) -> dict[str, int]:
        """Deliveries waiting (``pending``) and given up (``failed``), for the metrics; sent ones are not counted
        (the status index answers this without reading them)."""
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(NoticeDelivery.status, sa.func.count())
                .where(NoticeDelivery.status.in_(("pending", "failed")))
                .group_by(NoticeDelivery.status)
            )
            return {"pending": 0, "failed": 0, **{str(row[0]): int(row[1]) for row in rows}}

    def fan_out(self, limit: int = 1000) -> int:
        """Create one pending delivery per enabled channel of each new notice's recipient; returns how many."""
        now = self.clock.now()
        with self.db.transaction() as session:
            notices = session.execute(
                sa.select(Notice.id, Notice.recipient)
                .where(Notice.dispatched_at.is_(None))
                .order_by(Notice.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            if not notices:
                return 0
            recipients = {recipient for _id, recipient in notices}
            channels: dict[str, list[NotificationChannel]] = {}
            for row in session.execute(
                sa.select(NotificationChannel).where(
                    NotificationChannel.user_id.in_(recipients), NotificationChannel.enabled.is_(True)
                )
            ).scalars():
                channels.setdefault(row.user_id, []).append(row)
            rows = [
                {
                    "notice_id": notice_id,
                    "recipient": recipient,
                    "channel": c.channel,
                    "address": c.address,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for notice_id, recipient in notices
                for c in channels.get(recipient, [])
            ]
            if rows:
                session.execute(_deliveries.insert(), rows)
            session.execute(
                Notice.__table__.update().where(Notice.id.in_([n for n, _r in notices])).values(dispatched_at=now)
            )
            return len(rows)

    def due(self, limit: int = 200) -> list[dict[str, Any]]:
        """Pending deliveries whose next attempt is due, with what a sender needs."""
        now = self.clock.now()
        with self.db.reading() as session:
            rows = session.execute(
                sa.select(NoticeDelivery, Notice, NotificationChannel.secret)
                .join(Notice, Notice.id == NoticeDelivery.notice_id)
                .outerjoin(
                    NotificationChannel,
                    sa.and_(
                        NotificationChannel.user_id == NoticeDelivery.recipient,
                        NotificationChannel.channel == NoticeDelivery.channel,
                    ),
                )
                .where(NoticeDelivery.status == "pending", NoticeDelivery.next_attempt_at <= now)
                .order_by(NoticeDelivery.id)
                .limit(limit)
            ).all()
            return [
                {
                    "id": d.id,
                    "channel": d.channel,
                    "address": d.address,
                    "secret": secret,
                    "attempts": d.attempts,
                    "notice": {
                        "id": n.id,
                        "kind": n.kind,
                        "recipient": n.recipient,
                        "message": n.message,
                        "case_id": n.case_id,
                        "task_id": n.task_id,
                        "created_at": n.created_at.isoformat(),
                    },
                }
                for d, n, secret in rows
            ]

    def sent(self, delivery_id: int) -> None:
        with self.db.transaction() as session:
            session.execute(
                _deliveries.update()
                .where(_deliveries.c.id == delivery_id, _deliveries.c.status == "pending")
                .values(status="sent", sent_at=self.clock.now(), attempts=_deliveries.c.attempts + 1, last_error=None)
            )

    def failed(self, delivery_id: int, error: str) -> None:
        """Count a failed attempt: retry later, or give up after MAX_ATTEMPTS."""
        now = self.clock.now()
        with self.db.transaction() as session:
            attempts = session.scalar(sa.select(_deliveries.c.attempts).where(_deliveries.c.id == delivery_id)) or 0
            attempts += 1
            session.execute(
                _deliveries.update()
                .where(_deliveries.c.id == delivery_id)
                .values(
                    attempts=attempts,
                    last_error=error[:1000],
                    next_attempt_at=now + backoff(attempts),
                    status="failed" if attempts >= MAX_ATTEMPTS else "pending",
                )
            )

    def status(self) -> dict[str, Any]:
        with self.db.reading() as session:
            counts = dict(
                session.execute(sa.select(NoticeDelivery.status, sa.func.count()).group_by(NoticeDelivery.status)).all()
            )
            undispatched = session.scalar(
                sa.select(sa.func.count()).select_from(Notice).where(Notice.dispatched_at.is_(None))
            )
        return {"undispatched": undispatched, **{s: counts.get(s, 0) for s in ("pending", "sent", "failed")}}
