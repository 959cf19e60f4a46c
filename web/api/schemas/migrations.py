"""Moving running cases to another version of their process (``POST /migrations``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Body, Instant

CaseId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="a deployed version of the process")]
ElementId = Annotated[str, Field(min_length=1, max_length=255)]


class MigrationRequest(Body):
    process: str = Field(min_length=1, max_length=100, description="the process key (the BPMN process id)")
    from_version: Version
    to_version: Version
    cases: list[CaseId] | None = Field(None, max_length=1000, description="the case ids to move")
    all: bool = Field(False, description="every case running on from_version (instead of cases)")
    mapping: dict[ElementId, ElementId] = Field(
        default_factory=dict,
        max_length=500,
        description="old element id → new element id, for elements whose id the new version does not have",
    )
    dry_run: bool = Field(False, description="report per case what would happen, changing nothing")


class _Aliased(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class MigratedStep(_Aliased):
    task: str = Field(description="the task id (kept)")
    from_: str = Field(alias="from", description="the element the step was at")
    from_name: str = Field(description="that element's name")
    to: str = Field(description="the element of the new version it is at")
    name: str = Field(description="its name in the new version")
    department: str
    due_from: Instant | None = Field(description="the step's limit before")
    due_to: Instant | None = Field(description="the step's limit on the new version")


class MigratedTimer(_Aliased):
    element: str | None
    from_: Instant | None = Field(alias="from", description="when it fired before (none: new in this version)")
    to: Instant | None = Field(description="when it fires now (none: the new version has no such timer)")
    change: Literal["added", "removed", "recounted", "kept"]


class ReleasedClaim(BaseModel):
    task: str
    assignee: str = Field(description="who had claimed it: the step moved to another department")
    department: str


class MigratedCase(BaseModel):
    case: int
    number: str | None
    status: Literal["migrated", "would_migrate", "refused"]
    steps: list[MigratedStep] = []
    timers: list[MigratedTimer] = []
    claims_released: list[ReleasedClaim] = []
    waits_carried_over: dict[str, int] = Field(
        default_factory=dict,
        description="waits outside a step carried over at the same element: connector_calls, message_waits",
    )
    mapping_used: dict[str, str] = Field(default_factory=dict, description="old → new element of what moved")
    reason: str | None = Field(None, description="why the case was refused")
    params: dict[str, Any] | None = None
    message: str | None = Field(None, description="the refusal in the language of Accept-Language")


class MigrationResult(BaseModel):
    process: str
    from_version: int
    to_version: int
    dry_run: bool
    mapping: dict[str, str]
    cases: list[MigratedCase]
    migrated: int = Field(description="cases moved (or, in a dry run, that would move)")
    refused: int
