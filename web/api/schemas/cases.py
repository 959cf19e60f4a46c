"""Cases: starting one, reading it and its trail, terminating it, pausing and resuming its clock."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...request_guard import MAX_ID
from .common import Body, Form, Instant, Light, Query, Text, Upload
from .documents import DocumentKind
from .tasks import Task

PauseKind = Literal["supplement", "hearing", "expert_review", "inspection", "site_survey", "suspension"]
Outcome = Literal["approved", "denied", "refused", "terminated", "completed"]
PublicStatus = Literal[
    "awaiting_acceptance",
    "in_progress",
    "supplement",
    "special_procedure",
    "approved",
    "denied",
    "refused",
    "terminated",
    "completed",
]


class Applicant(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)


class NewCase(Body):
    matter: str = Field(description="the matter's code in the catalogue")
    applicant: Applicant = Field(description="at least a name; other keys are kept with the case")
    data: dict[str, Any] | None = None


class NewCaseForm(Form):
    matter: str
    applicant: str = Field(description="JSON object with at least a name")
    data: str | None = Field(None, description="JSON object")
    files: list[Upload] | None = Field(
        None,
        description="PDF, JPEG, PNG, OFD, DOCX, XLSX or UTF-8 text, recognised by content; the extension must agree",
    )
    slot: list[str] | None = Field(
        None, description="the service guide's material: once for all files or once per file"
    )


class CaseQuery(Query):
    status: str | None = Field(None, description="running or ended")
    light: Light | None = None
    department: str | None = None
    limit: int | None = Field(None, ge=1, le=MAX_ID, description="at most 500 are answered (default 100)")


class CaseSummary(BaseModel):
    id: int
    number: str
    matter: str
    status: Literal["running", "ended"]
    outcome: Outcome | None
    applicant: str | None = Field(description="the applicant's name")
    created_at: Instant
    department: str
    light: Light
    promised_due_at: Instant | None
    statutory_due_at: Instant | None


class CaseClock(BaseModel):
    accepted_at: Instant | None = Field(description="the clock runs from acceptance")
    promised_due_at: Instant | None
    statutory_due_at: Instant | None
    light: Light
    due_today: bool = Field(
        default=False, description="the promised limit falls today (Art. 10's 到期日 signal, 今日到期; not a light)"
    )
    paused: bool
    pause_kind: PauseKind | None
    paused_working_days: float
    provisional: bool = Field(
        description="the limits were counted over days of a year without the State Council's "
        "holiday arrangement (the provisional calendar); counted again when it is "
        "imported"
    )


class ProcessVersion(BaseModel):
    id: int
    key: str
    version: int


class ProgressDocument(BaseModel):
    kind: DocumentKind
    title: str
    number: str
    issued_at: Instant


class ProgressSupplement(BaseModel):
    items: list[str]
    since: Instant | None


class CaseDocument(BaseModel):
    id: int
    kind: DocumentKind
    title: str
    number: str
    issued_at: Instant


class Progress(BaseModel):
    """A case as tracking by number and 查询码 shows it: no lights, officials or materials."""

    number: str
    matter_name: str | None
    department: str
    status: PublicStatus
    ended: bool
    created_at: Instant
    accepted_at: Instant | None
    ended_at: Instant | None
    promised_due_at: Instant | None
    applicant_name: str = Field(description="masked")
    timeline: list[dict[str, Any]] = Field(description="the events the applicant is told, in order")
    documents: list[ProgressDocument]
    supplement: ProgressSupplement | None = Field(description="the pending 补正 request with every item")


class ProgressQuery(Query):
    number: str = Field(min_length=1, max_length=32, description="the case number")
    code: str = Field(min_length=1, max_length=16, description="the 查询码 on the 受理通知书")


class Case(BaseModel):
    id: int
    number: str
    matter: str
    matter_name: str
    department: str
    applicant: dict[str, Any]
    status: Literal["running", "ended"]
    outcome: Outcome | None
    created_at: Instant
    ended_at: Instant | None
    process: ProcessVersion
    clock: CaseClock
    light: Light
    tasks: list[Task] = Field(description="the open steps")
    history: list[Task] = Field(description="the steps no longer open")
    query_code: str | None = Field(
        description="查询码: with the number, anyone follows the case at /portal/track and GET /progress"
    )
    intake_due_at: Instant | None = Field(
        description="by then the window accepts, refuses or sends the 补正 notice, or the case counts as accepted"
    )
    documents: list[CaseDocument] = Field(description="the documents issued, in order (PDF: /documents/{id}/pdf)")


class TrailEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    seq: int
    event: str
    task_id: str | None
    element: str | None
    from_: str | None = Field(alias="from")
    to: str | None
    actor: str | None
    at: Instant
    data_digest: str | None
    detail: Any
    hash: str


class Termination(Body):
    reason: Text


class Pause(Body):
    kind: PauseKind
    reason: Text
    missing: list[str] | None = Field(None, description="补正 (supplement): every missing material, listed at once")


class Resumption(Body):
    note: Text | None = None
