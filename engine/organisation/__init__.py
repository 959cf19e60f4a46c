"""The organisation as administrators keep it: the 省/市/区/镇(街道)/社区 unit tree and its posts, and staff
accounts (created, edited, deactivated, never deleted), each change with its trail row.
"""
from __future__ import annotations

from .service import LEVEL_NAMES, LEVELS, OrganisationService
from .accounts import AccountService

__all__ = ["AccountService", "LEVELS", "LEVEL_NAMES", "OrganisationService"]
