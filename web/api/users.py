from __future__ import annotations

from flask import g, jsonify

from engine.kernel.clock import parse_instant
from engine.errors import InvalidInput

from . import bp
from .auth import engine
from .payload import json_body


def _instant(body: dict, name: str):
    value = body.get(name)
    if value is None:
        return None
    try:
        return parse_instant(str(value))
    except ValueError:
        raise InvalidInput("instant_format", field=name) from None


@bp.put("/users/<user_id>/absence")
def set_absence(user_id):
    body = json_body()
    return jsonify(engine().identity.set_absence(user_id, _instant(body, "from"), _instant(body, "until"), g.actor))


@bp.get("/me/notification-channels")
def my_channels():
    return jsonify(engine().notification_settings.channels(g.actor.id))


@bp.put("/me/notification-channels")
def set_my_channels():
    """Body: {channel: {"enabled": bool, "address": str}} for any of email, sms, webhook. A webhook turned on the
    first time answers with its signing secret (``webhook_secret``), shown only once."""
    body = json_body()
    settings = engine().notification_settings
    secret = None
    for channel, choice in body.items():
        if not isinstance(choice, dict) or not isinstance(choice.get("enabled"), bool):
            raise InvalidInput("channel_choice_format", field=channel)
        secret = settings.set_channel(g.actor.id, channel, choice["enabled"], choice.get("address")) or secret
    result = settings.channels(g.actor.id)
    return jsonify({**result, **({"webhook_secret": secret} if secret else {})})
