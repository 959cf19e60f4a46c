"""Published results (结果公开), enquiries (首问负责), pledges in place of materials (告知承诺制) and the form files
of a matter (表格下载)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import Body, Form, Instant, Query, Text, Upload

Page = Field(None, ge=1, le=1_000_000)
PerPage = Field(None, ge=1, le=100, description="default 20")


class ResultsQuery(Query):
    matter: str | None = Field(None, max_length=64, description="a matter's code")
    department: str | None = Field(None, max_length=200)
    month: str | None = Field(None, max_length=7, description="the month of the decision, YYYY-MM (Beijing time)")
    page: int | None = Page
    per_page: int | None = PerPage


class PublishedResult(BaseModel):
    number: str
    matter: str
    matter_name: str
    department: str
    applicant: str = Field(description="masked: 张**, 郑州****公司")
    outcome: str = Field(description="the public status: approved, denied, refused, terminated, completed")
    received_on: str = Field(description="YYYY-MM-DD (Beijing)")
    decided_on: str | None = Field(description="YYYY-MM-DD (Beijing)")
    published_at: Instant | None


class ResultOptions(BaseModel):
    matters: list[dict[str, str]]
    departments: list[str]
    months: list[str]


class PublishedResultsPage(BaseModel):
    items: list[PublishedResult]
    total: int
    page: int
    per_page: int
    pages: int
    filters: dict[str, str | None]
    options: ResultOptions


class NewEnquiry(Body):
    applicant: str = Field(min_length=1, max_length=100, description="who asked")
    contact: str | None = Field(None, max_length=50)
    matter: str | None = Field(None, max_length=64, description="the matter asked about, when there is one")
    question: Text
    answer: Text = Field(description="the answer given")
    referred_to: str | None = Field(None, max_length=200, description="the department the applicant was referred to")


class Enquiry(BaseModel):
    id: int
    department: str
    official: str = Field(description="the first official asked (首问责任人)")
    official_name: str
    applicant: str
    contact: str | None
    matter: str | None
    question: str
    answer: str
    referred_to: str | None
    asked_at: Instant


class EnquiryQuery(Query):
    department: str | None = Field(None, max_length=200)
    page: int | None = Page
    per_page: int | None = PerPage


class EnquiryPage(BaseModel):
    items: list[Enquiry]
    total: int
    page: int
    per_page: int
    pages: int
    filters: dict[str, str | None]


class NewPledges(Body):
    materials: list[str] = Field(min_length=1, max_length=50, description="the listed materials the pledge replaces")


class Pledge(BaseModel):
    id: int
    case: int
    material: str
    statement: str
    signed_by: str
    signed_at: Instant
    checked_at: Instant | None
    checked_by: str | None
    held: bool | None = Field(description="the post-approval check: the pledge held (true) or not (false)")
    finding: str | None


class PendingCheck(Pledge):
    number: str
    department: str
    matter: str
    check_due_at: Instant | None
    overdue: bool


class PendingCheckQuery(Query):
    page: int | None = Page
    per_page: int | None = PerPage


class PendingCheckPage(BaseModel):
    items: list[PendingCheck]
    total: int
    page: int
    per_page: int
    pages: int


class PledgeCheck(Body):
    held: bool = Field(description="whether the pledge held")
    finding: Text


class FormFile(BaseModel):
    id: int
    matter: str
    kind: Literal["template", "sample"] = Field(description="申请表格 or 示范文本")
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: Instant


class FormFileUpload(Form):
    kind: Literal["template", "sample"]
    title: str = Field(max_length=200)
    file: Upload
