from __future__ import annotations

from flask import g, jsonify

from engine.errors import InvalidInput
from engine.kernel import parse_instant

from . import bp
from .auth import engine
from .contract import operation
from .payload import json_body
from .schemas.people import Absence, AbsenceRecorded, ChannelChoices, ChannelsSaved, NotificationChannels


def _instant(body: dict, name: str):
    value = body.get(name)
    if value is None:
        return None
    try:
        return parse_instant(str(value))
    except ValueError:
        raise InvalidInput("instant_format", field=name) from None


@bp.put("/users/<user_id>/absence")
@operation("people", ok=AbsenceRecorded, body=Absence, errors=(400, 403, 404), paths={"user_id": "the account id"})
def set_absence(user_id):
    """Record an absence (AB岗: the backup acts meanwhile); no `from`: back at work"""
    body = json_body()
    return jsonify(engine().identity.set_absence(user_id, _instant(body, "from"), _instant(body, "until"), g.actor))


@bp.get("/me/notification-channels")
@operation("people", ok=NotificationChannels)
def my_channels():
    """The channels (email, sms, webhook) over which notices reach the signed-in user"""
    return jsonify(engine().notification_settings.channels(g.actor.id))


@bp.put("/me/notification-channels")
@operation("people", ok=ChannelsSaved, body=ChannelChoices, errors=(400,))
def set_my_channels():
    """Turn channels on (with an address) or off

    Body: {channel: {"enabled": bool, "address": str}} for any of email, sms, webhook. A webhook turned on the
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
