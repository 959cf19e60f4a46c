"""Time as the law counts it: working days with Chinese statutory holidays and 调休, office hours, the provisional
calendar for years without the State Council's arrangement, the calendar administrators keep and its year view, and
the warning lights a deadline gives.
"""

from __future__ import annotations

from . import handling
from .calendar_service import CalendarService, parse_arrangement
from .lights import LIGHTS, NONE, RED, YELLOW, case_light, due_today, light_at, step_light, worse
from .provisional import statutory_holidays
from .working_time import WorkingCalendar

__all__ = [
    "CalendarService",
    "LIGHTS",
    "NONE",
    "RED",
    "WorkingCalendar",
    "YELLOW",
    "handling",
    "case_light",
    "due_today",
    "light_at",
    "parse_arrangement",
    "statutory_holidays",
    "step_light",
    "worse",
]
