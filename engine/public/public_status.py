"""A case's status in the words the public sees: no lights, no internal steps."""

from __future__ import annotations

import datetime as _dt

AWAITING_ACCEPTANCE = "awaiting_acceptance"  # 待受理
IN_PROGRESS = "in_progress"  # 办理中
SUPPLEMENT = "supplement"  # 待补正
SPECIAL_PROCEDURE = "special_procedure"  # 特别程序（听证、检验检测、专家评审、现场勘查、中止）
ENDED = ("approved", "denied", "refused", "terminated", "completed")
STATUSES = (AWAITING_ACCEPTANCE, IN_PROGRESS, SUPPLEMENT, SPECIAL_PROCEDURE) + ENDED


def public_status(status: str, outcome: str | None, accepted_at: _dt.datetime | None, pause_kind: str | None) -> str:
    if status == "ended":
        return outcome if outcome in ENDED else "completed"
    if pause_kind == "supplement":
        return SUPPLEMENT
    if pause_kind:
        return SPECIAL_PROCEDURE
    return IN_PROGRESS if accepted_at is not None else AWAITING_ACCEPTANCE
