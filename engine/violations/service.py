"""Violation rules and correction signals as one service of the facade: configuration per level, the signals,
fees and result publication, the transition hooks and the sweep."""
from __future__ import annotations

from .fees import FeeService
from .rule_config import RuleConfigService
from .hooks import SignalHooks
from .sweep import SignalSweep
from .signals import SignalService


class Violations:
    """Violation rules and correction signals: configuration per level, the signals, the hooks, the sweep."""

    def __init__(self, db, clock, calendars):
        self.rules = RuleConfigService(db, clock)
        self.signals = SignalService(db, clock, calendars)
        self.fees = FeeService(db, clock, calendars)
        self.hooks = SignalHooks(calendars)
        self.sweep = SignalSweep(db, clock, calendars, self.signals)
