"""Supervision items (督办): the list, one item with its timeline, and the procedure's steps."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...request_guard import MAX_ID
from .common import Body, Instant, Light, Provisional, Query, Text

ItemStatus = Literal["open", "noticed", "responded", "closed"]
Conclusion = Literal["substantiated", "partly_substantiated", "unsubstantiated"]


class SupervisionItem(BaseModel):
    id: int
    kind: str = Field(description="overdue_step, signal, complaint, …")
    department: str
    summary: str | None
    status: ItemStatus
    case_id: int | None
    task_id: str | None
    signal_id: int | None
    complaint_id: int | None
    opened_at: Instant | None
    due_at: Instant | None = Field(description="the investigation's limit: 15 working days, once +10")
    due_provisional: Provisional
    extended_at: Instant | None
    extension_reason: str | None
    extendable: bool
    light: Light
    escalation_level: int
    notice_text: str | None
    notice_by: str | None
    noticed_at: Instant | None
    response: str | None
    responded_by: str | None
    responded_at: Instant | None
    finding: str | None
    conclusion: Conclusion | None = Field(description="属实 / 部分属实 / 不属实")
    finding_by: str | None
    closed_at: Instant | None


class ItemCase(BaseModel):
    id: int
    number: str
    matter: str
    status: str
    light: Light
    visible: bool = Field(description="the caller may open the case")


class ItemSignal(BaseModel):
    id: int
    rule: str
    color: Literal["yellow", "red"]
    article: str
    summary: str
    status: str
    raised_at: Instant | None


class ItemComplaint(BaseModel):
    id: int
    number: str
    subject: str
    status: str


class TimelineEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    seq: int
    event: str
    from_: str | None = Field(alias="from")
    to: str | None
    actor: str | None
    at: Instant | None
    detail: Any
    hash: str


class ItemActions(BaseModel):
    """The steps the caller may take now."""

    notice: bool
    respond: bool
    finding: bool
    extend: bool


class SupervisionItemDetail(SupervisionItem):
    case: ItemCase | None
    signal: ItemSignal | None
    complaint: ItemComplaint | None
    timeline: list[TimelineEntry] = Field(description="the item's trail rows")
    may: ItemActions


class ItemQuery(Query):
    status: ItemStatus | None = None
    light: Light | None = None
    department: str | None = None
    kind: str | None = None
    limit: int | None = Field(None, ge=1, le=MAX_ID, description="default 200")


class ItemText(Body):
    text: Text


class CaseNotice(Body):
    text: Text | None = Field(None, description="the notice; by default it names the case, its light and its limit")


class Extension(Body):
    reason: Text


class Finding(Body):
    text: Text
    conclusion: Conclusion = Field(description="属实 / 部分属实 / 不属实")
