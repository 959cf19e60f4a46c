"""Fan new notices out to their recipients' channels and send what is due; run by Celery beat and `shenpi notify`."""

from __future__ import annotations

import logging

from engine.incidents import PeriodicJob

from .senders import EmailSender, SendError, SmsSender, WebhookSender

log = logging.getLogger(__name__)
DELIVERY_KIND = "notice_delivery"  # the incidents of deliveries that raised (not a sender's refusal)


def senders_for(engine, sms_gateway) -> dict:
    s = engine.settings
    return {
        "email": EmailSender(s.smtp_host, s.smtp_port, s.smtp_sender, s.smtp_user, s.smtp_password, s.smtp_starttls),
        "sms": SmsSender(sms_gateway),
        "webhook": WebhookSender(engine.clock),
    }


def dispatch(engine, senders: dict, limit: int = 200) -> dict:
    """Fan new notices out, then send every due delivery one by one through the engine's periodic runner: a sender
    that refuses (SendError) counts a failed attempt of the delivery (retried with its own backoff); anything else
    a delivery raises becomes an incident (kind ``notice_delivery``) and the other deliveries go on."""
    deliveries = engine.notice_deliveries
    created = deliveries.fan_out()
    due = {item["id"]: item for item in deliveries.due(limit)}
    counts = {"sent": 0, "failed": 0}

    def send(delivery_id, _as_of) -> int:
        item = due[delivery_id]
        try:
            senders[item["channel"]].send(item["address"], item["notice"], item["secret"])
        except SendError as exc:
            deliveries.failed(item["id"], str(exc))
            counts["failed"] += 1
            log.warning("notice %s over %s failed: %s", item["notice"]["id"], item["channel"], exc)
            return 0
        deliveries.sent(item["id"])
        counts["sent"] += 1
        return 1

    def place(delivery_id):
        item = due.get(delivery_id) or {"notice": {}}
        return item["notice"].get("case_id"), item.get("channel")

    job = PeriodicJob(DELIVERY_KIND, lambda _as_of, _limit: list(due), send, place, limit=limit)
    run = engine.periodic.run(job)
    return {"created": created, **counts, "incidents": run.opened}
