from __future__ import annotations

from flask import g, jsonify

from engine.clock import parse_instant
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
        raise InvalidInput(f"{name} must be an ISO-8601 instant", field=name) from None


@bp.put("/users/<user_id>/absence")
def set_absence(user_id):
    body = json_body()
    return jsonify(engine().identity.set_absence(user_id, _instant(body, "from"), _instant(body, "until"), g.actor))
