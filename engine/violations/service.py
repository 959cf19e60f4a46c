"""Violation rules and correction signals as one service of the facade: configuration per level, the signals,
fees and result publication, the transition hooks and the sweep."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .fees import FeeService
from .hooks import SignalHooks
from .manual import ManualSignals
from .pledge_checks import PledgeChecks
from .procedures import ProcedureSweep
from .rule_config import RuleConfigService
from .signals import SignalService
from .sweep import SignalSweep
from .verification import VerificationService

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..kernel import Clock, Database


class Violations:
    """Violation rules and correction signals: configuration per level, the signals (also raised by hand), the
    hooks, the sweep."""

    def __init__(self, db: Database, clock: Clock, calendars: CalendarService) -> None:
        self.rules = RuleConfigService(db, clock)
        self.signals = SignalService(db, clock, calendars)
        self.manual = ManualSignals(db, clock, calendars)  # raised by a supervisor's hand
        self.fees = FeeService(db, clock, calendars)
        self.hooks = SignalHooks(calendars)
        self.sweep = SignalSweep(db, clock, calendars, self.signals)
        self.procedures = ProcedureSweep(db, clock, calendars)
        self.verifications = VerificationService(db, clock, calendars)
        self.pledge_checks = PledgeChecks(db, clock, calendars)  # 告知承诺制: false pledges, checks overdue
