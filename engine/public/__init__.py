"""What the public sees: an applicant's own cases, ratings and complaints as filed, the service hall's screens,
plain statuses, rating by text message, the published results of decided cases (结果公开), and the enquiries the
first official asked answers at the window (首问负责).
"""

from __future__ import annotations

from .applicant_cases import ApplicantCases
from .enquiries import EnquiryService
from .feedback import ASPECTS, FeedbackService
from .hall import HallBoard
from .published_results import PublishedResults
from .sms_rating import SmsRating

__all__ = [
    "ASPECTS",
    "ApplicantCases",
    "EnquiryService",
    "FeedbackService",
    "HallBoard",
    "PublishedResults",
    "SmsRating",
]
