"""Pages of the violation rules (监察规则) and correction signals (纠错信号): the signal list with its drill-down
to the case page, the correction form for department heads, and the rule configuration per level."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signals", __name__, url_prefix="/signals")

from . import pages  # noqa: E402,F401  (register the views)
