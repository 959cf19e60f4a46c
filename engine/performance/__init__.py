"""Monthly performance evaluation (绩效测评): indicators in SQL, configurable scoring, archived snapshots, reports."""

from .months import of as month_of
from .months import parse as parse_month
from .scoring import ITEMS as SCORING_ITEMS
from .service import REPORT, PerformanceService

__all__ = ["PerformanceService", "REPORT", "SCORING_ITEMS", "month_of", "parse_month"]
