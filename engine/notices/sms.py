"""Sending text messages (短信): a small gateway interface, and the logging gateway used until a provider's is
configured (``SHENPI_SMS_GATEWAY``)."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from ..errors import InvalidInput

log = logging.getLogger("shenpi.sms")


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone``; a provider's adapter raises on failure."""


class LoggingSmsGateway:
    """Writes every message to the log and keeps the latest ones in memory (``sent``), for development and tests."""

    name = "logging"
    KEEP = 1000

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)
        with self._lock:
            self.sent.append((phone, text))
            del self.sent[: -self.KEEP]


GATEWAYS = {"logging": LoggingSmsGateway}


def make_gateway(name: str) -> SmsGateway:
    try:
        return GATEWAYS[name]()
    except KeyError:
        raise InvalidInput(
            "unknown_sms_gateway", field="SHENPI_SMS_GATEWAY", gateway=name, known=list(GATEWAYS)
        ) from None


def normalise_phone(phone: object) -> str:
    """Digits only, without the country code: "+86 138-0000-0000" → "13800000000"."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def mask_phone(phone: object) -> str:
    digits = normalise_phone(phone)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"
