"""Supervision items (督办): opening one for a signal, an overdue step or a forwarded complaint, the notice →
response → finding procedure, its lights and escalation, and the log of who read a supervision report.
"""

from __future__ import annotations

from .items import open_item
from .report_access import ReportAccessLog
from .service import SupervisionService

__all__ = ["ReportAccessLog", "SupervisionService", "open_item"]
