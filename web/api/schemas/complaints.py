"""Complaints (投诉处理) as supervisors and department heads handle them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from ...request_guard import MAX_ID
from .common import Body, Instant, Light, Provisional, Query, Text

ComplaintStatus = Literal["submitted", "accepted", "rejected", "forwarded", "answered", "closed"]


class Complaint(BaseModel):
    id: int
    number: str
    anonymous: bool
    subject: str
    content: str
    department: str | None
    case_id: int | None
    case_number: str | None
    complainant: str | None = Field(description="supervisors only")
    complainant_name: str | None = Field(description="supervisors only")
    contact_phone: str | None = Field(description="supervisors only")
    status: ComplaintStatus
    submitted_at: Instant
    status_changed_at: Instant
    first_feedback: str | None
    first_feedback_at: Instant | None
    first_feedback_by: str | None = Field(description="supervisors only: who gave the first feedback")
    feedback_on_behalf: bool = Field(description="a supervisor answered in the department's place after its 24 hours")
    feedback_overdue_at: Instant | None = Field(description="when the sweep found the 24 hours passed without one")
    decision: Literal["accepted", "rejected"] | None
    decision_reason: str | None
    decided_at: Instant | None
    decided_by: str | None
    forwarded_to: str | None
    forwarded_at: Instant | None
    result: str | None
    upheld: bool | None
    result_by: str | None
    result_at: Instant | None
    light: Light
    accept_due_at: Instant | None
    feedback_due_at: Instant | None
    result_due_at: Instant | None
    limits_provisional: Provisional
    open_limits: dict[str, Instant] = Field(description="feedback / acceptance / result → due instant")


class ComplaintDetail(Complaint):
    operations: list[Literal["feedback", "decision", "forwarding", "result", "closure"]] = Field(
        description="the steps the caller may take now"
    )


class ComplaintQuery(Query):
    status: ComplaintStatus | None = None
    department: str | None = None
    light: Light | None = None
    limit: int | None = Field(None, ge=1, le=MAX_ID, description="at most 1000 are answered (default 200)")


class Feedback(Body):
    text: Text


class Decision(Body):
    accept: bool
    reason: Text | None = Field(None, description="required to reject")


class Forwarding(Body):
    department: str
    note: Text | None = None
    days: int | None = Field(
        None, ge=1, le=60, description="working days for the result (default SHENPI_COMPLAINT_RESULT_DAYS, 10)"
    )

    @field_validator("days", mode="before")
    @classmethod
    def _empty_is_default(cls, value):
        return None if value == "" else value


class Result(Body):
    result: Text
    upheld: bool


class Closure(Body):
    note: Text | None = None
