"""What a case holds besides its workflow: materials and their uploads (checked by content), files held against an
application's draft until it is submitted, official documents (issued on the main path by the wiring table's rows)
and electronic licences (numbered, with validity and a printable sheet), the file store their content is kept in (a
folder, a database table or an S3 bucket), pledges signed in place of materials (告知承诺) with their
post-approval check, and names masked where the public reads them.
"""

from __future__ import annotations

from .documents import KINDS as DOCUMENT_KINDS
from .documents import DocumentService
from .file_store import FileStore, MigrationRun
from .file_types import ALLOWED as ALLOWED_FILE_TYPES
from .file_types import ALLOWED_LABELS as ALLOWED_FILE_LABELS
from .materials import MaterialService
from .pledges import PledgeService, pledgeable

__all__ = [
    "DOCUMENT_KINDS",
    "DocumentService",
    "FileStore",
    "MaterialService",
    "MigrationRun",
    "PledgeService",
    "pledgeable",
    "ALLOWED_FILE_LABELS",
    "ALLOWED_FILE_TYPES",
]
