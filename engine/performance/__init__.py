"""Performance evaluation (绩效测评): indicators in SQL, a versioned scoring standard, archived monthly snapshots,
quarterly and annual results, each official's daily score and supervisors' manual points, reports; the facts it
needs beyond cases: on-site visits (跑动次数) and post-approval inspections."""

from .inspections import InspectionService
from .months import of as month_of
from .months import parse as parse_month
from .scoring import ITEMS as SCORING_ITEMS
from .service import REPORT, PerformanceService
from .visits import VisitService

__all__ = [
    "InspectionService",
    "PerformanceService",
    "REPORT",
    "SCORING_ITEMS",
    "VisitService",
    "month_of",
    "parse_month",
]
