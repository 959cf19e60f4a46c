"""What the public sees: an applicant's own cases, ratings and complaints as filed, the service hall's screens,
plain statuses, and rating by text message.
"""

from __future__ import annotations

from .applicant_cases import ApplicantCases
from .feedback import ASPECTS, FeedbackService
from .hall import HallBoard
from .sms_rating import SmsRating

__all__ = ["ASPECTS", "ApplicantCases", "FeedbackService", "HallBoard", "SmsRating"]
