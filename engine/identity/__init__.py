"""Who is acting and what they may see: actors with their unit, posts and roles, API tokens, case access by
unit, and password hashing.
"""

from __future__ import annotations

from . import passwords
from .actors import (
    ADMIN,
    APPLICANT,
    ENGINE,
    EXCHANGE,
    HEAD_POST,
    MONITOR,
    OFFICIAL,
    ROLE_NAMES,
    ROLES,
    SUPERVISOR,
    Actor,
    IdentityService,
)

__all__ = [
    "ADMIN",
    "APPLICANT",
    "Actor",
    "ENGINE",
    "EXCHANGE",
    "HEAD_POST",
    "IdentityService",
    "MONITOR",
    "OFFICIAL",
    "ROLES",
    "ROLE_NAMES",
    "SUPERVISOR",
    "passwords",
]
