"""The batch document sent to the platform; its JSON Schema is docs/upward-report.schema.json."""

from __future__ import annotations

import json

SCHEMA_VERSION = "1.1"  # 1.1: trail_checkpoint records


def document(batch, settings, sent_at: str) -> dict:
    """A batch as the platform receives it. ``batch_id`` stays the same on every retry of the batch, and each
    record's (topic, key) is unique: the platform deduplicates by either."""
    return {
        "schema_version": SCHEMA_VERSION,
        "batch_id": batch.batch_id,
        "platform_code": settings.upward_platform_code,
        "region": settings.upward_region or None,
        "attempt": batch.attempt,
        "sent_at": sent_at,
        "records": batch.records,
    }


def encode(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
