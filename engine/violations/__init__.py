"""Violation rules and correction signals (纠错信号, 深府〔2007〕32号 Art. 11 and 12): the rules, their
configuration at three levels, the signals, the rules evaluated on transitions and by the sweep, and the facts
they judge that clerks record: fees charged (收费登记) and results published (结果公开).
"""

from __future__ import annotations

from .fees import FeeService, may_keep_fees
from .rule_config import LEVELS
from .rules import RULES
from .service import Violations
from .sweep import CASE_RULES
from .verification import APPEALS as VERIFICATION_APPEALS
from .verification import KINDS as VERIFICATION_KINDS

__all__ = [
    "CASE_RULES",
    "LEVELS",
    "RULES",
    "VERIFICATION_APPEALS",
    "VERIFICATION_KINDS",
    "FeeService",
    "Violations",
    "may_keep_fees",
]
