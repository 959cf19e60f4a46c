"""Notices the engine writes on its own: warning lights, supplement requests (补正) and decisions.

Task assignment, urging, escalation, supervision and complaint notices are written where those happen."""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..deadlines.lights import RED, YELLOW
from ..identity.actors import APPLICANT, department_heads
from ..kernel.db import Executor
from ..models import Case, TaskRecord, User
from .messages import notify

if TYPE_CHECKING:
    from ..runtime.stepper import StepContext
    from ..runtime.wiring import Transition

OUTCOME_NAMES = {
    "approved": "准予许可",
    "denied": "不予许可",
    "refused": "不予受理",
    "terminated": "已终止",
    "completed": "已办结",
}
LIGHT_NAMES = {YELLOW: "黄灯预警", RED: "红灯（已超过法定时限）"}


def _applicant_account(session: Executor, created_by: str | None) -> str | None:
    if not created_by:
        return None
    roles = session.scalar(sa.select(User.roles).where(User.id == created_by))
    return created_by if roles and APPLICANT in roles else None


def _step_applicant(ctx: StepContext) -> str | None:
    """The account of the applicant who started the step's case, if it was one (the step's facts)."""
    facts = ctx.facts
    roles = facts.creator_roles
    return facts.created_by if facts.created_by and roles and APPLICANT in roles else None


def case_light_changed(session: Executor, case: Case | sa.Row[Any], light: str, now: _dt.datetime) -> None:
    """A case turning yellow or red: its open tasks' holders are told; on red, the department's heads too."""
    if light not in (YELLOW, RED):
        return
    holders = session.scalars(
        sa.select(TaskRecord.assignee).where(
            TaskRecord.case_id == case.id, TaskRecord.state == "open", TaskRecord.assignee.is_not(None)
        )
    ).all()
    recipients = list(holders) + (department_heads(session, case.department) if light == RED or not holders else [])
    notify(
        session,
        recipients,
        "warning_light",
        f"办件 {case.number}：{LIGHT_NAMES[light]}，请抓紧办理。",
        now,
        case_id=case.id,
    )


def task_light_changed(session: Executor, record: TaskRecord | sa.Row[Any], light: str, now: _dt.datetime) -> None:
    if light in (YELLOW, RED) and record.assignee:
        notify(
            session,
            [record.assignee],
            "warning_light",
            f"待办“{record.name}”：{LIGHT_NAMES[light]}。",
            now,
            case_id=record.case_id,
            task_id=record.id,
        )


def supplement_requested(session: Executor, case: Case, missing: list[str], now: _dt.datetime) -> None:
    applicant = _applicant_account(session, case.created_by)
    notify(
        session,
        [applicant],
        "supplement_request",
        f"办件 {case.number} 需要补正材料：{'、'.join(missing)}。请在办事大厅提交。",
        now,
        case_id=case.id,
    )


def on_case_end(ctx: StepContext, outcome: str) -> None:
    """Stepper end hook: the applicant learns the decision."""
    notify(
        ctx.connection,
        [_step_applicant(ctx)],
        "decision",
        f"办件 {ctx.case.number} 已办结：{OUTCOME_NAMES.get(outcome, outcome)}。",
        ctx.now,
        case_id=ctx.case.id,
    )


def on_documents_issued(ctx: StepContext, _transitions: list[Transition]) -> None:
    """Stepper step hook: the applicant's account is told of each document the step issued (the 受理通知书 with
    its 查询码); the PDF waits on the portal's case page. Decisions are told by ``on_case_end``."""
    issued = [json.loads(row["detail"]) for row in ctx.events if row["event"] == "document_issued" and row["detail"]]
    if not issued:
        return
    applicant = _step_applicant(ctx)
    for detail in issued:
        notify(
            ctx.connection,
            [applicant],
            "document_issued",
            f"办件 {ctx.case.number}：{detail.get('title', '文书')}（{detail.get('number', '')}）已出具，"
            f"请在“我的办件”中查看。",
            ctx.now,
            case_id=ctx.case.id,
        )
