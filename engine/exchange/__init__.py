"""Data exchange with ministry systems (reported cases and facts, checked whole before any is recorded) and the
outbox of upward reporting, written in the transaction of the change it reports.
"""

from __future__ import annotations

from .external_cases import ExternalCaseService
from .outbox import OutboxService

__all__ = ["ExternalCaseService", "OutboxService"]
