"""POST one batch to the platform, signed with HMAC-SHA256 of the body and/or a bearer token."""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request

SIGNATURE_HEADER = "X-Shenpi-Signature"
BATCH_HEADER = "X-Shenpi-Batch-Id"


class SendFailed(Exception):
    """The platform did not accept the batch (unreachable, timed out, or not a 2xx answer): try again later."""


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post(settings, batch_id: str, body: bytes) -> int:
    """Send ``body``; return the HTTP status of an accepting answer (2xx) or raise SendFailed."""
    headers = {"Content-Type": "application/json; charset=utf-8", BATCH_HEADER: batch_id, "Idempotency-Key": batch_id}
    if settings.upward_secret:
        headers[SIGNATURE_HEADER] = signature(settings.upward_secret, body)
    if settings.upward_token:
        headers["Authorization"] = f"Bearer {settings.upward_token}"
    request = urllib.request.Request(settings.upward_url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.upward_timeout_seconds) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as exc:
        raise SendFailed(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out, DNS
        reason = getattr(exc, "reason", exc)
        raise SendFailed(f"{type(reason).__name__}: {reason}") from None
