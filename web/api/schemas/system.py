"""The service itself: health, the SMS provider's callback, this document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .common import Body, Form


class Health(BaseModel):
    status: str = Field(description="ok")
    database: str = Field(description="sqlite or postgresql")


class SmsReply(Body):
    phone: str
    text: str = Field(description="评价 <办件编号> <1-5> [意见]")


class SmsReplyForm(Form):
    phone: str
    text: str


class SmsRated(BaseModel):
    ok: bool
    case_number: str
    overall: int
    reply: str = Field(description="the text sent back to the applicant")


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow")
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]
