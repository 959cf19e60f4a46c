"""Monthly performance evaluation (绩效测评): indicators in SQL, configurable scoring, archived snapshots, reports."""
from .service import REPORT, PerformanceService

__all__ = ["PerformanceService", "REPORT"]
