"""The three ways a notice leaves the system. Each sender raises SendError with a readable reason."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

from engine.notices import NOTICE_KINDS as KINDS

SIGNATURE_HEADER = "X-Shenpi-Signature"
TIMESTAMP_HEADER = "X-Shenpi-Timestamp"


class SendError(Exception):
    pass


def subject_of(notice: dict) -> str:
    return f"【审批通知】{KINDS.get(notice['kind'], notice['kind'])}"


class EmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
    ):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, address: str, notice: dict, secret=None) -> None:
        if not self.host:
            raise SendError("no SMTP server is configured (SHENPI_SMTP_HOST)")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, address, subject_of(notice)
        message.set_content(f"{notice['message']}\n\n（本邮件由网上审批系统自动发送，请勿回复。）")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"SMTP {self.host}:{self.port}: {exc}") from None


class SmsSender:
    """Sends through an SMS gateway adapter: any object with ``send(phone, text)``."""

    def __init__(self, gateway):
        self.gateway = gateway

    def send(self, address: str, notice: dict, secret=None) -> None:
        try:
            self.gateway.send(address, f"【审批】{notice['message']}")
        except Exception as exc:
            raise SendError(f"SMS gateway: {exc}") from None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>``, as receivers must recompute it."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookSender:
    def __init__(self, clock, timeout: float = 10.0):
        self.clock = clock
        self.timeout = timeout

    def send(self, address: str, notice: dict, secret=None) -> None:
        if not secret:
            raise SendError("the webhook has no signing secret")
        body = json.dumps({"notice": notice}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        timestamp = str(int(self.clock.now().timestamp()))
        request = urllib.request.Request(
            address,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(secret, timestamp, body),
                "User-Agent": "Shenpi-Webhook/1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise SendError(f"webhook answered {response.status}")
        except urllib.error.HTTPError as exc:
            raise SendError(f"webhook answered {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise SendError(f"webhook {address}: {exc}") from None
