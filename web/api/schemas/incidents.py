"""Incidents: periodic work (a case's due timers, a light, a 督办 item, a delivery, …) that failed for one subject."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .common import Body, Instant, Query, Text

IncidentState = Literal["open", "resolved"]


class Incident(BaseModel):
    id: int
    kind: str = Field(
        description="the periodic work: timers, case_lights, supervision_items, … (task_lights: before 0015_lights)"
    )
    subject: str = Field(description="the id the work ran on (a case, a step, an item, a delivery)")
    case: int | None
    element: str | None = Field(description="the element, item or channel concerned, when known")
    code: str = Field(description="the error's code (internal: not an engine refusal)")
    reason: str = Field(description="the error's stable reason (unexpected_error: any other exception)")
    params: dict[str, Any]
    message: str = Field(description="the error in the language of Accept-Language")
    first_at: Instant
    last_at: Instant
    attempts: int
    next_attempt_at: Instant | None = Field(description="when the sweep tries it again (open incidents)")
    state: IncidentState
    resolved_at: Instant | None
    resolved_by: str | None = Field(description="engine: closed by a successful retry of the sweep")
    note: str | None
    traceback: str | None = Field(None, description="administrators only")
    retry: Literal["resolved", "failed", "queued"] | None = Field(
        None, description="in the answer to a retry: resolved, failed again, or queued for its task's next run"
    )


class IncidentPage(BaseModel):
    items: list[Incident]
    total: int
    page: int
    per_page: int
    pages: int
    kinds: list[str] = Field(description="every kind of periodic work the sweep runs")


class IncidentQuery(Query):
    case: int | None = Field(None, ge=1, le=2**63 - 1)
    kind: str | None = Field(None, max_length=48)
    state: IncidentState | None = None
    page: int | None = Field(None, ge=1, le=1_000_000)
    per_page: int | None = Field(None, ge=1, le=100, description="default 20")


class Resolution(Body):
    note: Text = Field(description="what was done about it (required)")
