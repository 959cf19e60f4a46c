"""The organisation as administrators keep it: the 省/市/区/镇(街道)/社区 unit tree and its posts, and staff
accounts (created, edited, deactivated, never deleted), each change with its trail row.
"""

from __future__ import annotations

from .accounts import AccountService
from .service import LEVEL_NAMES, LEVELS, OrganisationService

__all__ = ["AccountService", "LEVELS", "LEVEL_NAMES", "OrganisationService"]
