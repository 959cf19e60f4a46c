"""Each user's choice of channels for notices: e-mail, SMS and webhooks signed with HMAC-SHA256."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import sqlalchemy as sa

from ..errors import InvalidInput, NotFound
from ..models import NoticeDelivery, NotificationChannel, User

if TYPE_CHECKING:
    from ..kernel import Clock, Database

CHANNELS = ("email", "sms", "webhook")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[0-9]{5,20}$")


def check_address(channel: str, address: object) -> str:
    if channel not in CHANNELS:
        raise InvalidInput("not_one_of", field="channel", allowed=list(CHANNELS))
    address = address.strip() if isinstance(address, str) else ""
    if channel == "email" and not EMAIL.match(address):
        raise InvalidInput("email_invalid", field="email")
    if channel == "sms" and not PHONE.match(address.replace(" ", "").replace("-", "")):
        raise InvalidInput("mobile_invalid", field="sms")
    if channel == "webhook":
        url = urlparse(address)
        if url.scheme not in ("http", "https") or not url.netloc or len(address) > 500:
            raise InvalidInput("webhook_invalid", field="webhook")
    return address.replace(" ", "").replace("-", "") if channel == "sms" else address


class NotificationSettings:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def channels(self, user_id: str) -> dict[str, dict[str, Any]]:
        """The user's channels by name, with the addresses their profile suggests for unset ones."""
        with self.db.reading() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound("user_not_found", user=user_id)
            chosen = {
                c.channel: c
                for c in session.scalars(sa.select(NotificationChannel).where(NotificationChannel.user_id == user_id))
            }
            suggested = {"email": user.email, "sms": user.phone, "webhook": None}
            return {
                name: {
                    "enabled": bool(chosen.get(name) and chosen[name].enabled),
                    "address": chosen[name].address if name in chosen else suggested[name],
                    "has_secret": bool(chosen.get(name) and chosen[name].secret),
                }
                for name in CHANNELS
            }

    def set_channel(self, user_id: str, channel: str, enabled: bool, address: str | None = None) -> str | None:
        """Turn a channel on (with its address) or off. Turning a webhook on the first time returns its new
        signing secret, shown once; otherwise None."""
        if not enabled:
            if channel not in CHANNELS:
                raise InvalidInput("not_one_of", field="channel", allowed=list(CHANNELS))
            with self.db.transaction() as session:
                row = session.get(NotificationChannel, (user_id, channel))
                if row is not None:
                    row.enabled, row.updated_at = False, self.clock.now()
            return None
        address = check_address(channel, address)
        new_secret = None
        with self.db.transaction() as session:
            if session.get(User, user_id) is None:
                raise NotFound("user_not_found", user=user_id)
            row = session.get(NotificationChannel, (user_id, channel))
            if row is None:
                row = NotificationChannel(user_id=user_id, channel=channel)
                session.add(row)
            if channel == "webhook" and not row.secret:
                row.secret = new_secret = secrets.token_hex(32)
            row.address, row.enabled, row.updated_at = address, True, self.clock.now()
        return new_secret

    def rotate_secret(self, user_id: str) -> str:
        with self.db.transaction() as session:
            row = session.get(NotificationChannel, (user_id, "webhook"))
            if row is None:
                raise NotFound("no_webhook")
            row.secret, row.updated_at = secrets.token_hex(32), self.clock.now()
            return row.secret

    def deliveries(self, user_id: str, limit: int = 20) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            rows = session.scalars(
                sa.select(NoticeDelivery)
                .where(NoticeDelivery.recipient == user_id)
                .order_by(NoticeDelivery.id.desc())
                .limit(limit)
            )
            return [
                {
                    "channel": d.channel,
                    "status": d.status,
                    "attempts": d.attempts,
                    "error": d.last_error,
                    "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                }
                for d in rows
            ]
