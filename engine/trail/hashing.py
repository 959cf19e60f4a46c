"""What a trail row's hash covers, by version.

- Version 1 (rows written before the trail was anchored): the row's chain, position in it and content, and the
  previous row's hash. Not its global ``seq``, which the API orders by, so two rows' numbers could be swapped unseen.
- Version 2 (every row written since): the same, plus the version and the row's global ``seq``.

Old rows keep their version-1 hashes (they were reported upward and may be anchored in checkpoints) and are verified
by that formula; a chain's rows never go back from version 2 to version 1.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
SYSTEM = 0  # the system chain; every other chain is numbered by its case's id
HASH_VERSION = 2  # what new rows are hashed with
HASH_VERSIONS = (1, 2)


def digest(data: object) -> str:
    """SHA-256 of the canonical JSON form of ``data``."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def instant(value: _dt.datetime) -> str:
    """A row's instant as hashed and shown: UTC with microseconds."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: Mapping[Any, Any]) -> str:
    """The hash of a chained row by its ``hash_version`` (1 when the row has none)."""
    version = row.get("hash_version") or 1
    fields = [
        row["chain"],
        row["chain_seq"],
        row["case_id"],
        row["task_id"],
        row["element_id"],
        row["event"],
        row["from_state"],
        row["to_state"],
        row["actor"],
        instant(row["at"]),
        row["data_digest"],
        row["detail"],
        row["prev_hash"],
    ]
    if version == 2:
        fields = [2, row["seq"], *fields]
    elif version != 1:
        raise ValueError(f"unknown trail hash version {version!r}")
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
