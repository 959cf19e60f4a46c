"""The rules evaluated on transitions, inside the transaction that records them. Each hook first looks only at
what the step already holds (the task row, the opened tasks, the outcome) and reads the database only when the
transition is one its rule is about: a case's start, its end with a decision, a late step handing over to
another department, a second supplement notice."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..identity.actors import split_lane
from ..kernel.clock import SHANGHAI
from ..models import Case, Licence, Matter, MatterVersion, ProcessDefinition
from ..trail import chain as trail
from .signals import Violation, evaluate, local_minute

if TYPE_CHECKING:
    from ..deadlines.calendar_service import CalendarService
    from ..identity.actors import Actor
    from ..runtime.stepper import StepContext
    from ..runtime.wiring import Transition
    from ..trail.chain import TrailRow

_cases = Case.__table__
DECISIONS = ("approved", "denied")
STATUTORY_DUE = sa.select(_cases.c.statutory_due_at, _cases.c.paused_since).where(
    _cases.c.id == sa.bindparam("case_id")
)  # as this step has set them
# a started case's matter and process version, with the matter's last publication (built once: every start reads it)
PROCEDURE = (
    sa.select(
        Matter.published,
        Matter.name,
        ProcessDefinition.deployed_at,
        ProcessDefinition.version,
        sa.select(sa.func.max(MatterVersion.at))
        .where(MatterVersion.code == Matter.code, MatterVersion.kind == "published")
        .scalar_subquery()
        .label("at"),
    )
    .select_from(Matter)
    .join(ProcessDefinition, ProcessDefinition.id == sa.bindparam("definition_id"))
    .where(Matter.code == sa.bindparam("matter_code"))
)
IMMEDIATE = "即办件"
# What a matter's guide must publish (002 Art. 8(二)), by its catalogue field
GUIDE_PARTS = {
    "legal_basis": "设定依据",
    "conditions": "申请条件",
    "materials": "申请材料目录",
    "statutory_limit_days": "法定办理时限",
    "process_file": "办理流程",
}


def guide_holds(entry: dict[str, Any], name: str) -> bool:
    """Whether the guide publishes ``name``: a non-empty list or text, a limit of at least one day."""
    value = entry.get(name)
    if name.endswith("_days"):
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def local_day(instant: _dt.datetime) -> _dt.date:
    return instant.astimezone(SHANGHAI).date()


class SignalHooks:
    def __init__(self, calendars: CalendarService) -> None:
        self.calendars = calendars

    def _raise(self, ctx: StepContext, name: str, violation: Violation, **signal: Any) -> None:
        row = evaluate(
            ctx.connection,
            self.calendars.calendar(),
            ctx.now,
            name,
            ctx.case.department,
            violation,
            subject=signal.pop("subject", f"case:{ctx.case.id}"),
            case_id=ctx.case.id,
            **signal,
        )
        if row is not None:
            ctx.events.append(row)

    # --- transitions ------------------------------------------------------------------------------
    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        if ctx.case.lock_version == 0:
            self._check_procedure(ctx)
            self._check_guide(ctx)
        accepted = ctx.case_values.get("accepted_at")
        if accepted is not None and accepted < ctx.now and ctx.case.accepted_at is None:
            self._check_intake(ctx, accepted)
        record = ctx.record
        if record is not None and record.due_at is not None and ctx.now > record.due_at and ctx.opened:
            self._check_forwarding(ctx, transitions, record)

    def _check_procedure(self, ctx: StepContext) -> None:
        """A case started on a withdrawn matter, or on a process version deployed after the matter's last
        publication (a changed procedure that was never published)."""
        found = ctx.connection.execute(
            PROCEDURE, {"definition_id": ctx.case.definition_id, "matter_code": ctx.case.matter_code}
        ).first()
        if found is None:
            return
        if not found.published:
            problem = f"事项“{found.name}”已停办，仍启动了办件 {ctx.case.number}"
        elif found.at is not None and found.deployed_at > found.at:
            problem = (
                f"办件 {ctx.case.number} 使用的流程第{found.version}版部署于事项最近一次发布之后，"
                f"未经发布即改变了办理流程"
            )
        else:
            return
        self._raise(
            ctx,
            "unpublished_procedure",
            lambda params: (problem, {"version": found.version}),
            official=ctx.actor_id if ctx.actor_id != "engine" else None,
        )

    def _check_guide(self, ctx: StepContext) -> None:
        """A case started on a matter whose published guide lacks what must be published (Art. 11(4); 002 Art. 8(二):
        事项、依据、条件、数量、程序、期限以及需要提交的材料目录)."""
        entry = ctx.facts.matter_entry
        if entry is None:
            return

        def violation(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
            lacking = [name for name in params.get("required", []) if not guide_holds(entry, name)]
            if not lacking:
                return None
            words = "、".join(GUIDE_PARTS.get(name, name) for name in lacking)
            return f"办件 {ctx.case.number} 所属事项的办事指南未公示{words}", {"lacking": lacking}

        self._raise(ctx, "guide_incomplete", violation)

    def _check_intake(self, ctx: StepContext, received: _dt.datetime) -> None:
        """An acceptance dated before its step: the case clock deemed the case accepted on receipt because the
        window neither accepted, refused nor sent a 补正 notice within the intake limit."""
        due = ctx.connection.execute(sa.select(_cases.c.intake_due_at).where(_cases.c.id == ctx.case.id)).scalar()
        summary = (
            f"办件 {ctx.case.number} 于 {local_minute(received)} 收到申请，"
            f"受理时限（{local_minute(due) if due else '—'}）内未受理、未不予受理也未告知补正，依法视为受理"
        )
        self._raise(
            ctx,
            "intake_not_handled",
            lambda params: (summary, {"received_at": received.isoformat(), "intake_due_at": due and due.isoformat()}),
        )

    def _check_forwarding(self, ctx: StepContext, transitions: list[Transition], record: sa.Row) -> None:
        done = next((t for t, before in transitions if str(t.id) == record.id and t.state == TaskState.COMPLETED), None)
        if done is None:
            return
        onward = {
            split_lane(getattr(t.task_spec, "lane", None), ctx.case.department)[0]
            for t, _ in transitions
            if t.task_spec.manual and t.state == TaskState.READY
        }
        onward.discard(record.department)
        if not onward:
            return
        late = self.calendars.calendar().working_days_between(record.due_at, ctx.now)
        summary = (
            f"办件 {ctx.case.number} 的环节“{record.name}”（{record.department}）超过环节时限"
            f"（{local_minute(record.due_at)}）{late:.1f} 个工作日才转报{'、'.join(sorted(onward))}"
        )
        self._raise(
            ctx,
            "forwarding_late",
            lambda params: (summary, {"task": record.id, "to": sorted(onward)}),
            subject=f"task:{record.id}",
            official=ctx.actor_id,
        )

    def on_end(self, ctx: StepContext, outcome: str) -> None:
        self._check_immediate(ctx)
        if outcome not in DECISIONS:
            return
        case = ctx.connection.execute(STATUTORY_DUE, {"case_id": ctx.case.id}).one()
        due = case.statutory_due_at
        if due is None:
            return
        calendar = self.calendars.calendar()
        if case.paused_since is not None:  # ended while paused: the pause does not count
            due = calendar.add_working_seconds(due, calendar.working_seconds(case.paused_since, ctx.now))
        if ctx.now <= due:
            return
        late = calendar.working_days_between(due, ctx.now)
        summary = f"办件 {ctx.case.number} 超过法定时限（{local_minute(due)}）{late:.1f} 个工作日才作出决定"
        self._raise(
            ctx,
            "decision_late",
            lambda params: (summary, {"statutory_due_at": due.isoformat(), "outcome": outcome}),
            official=ctx.actor_id if ctx.actor_id != "engine" else None,
        )

    def _check_immediate(self, ctx: StepContext) -> None:
        """An 即办件 ended on a later day than its acceptance (001 (一)1(4): 即办件在受理窗口完成). A 即办件 still open
        after its acceptance day is the sweep's (engine/violations/sweep.py)."""
        accepted = ctx.case_values.get("accepted_at") or ctx.case.accepted_at
        if accepted is None or local_day(ctx.now) == local_day(accepted):
            return
        if ctx.facts.matter_handling != IMMEDIATE:
            return
        summary = (
            f"即办件 {ctx.case.number} 于 {local_minute(accepted)} 受理，{local_minute(ctx.now)} 才办结，未当日办结"
        )
        self._raise(
            ctx,
            "immediate_not_same_day",
            lambda params: (summary, {"accepted_at": accepted.isoformat(), "ended_at": ctx.now.isoformat()}),
        )

    # --- the case clock -----------------------------------------------------------------------------
    def on_supplement_notice(
        self, session: Session, case: Case, missing: list[str], earlier: Sequence[Any], actor: Actor, now: _dt.datetime
    ) -> list[TrailRow]:
        """A second (or later) supplement notice on a case: the first one did not list everything at once."""
        if not earlier:
            return []
        found: dict[str, list[str]] = {}

        def violation(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
            flagged = list(missing)
            if params.get("guide_materials_only", True):
                entry = session.scalar(sa.select(Matter.entry).where(Matter.code == case.matter_code)) or {}
                listed = {m.get("name") for m in entry.get("materials", [])}
                flagged = [m for m in missing if m in listed]
            if not flagged:
                return None
            found["items"] = flagged
            return (
                f"办件 {case.number} 第{len(earlier) + 1}次补正告知仍要求：{'、'.join(flagged)}",
                {"notice": len(earlier) + 1, "items": flagged},
            )

        row = evaluate(
            session,
            self.calendars.calendar(),
            now,
            "repeated_supplement_notice",
            case.department,
            violation,
            subject=f"case:{case.id}",
            case_id=case.id,
            official=actor.id,
        )
        if row is None:
            return []
        return [
            trail.event(
                "supervision_flagged",
                now,
                case_id=case.id,
                actor="engine",
                to_state="open",
                detail={"rule": "one_time_notice", "notice": len(earlier) + 1, "items": found["items"], "by": actor.id},
            ),
            row,
        ]

    # --- licences -----------------------------------------------------------------------------------
    def on_revocation_without_decision(
        self, session: Session, licence: Licence, actor_id: str, now: _dt.datetime
    ) -> list[TrailRow]:
        """A licence revoked with no 撤销/注销 decision issued on its case before: an effective approval changed
        (Art. 12)."""
        summary = f"电子证照 {licence.number or licence.code} 被撤销，办件此前未出具撤销或注销行政许可决定书"
        row = evaluate(
            session,
            self.calendars.calendar(),
            now,
            "revocation_without_decision",
            licence.department,
            lambda params: (summary, {"licence": licence.code, "number": licence.number}),
            subject=f"licence:{licence.code}",
            case_id=licence.case_id,
            official=actor_id,
        )
        return [row] if row is not None else []
