"""The plumbing every package stands on, with no domain words: the clock, the database and its fast SQL path,
the content-addressed blob store (a folder, a database table or an S3 bucket), paging, and checks on data callers hand in.
"""

from __future__ import annotations

from . import clock, db, paging, payloads
from .blob_store import BlobStore, DatabaseStore, FileSystemStore, S3Store, StoredFileDamaged, open_blob_store
from .clock import SHANGHAI, UTC, Clock, FixedClock, parse_instant
from .db import Base, Database, Executor, UTCDateTime
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
    "SHANGHAI",
    "StoredFileDamaged",
    "UTC",
    "UTCDateTime",
    "clock",
    "db",
    "empty_page",
    "open_blob_store",
    "page_bounds",
    "page_of_list",
    "page_of_query",
    "paging",
    "parse_instant",
    "payloads",
]
