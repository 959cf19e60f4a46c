"""Messages to cases waiting for them (receive tasks, message catch and boundary events)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .common import Body


class MessageBody(Body):
    name: str = Field(max_length=200, description="the bpmn:message's name the case waits for")
    case: str | None = Field(None, max_length=200, description="the case number (or give correlation)")
    correlation: str | None = Field(
        None, max_length=200, description="the correlation value the waiting cases hold (their data's correlation)"
    )
    data: dict[str, Any] | None = Field(None, description="merged into each case's data")


class DeliveredCase(BaseModel):
    id: int
    number: str


class Delivered(BaseModel):
    name: str
    cases: list[DeliveredCase] = Field(description="the cases the message reached; each went on")
