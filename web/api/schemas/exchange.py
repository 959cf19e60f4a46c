"""Data exchange with ministry systems (facts of their cases) and upward reporting to the province."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .common import Body, Instant


class Facts(Body):
    facts: list[dict[str, Any]] = Field(min_length=1, description="see docs/exchange-facts.schema.json")


class FactsRecorded(BaseModel):
    batch: int
    facts: int
    imported: int
    duplicates: int | None = None
    cases_created: int | None = None
    signals: int | None = None
    duplicate_batch: bool | None = Field(None, description="the same batch came before: nothing imported")


class UpwardProblem(BaseModel):
    id: int
    topic: str
    key: str
    batch_id: str | None
    attempts: int
    last_error: str | None
    created_at: Instant | None
    case_number: str | None
    event: str | None
    status: Literal["failed", "retrying"]


class UpwardBatch(BaseModel):
    batch_id: str
    records: int
    sent_at: Instant | None


class UpwardStatus(BaseModel):
    enabled: bool
    url: str | None = Field(description="administrators only")
    pending: int
    due: int
    sent: int
    failed: int
    oldest_pending_at: Instant | None
    next_retry_at: Instant | None
    problems: list[UpwardProblem] = Field(description="failed and retrying records with their last error")
    batches: list[UpwardBatch] = Field(description="batches sent")


class Requeued(BaseModel):
    requeued: int = Field(description="failed records put back in line")
