"""Fan new notices out to their recipients' channels and send what is due; run by Celery beat and `shenpi notify`."""

from __future__ import annotations

import logging

from .senders import EmailSender, SendError, SmsSender, WebhookSender

log = logging.getLogger(__name__)


def senders_for(engine, sms_gateway) -> dict:
    s = engine.settings
    return {
        "email": EmailSender(s.smtp_host, s.smtp_port, s.smtp_sender, s.smtp_user, s.smtp_password, s.smtp_starttls),
        "sms": SmsSender(sms_gateway),
        "webhook": WebhookSender(engine.clock),
    }


def dispatch(engine, senders: dict, limit: int = 200) -> dict:
    deliveries = engine.notice_deliveries
    created = deliveries.fan_out()
    sent = failed = 0
    for item in deliveries.due(limit):
        try:
            senders[item["channel"]].send(item["address"], item["notice"], item["secret"])
        except SendError as exc:
            deliveries.failed(item["id"], str(exc))
            failed += 1
            log.warning("notice %s over %s failed: %s", item["notice"]["id"], item["channel"], exc)
        else:
            deliveries.sent(item["id"])
            sent += 1
    return {"created": created, "sent": sent, "failed": failed}
