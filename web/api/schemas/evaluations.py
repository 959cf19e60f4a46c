"""The monthly performance evaluation (绩效测评)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from .common import Body, Instant, Query, Text


class ScoreLine(BaseModel):
    item: str
    count: int
    points: float


class DepartmentScore(BaseModel):
    rank: int
    name: str
    score: float
    indicators: dict[str, float | None] = Field(
        description="online_service_rate (网上办理率: matters at depth 1 or more), online_depth_1_rate, "
        "online_depth_2_rate, online_depth_3_rate (网上深化率: the share at each level), online_completion_rate "
        "(网上办结率), on_time_rate (by the statutory limit), within_promise_rate, average_handling_days (working "
        "days), overdue_count, satisfaction_rate (4–5 star ratings / (ratings + substantiated complaints)), "
        "visits_per_case (recorded visits), …"
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
    standard_version: int | None = Field(None, description="the version of the scoring standard (0: the defaults)")
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


class PeriodDepartment(BaseModel):
    rank: int
    name: str
    score: float = Field(description="the average of the monthly scores")
    months: list[float]


class PeriodOfficial(BaseModel):
    rank: int
    id: str
    name: str
    department: str | None
    score: float
    months: list[float]


class PeriodResult(BaseModel):
    period: str = Field(description="YYYY-Qn or YYYY")
    months: list[str] = Field(description="the months begun so far")
    complete: bool
    departments: list[PeriodDepartment]
    officials: list[PeriodOfficial]


class StandardVersion(BaseModel):
    version: int
    settings: dict[str, float]
    reason: str | None
    created_by: str
    created_at: Instant


class MyScoreQuery(Query):
    month: str | None = Field(None, description="YYYY-MM, default this month")
    official: str | None = Field(None, description="supervisors: an official of their units (default: oneself)")


class ManualEntry(BaseModel):
    points: float
    reason: str
    recorded_by: str


class ScoreDay(BaseModel):
    day: dt.date
    plus: float
    minus: float
    lines: list[ScoreLine]
    manual: list[ManualEntry]


class MonthResult(BaseModel):
    month: str
    score: float
    plus: float
    minus: float
    lines: list[ScoreLine]


class PeriodMonth(BaseModel):
    month: str
    score: float


class PeriodScore(BaseModel):
    period: str
    months: list[PeriodMonth]
    score: float | None


class MyScore(BaseModel):
    official: str
    name: str
    department: str | None
    month: str
    days: list[ScoreDay] = Field(description="each day with points: plus, minus and how they came")
    result: MonthResult
    quarter: PeriodScore = Field(description="the average of the quarter's months so far")
    year: PeriodScore


class ManualPoints(Body):
    official: str = Field(max_length=64)
    day: dt.date
    points: float = Field(description="positive adds, negative deducts; at most 10 either way")
    reason: Text


class ManualPointRecord(BaseModel):
    id: int
    official: str
    name: str
    day: dt.date
    points: float
    reason: str
    recorded_by: str
    recorded_at: Instant


class VisitBody(Body):
    purpose: str = Field(max_length=200, description="what the applicant came for")


class VisitRecord(BaseModel):
    id: int
    case_id: int
    purpose: str
    recorded_by: str
    visited_at: Instant


class RecordedVisit(VisitRecord):
    visits: int = Field(description="the case's visits so far")


class CaseVisits(BaseModel):
    case_id: int
    visits: int
    items: list[VisitRecord]


class InspectionBody(Body):
    compliant: bool = Field(description="the holder still meets the approval's conditions")
    finding: Text


class InspectionRecord(BaseModel):
    id: int
    case_id: int
    department: str
    inspected_at: Instant
    inspector: str
    compliant: bool
    finding: str
