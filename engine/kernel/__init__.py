"""The plumbing every package stands on, with no domain words: the clock, the database and its fast SQL path,
the content-addressed blob store, paging, and checks on data callers hand in.
"""
from __future__ import annotations

from . import clock
from . import db
from . import paging
from . import payloads
from .clock import SHANGHAI, UTC, Clock, FixedClock, parse_instant
from .db import Base, Database, Executor, UTCDateTime
from .paging import empty_page, page_bounds, page_of_list, page_of_query
from .blob_store import BlobStore, StoredFileDamaged

__all__ = ["Base", "BlobStore", "Clock", "Database", "Executor", "FixedClock", "SHANGHAI", "StoredFileDamaged", "UTC", "UTCDateTime", "clock", "db", "empty_page", "page_bounds", "page_of_list", "page_of_query", "paging", "parse_instant", "payloads"]
