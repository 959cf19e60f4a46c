"""The monthly performance evaluation (绩效测评)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import Instant


class ScoreLine(BaseModel):
    item: str
    count: int
    points: float


class DepartmentScore(BaseModel):
    rank: int
    name: str
    score: float
    indicators: dict[str, float | None] = Field(
        description="online_service_rate (网上办理率), online_completion_rate (网上办结率), online_depth_rate "
        "(网上深化率), on_time_rate, average_handling_days, overdue_count, satisfaction_rate, "
        "visits_per_case, …"
    )
    counts: dict[str, int]
    lines: list[ScoreLine] = Field(description="how the score was reached")


class OfficialScore(BaseModel):
    rank: int
    id: str
    name: str
    department: str | None
    score: float
    tasks_completed: int
    tasks_on_time: int
    on_time_rate: float | None
    counts: dict[str, int]
    lines: list[ScoreLine]


class Evaluation(BaseModel):
    month: str = Field(description="YYYY-MM")
    computed_at: Instant
    complete: bool = Field(description="the month has ended")
    settings: dict[str, float] = Field(description="the scoring standard used: base, max_addition, points per item")
    departments: list[DepartmentScore]
    officials: list[OfficialScore]
    archived: bool
    digest: str | None = Field(None, description="archived months: SHA-256 of the snapshot")
    prev_digest: str | None = None
    archived_at: Instant | None = None
    archived_by: str | None = None


class ArchivedMonth(BaseModel):
    month: str
    digest: str
    prev_digest: str
    archived_at: Instant
    archived_by: str
