"""The SMS provider's inbound callback: a reply "评价 <办件编号> <1-5> [意见]" rates the case.

Authenticated by a shared secret (``SHENPI_SMS_INBOUND_SECRET``) in the header ``X-Shenpi-Sms-Secret``, not
by a user's token: the provider is not a user. Without a configured secret the callback answers 503."""
from __future__ import annotations

import hmac

from flask import jsonify, request

from engine.errors import EngineError

from . import bp
from .auth import Unauthorized, engine, public
from .payload import json_body

SECRET_HEADER = "X-Shenpi-Sms-Secret"


class InboundDisabled(EngineError):
    code = "sms_inbound_disabled"
    status = 503


@bp.post("/sms/inbound")
@public
def sms_inbound():
    secret = engine().settings.sms_inbound_secret
    if not secret:
        raise InboundDisabled("sms_inbound_disabled")
    sent = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8")):
        raise Unauthorized("sms_secret_required", header=SECRET_HEADER)
    body = json_body() if request.is_json or not request.form else request.form
    result = engine().sms_rating.rate_by_sms(body.get("phone"), body.get("text"))
    return jsonify({"ok": True, "case_number": result["case_number"], "overall": result["rating"]["overall"],
                    "reply": result["reply"]})
