"""The verification queue (核实, 深府〔2007〕32号 Art. 9): the acts supervisors verify and their findings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ...request_guard import MAX_ID
from .common import Body, Instant, Query, Text

VerificationKind = Literal["refusal", "denial", "supplement", "appeal", "revocation"]
VerificationStatus = Literal["open", "closed"]


class Verification(BaseModel):
    id: int
    kind: VerificationKind = Field(
        description="不予受理 refusal, 不予许可 denial, 补正 supplement, 复议/诉讼 appeal, 撤销 revocation"
    )
    kind_label: str
    case_id: int | None
    case_number: str | None
    department: str
    summary: str
    occurred_at: Instant
    queued_at: Instant
    queued_by: str = Field(description="engine when the sweep queued it")
    status: VerificationStatus
    finding: str | None
    conclusion: Literal["compliant", "violation"] | None
    signal_id: int | None = Field(description="the Art. 11(1) / 12(4) signal a violation finding raised")
    closed_by: str | None
    closed_at: Instant | None


class VerificationQuery(Query):
    status: VerificationStatus | None = None
    kind: VerificationKind | None = None
    limit: int | None = Field(None, ge=1, le=MAX_ID, description="at most 1000 are answered (default 200)")


class VerificationFinding(Body):
    finding: Text
    conclusion: Literal["compliant", "violation"]


class Appeal(Body):
    appeal: Literal["reconsideration", "litigation"] = Field(description="行政复议 or 行政诉讼")
    note: Text
