"""The matter catalogue (事项目录): entries with their BPMN, published versions, the rules an entry must meet,
import and export of the whole catalogue, the public service guide and its downloadable form files (表格下载).
"""

from __future__ import annotations

from .bulk import CatalogueBulk, ImportRow, import_error
from .form_files import MAX_BYTES as FORM_FILE_MAX_BYTES
from .form_files import FormFiles
from .guide import GuideService
from .service import DUTY_DAYS, HANDLING, TYPES, CatalogueService

__all__ = [
    "CatalogueBulk",
    "CatalogueService",
    "DUTY_DAYS",
    "FORM_FILE_MAX_BYTES",
    "FormFiles",
    "GuideService",
    "HANDLING",
    "ImportRow",
    "TYPES",
    "import_error",
]
