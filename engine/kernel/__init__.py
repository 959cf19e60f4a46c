"""The plumbing every package stands on, with no domain words: the clock, the database and its fast SQL path,
the content-addressed blob store (a folder, a database table or an S3 bucket), paging, checks on data callers hand in,
the leader lock of singleton processes, the metrics sink and the log context.
"""

from __future__ import annotations

from . import clock, db, paging, payloads
from .blob_store import BlobStore, DatabaseStore, FileSystemStore, S3Store, StoredFileDamaged, open_blob_store
from .clock import SHANGHAI, UTC, Clock, FixedClock, ShiftedClock, clock_from_setting, clock_setting, parse_instant
from .db import Base, Database, Executor, UTCDateTime
from .leader import LeaderLock
from .log_context import ContextFilter as LogContextFilter
from .log_context import bind as bind_log_context
from .log_context import reset as reset_log_context
from .metrics import NULL_METRICS, Metrics
from .paging import empty_page, page_bounds, page_of_list, page_of_query

__all__ = [
    "Base",
    "BlobStore",
    "DatabaseStore",
    "FileSystemStore",
    "S3Store",
    "Clock",
    "Database",
    "Executor",
    "FixedClock",
    "ShiftedClock",
    "clock_from_setting",
    "clock_setting",
    "LeaderLock",
    "LogContextFilter",
    "Metrics",
    "NULL_METRICS",
    "SHANGHAI",
    "StoredFileDamaged",
    "UTC",
    "UTCDateTime",
    "bind_log_context",
    "clock",
    "db",
    "empty_page",
    "open_blob_store",
    "page_bounds",
    "page_of_list",
    "page_of_query",
    "paging",
    "parse_instant",
    "reset_log_context",
    "payloads",
]
