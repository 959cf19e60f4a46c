"""Messages for waiting cases (integration accounts and administrators)."""

from __future__ import annotations

from flask import g, jsonify

from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.messages import Delivered, MessageBody


@bp.post("/messages")
@operation("messages", ok=Delivered, body=MessageBody, errors=(400, 403, 404))
def deliver_message():
    """Deliver a message to the case (by number) or the cases (by correlation) waiting for it

    Integration accounts reach the cases of their unit, administrators any. Its data is merged into each case's data and the case goes on; a message no running case waits for is a 404
    that says so."""
    body = json_body()
    return jsonify(
        engine().messages.deliver(
            g.actor, body.get("name"), case=body.get("case"), correlation=body.get("correlation"), data=body.get("data")
        )
    )
