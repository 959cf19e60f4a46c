"""Correction signals (纠错信号), violation-rule configuration, case fees and result publication."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ...request_guard import MAX_ID
from .common import Body, Instant, Provisional, Query, Text

RuleLevel = Literal["department", "common", "bureau"]
Colour = Literal["yellow", "red"]
SignalStatus = Literal["open", "corrected", "closed"]


class Signal(BaseModel):
    id: int
    rule: str
    label: str
    level: RuleLevel
    article: Literal["11", "12"]
    color: Colour
    subject: str
    case_id: int | None
    department: str
    official: str | None
    summary: str
    detail: Any
    raised_at: Instant
    correct_by: Instant | None
    correct_by_provisional: Provisional
    corrected_at: Instant | None
    corrected_by: str | None
    correction: str | None
    turned_red_at: Instant | None
    status: SignalStatus


class SignalQuery(Query):
    color: Colour | None = None
    status: SignalStatus | None = None
    department: str | None = None
    case: int | None = Field(None, le=MAX_ID)
    limit: int | None = Field(None, ge=1, le=MAX_ID, description="at most 1000 are answered (default 200)")


class SignalByHand(Body):
    case: int = Field(description="the case's id: a case of a unit the supervisor oversees")
    article: Literal["11", "12"] = Field(
        description="深府〔2007〕32号 Art. 11 (yellow: corrected within 1 working day) or 12 (red)"
    )
    reason: Text


class Correction(Body):
    correction: Text = Field(description="how the department corrected it")


class RuleAtLevel(BaseModel):
    level: RuleLevel
    level_name: str
    department: str | None
    enabled: bool
    params: dict[str, Any]
    updated_by: str | None
    updated_at: Instant


class ViolationRule(BaseModel):
    rule: str
    article: Literal["11", "12"]
    color: Colour
    label: str
    description: str
    default_params: dict[str, Any]
    levels: list[RuleAtLevel] = Field(description="its configuration at each level")


class RuleQuery(Query):
    department: str | None = Field(None, description="department rows of this department only")


class RuleSetting(Body):
    rule: str
    level: RuleLevel
    enabled: bool
    params: dict[str, Any] | None = Field(None, description='e.g. {"days": 2}; keys as in default_params')
    department: str | None = Field(None, description="a department rule: the department's name")


class RuleConfigured(BaseModel):
    rule: str
    level: RuleLevel
    department: str | None
    enabled: bool
    params: dict[str, Any]


class FeeCharged(Body):
    item: str
    amount: float | str = Field(description="yuan, 2 decimals")


class FeeRecorded(BaseModel):
    id: int
    case: int
    item: str
    amount: str
    recorded_by: str
    recorded_at: Instant
    problem: str | None = Field(description="why the fee is not allowed (a red signal was raised)")


class ResultPublished(BaseModel):
    case: int
    result_published_at: Instant
    outcome: str | None
