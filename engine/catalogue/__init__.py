"""The matter catalogue (事项目录): entries with their BPMN, published versions, the rules an entry must meet,
import and export of the whole catalogue, and the public service guide.
"""

from __future__ import annotations

from .bulk import CatalogueBulk, ImportRow, import_error
from .guide import GuideService
from .service import HANDLING, TYPES, CatalogueService

__all__ = ["CatalogueBulk", "CatalogueService", "GuideService", "HANDLING", "ImportRow", "TYPES", "import_error"]
