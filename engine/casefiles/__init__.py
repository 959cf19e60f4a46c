"""What a case holds besides its workflow: materials and their uploads (checked by content), official documents
and electronic licences, and names masked where the public reads them.
"""
from __future__ import annotations

from . import file_types
from .materials import MaterialService
from .documents import DocumentService
from .documents import KINDS as DOCUMENT_KINDS

__all__ = ["DOCUMENT_KINDS", "DocumentService", "MaterialService", "file_types"]
