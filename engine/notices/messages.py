"""Notices (通知): messages for a user, written in the transaction of the change they tell about.

Every notice lands in the user's inbox; the dispatcher (integrations/notifications) also sends it over the
channels the user chose (e-mail, SMS, webhook)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from ..kernel.db import Executor
from ..models import Notice

KINDS = {
    "task_assigned": "新的待办",
    "task_delegated": "委派待办",
    "task_returned": "委派交回",
    "task_urged": "催办",
    "carbon_copy": "抄送",
    "escalation": "超时升级",
    "warning_light": "预警",
    "due_today": "今日到期",
    "light_supervision": "红黄灯督办",
    "supplement_request": "补正通知",
    "document_issued": "文书送达",
    "decision": "办理结果",
    "complaint_result": "投诉处理结果",
    "supervision_notice": "督办通知",
    "supervision_response": "督办回复",
    "supervision_escalation": "督办超期",
    "complaint_forwarded": "投诉转办",
    "complaint_overdue": "投诉处理超期",
}
_notices = Notice.__table__
INSERT_NOTICE = _notices.insert()


def notify(
    session: Executor,
    recipients: Iterable[str | None],
    kind: str,
    message: str,
    now: _dt.datetime,
    case_id: int | None = None,
    task_id: str | None = None,
) -> int:
    """Insert one notice per distinct recipient; returns how many."""
    rows = [
        {
            "recipient": recipient,
            "kind": kind,
            "case_id": case_id,
            "task_id": task_id,
            "message": message,
            "created_at": now,
        }
        for recipient in dict.fromkeys(r for r in recipients if r)
    ]
    if rows:
        session.execute(INSERT_NOTICE, rows)
    return len(rows)
