"""What staff work from: the clerk's inbox (my tasks, my groups', copies, done), case search in the reader's
units, a case's flow as the case page draws it, and the history of a case (or of the system) read from the trail.
"""

from __future__ import annotations

from .case_flow import CaseFlow
from .case_search import CaseSearch
from .history import HistoryService
from .inbox import InboxService

__all__ = ["CaseFlow", "CaseSearch", "HistoryService", "InboxService"]
