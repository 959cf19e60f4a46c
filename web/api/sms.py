"""The SMS provider's inbound callback: a reply "评价 <办件编号> <1-5> [意见]" rates the case.

Authenticated by a shared secret (``SHENPI_SMS_INBOUND_SECRET``) in the header ``X-Shenpi-Sms-Secret``, not
by a user's token: the provider is not a user. Without a configured secret the callback answers 503."""

from __future__ import annotations

import functools
import hmac

from flask import jsonify, request

from engine.errors import EngineError

from . import bp
from .auth import Unauthorized, engine
from .contract import operation
from .payload import json_body
from .schemas.system import SmsRated, SmsReply, SmsReplyForm

SECRET_HEADER = "X-Shenpi-Sms-Secret"


class InboundDisabled(EngineError):
    code = "sms_inbound_disabled"
    status = 503


def shared_secret_required(view):
    """The provider's secret is checked before anything reads the body."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        secret = engine().settings.sms_inbound_secret
        if not secret:
            raise InboundDisabled("sms_inbound_disabled")
        sent = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8")):
            raise Unauthorized("sms_secret_required", header=SECRET_HEADER)
        return view(*args, **kwargs)

    return checked


@bp.post("/sms/inbound")
@shared_secret_required
@operation(
    "service",
    ok=SmsRated,
    body=SmsReply,
    form=SmsReplyForm,
    form_media_type="application/x-www-form-urlencoded",
    security={"smsSecret": []},
    errors={
        400: None,
        401: "unauthorized: a missing or wrong X-Shenpi-Sms-Secret",
        404: None,
        409: None,
        503: "sms_inbound_disabled: no SHENPI_SMS_INBOUND_SECRET is configured",
    },
)
def sms_inbound():
    """The SMS provider's inbound callback

    A reply `评价 <办件编号> <1-5> [意见]` rates the case (matched by number and the applicant's phone; ended cases,
    once)."""
    body = json_body() if request.is_json or not request.form else request.form
    result = engine().sms_rating.rate_by_sms(body.get("phone"), body.get("text"))
    return jsonify(
        {
            "ok": True,
            "case_number": result["case_number"],
            "overall": result["rating"]["overall"],
            "reply": result["reply"],
        }
    )
