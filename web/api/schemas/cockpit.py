"""The supervision cockpit: counts with a per-department table, and daily trends with this month's rankings."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from .common import Instant, Query


class DepartmentCounts(BaseModel):
    department: str
    running: int
    yellow: int
    red: int
    signals_open: int
    items_open: int


class CockpitOverview(BaseModel):
    as_of: Instant
    scope: str | None = Field(description="the supervisor's unit; null: every unit")
    cases: dict[str, int] = Field(description="running cases by light: none, yellow, green, red, paused")
    tasks: dict[str, int] = Field(description="open tasks by light")
    signals: dict[str, dict[str, int]] = Field(description="colour → status → count")
    signals_open: int
    items: dict[str, int] = Field(description="open 督办 items by light")
    complaints: dict[str, int] = Field(description="status → count")
    complaints_pending: int
    incidents_open: int = Field(
        description="open incidents: periodic work that failed (of the scope's cases; every one for administrators)"
    )
    departments: list[DepartmentCounts]


class TrendsQuery(Query):
    days: int | None = Field(None, ge=1, le=366, description="the last days, default 30")
    department: str | None = None


class Trends(BaseModel):
    as_of: Instant
    scope: str | None
    days: list[dt.date] = Field(description="Asia/Shanghai days, oldest first")
    series: dict[str, list[int]] = Field(
        description="started, ended, ended_overdue (after the statutory limit), ended_past_promise (after the "
        "promised limit), signals_yellow, signals_red: one count per day"
    )


class OnTimeRate(BaseModel):
    department: str
    ended: int
    on_time: int = Field(description="ended by the statutory limit (the monthly report's definition)")
    rate: float = Field(description="percent")
    on_time_rate: float | None = Field(description="the same as a share, as the monthly report gives it")
    within_promise: int = Field(description="ended by the promised limit")
    within_promise_rate: float | None
    average_handling_days: float | None = Field(description="working days from acceptance, less paused time")


class RedSignalCount(BaseModel):
    department: str
    count: int


class Rankings(BaseModel):
    month: str = Field(description="YYYY-MM")
    scope: str | None
    on_time: list[OnTimeRate]
    red_signals: list[RedSignalCount]


class CockpitTrends(BaseModel):
    trends: Trends
    rankings: Rankings
