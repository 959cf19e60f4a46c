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

    def __init__(self, shenpi):
        self.rules = RuleConfigService(shenpi.db, shenpi.clock)
        self.signals = SignalService(shenpi.db, shenpi.clock, shenpi.calendar)
        self.fees = FeeService(shenpi.db, shenpi.clock, shenpi.calendar)
        self.hooks = SignalHooks(shenpi.calendar, shenpi.stepper, shenpi.case_clock)
        self.sweep = SignalSweep(shenpi.db, shenpi.clock, shenpi.calendar, self.signals)
