"""Tasks (steps of a case): the inbox, a step with its form, and what officials do with a step."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ...request_guard import MAX_ID
from .common import Body, Form, Instant, Light, Query, Text, Upload

TaskState = Literal["open", "completed", "cancelled", "withdrawn", "skipped"]


class Task(BaseModel):
    id: str = Field(description="the task id (a UUID)")
    case: int
    element: str = Field(description="the BPMN element of the step")
    name: str
    lane: str | None
    department: str
    post: str | None
    assignee: str | None
    state: TaskState
    created_at: Instant
    due_at: Instant | None = Field(description="the step's latest timer")
    due_provisional: bool = Field(description="due_at was counted on the provisional calendar")
    light: Light
    escalation_level: int
    owner: str | None = Field(description="委派: the official who delegated the task and gets it back")
    completed_at: Instant | None
    completed_by: str | None
    opinion: str | None


class FormOption(BaseModel):
    value: str
    label: str


class FormField(BaseModel):
    id: str = Field(description="the key in `data` (and in the case data)")
    label: str
    type: Literal["string", "long", "boolean", "date", "enum", "users"] = Field(
        description="`date`: ISO day, stored as a string; `users`: a list of account ids"
    )
    required: bool
    readonly: bool
    options: list[FormOption]
    min: int | str | None
    max: int | str | None
    minlength: int | None
    maxlength: int | None
    default: Any


class StepForm(BaseModel):
    fields: list[FormField]
    values: dict[str, Any] = Field(description="the case's current values of the fields")


class TaskWithForm(Task):
    form: StepForm | None = Field(description="the step's form (null when it has none)")


class OpenedTask(BaseModel):
    id: str
    element: str
    name: str


class CompletedTask(Task):
    next_tasks: list[OpenedTask] = Field(description="the steps the completion opened")


class Withdrawal(BaseModel):
    case: int
    task: str = Field(description="the withdrawn step, open again")
    state: Literal["open"]


class FlowMove(BaseModel):
    """Where a return (退回) or a jump (跳转) took the case."""

    case: int
    returned_to: str | None = Field(None, description="the earlier step, open again")
    jumped_to: str | None = Field(None, description="a jump forward: the step now open")
    skipped: list[str] | None = Field(None, description="a jump forward: the steps passed over")


class Signers(BaseModel):
    case: int
    signers: list[str]


class TaskQuery(Query):
    case: int | None = Field(None, ge=1, le=MAX_ID)
    assignee: str | None = None
    lane: str | None = None
    department: str | None = None
    state: str = Field("open", description="open, completed, cancelled, withdrawn or skipped")
    limit: int | None = Field(None, ge=1, le=MAX_ID, description="at most 1000 are answered (default 200)")


class Completion(Body):
    data: dict[str, Any] | None = Field(
        None,
        description="a step with a form takes only its fields (a `users` field "
        'also as `<id>_from_post: "部门/岗位"`); invalid data → 400 with `fields`',
    )
    opinion: Text | None = None


class CompletionForm(Form):
    data: str | None = Field(None, description="JSON object, as `data` of the JSON body")
    opinion: str | None = None
    files: list[Upload] | None = Field(None, description="the official's attachments")
    slot: list[str] | None = None


class Handover(Body):
    to: str = Field(description="the official's account id")
    reason: Text | None = Field(None, description="required to transfer (转办)")


class GiveBack(Body):
    opinion: Text | None = None


class Urge(Body):
    message: Text | None = None


class CarbonCopy(Body):
    recipients: list[str] = Field(min_length=1, description="account ids")
    note: Text | None = None


class Reason(Body):
    reason: Text


class Return(Body):
    reason: Text
    target: str | None = Field(None, description="the element id of an earlier (or, jumping, a later) step")


class AddSigner(Body):
    signer: str = Field(description="the account id of the new signer")
    reason: Text
