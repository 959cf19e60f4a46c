"""Case materials (申请材料, 补正 and attachments): upload, the list with the service guide's checklist."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import Form, Instant, Upload

MaterialKind = Literal["application", "supplement", "attachment"]


class Material(BaseModel):
    id: int
    case: int
    task: str | None = Field(description="attachment: the step it belongs to")
    slot: str | None = Field(description="the service guide's material this file is for")
    kind: MaterialKind
    filename: str
    media_type: str = Field(description="read from the content")
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: Instant


class MaterialsAdded(BaseModel):
    materials: list[Material]


class ChecklistItem(BaseModel):
    name: str
    required: bool
    form: str | None = Field(description="原件, 复印件, …")
    copies: int | None
    note: str | None
    provided: int = Field(description="how many files were sent for it")
    materials: list[int] = Field(description="their ids")
    pledge_allowed: bool = Field(description="告知承诺制: the catalogue lets a signed pledge stand in for it")
    pledged: bool = Field(description="a signed pledge stands in for it on this case")


class SupplementState(BaseModel):
    pending: bool = Field(description="a supplement notice (补正) waits for the applicant")
    missing: list[str] = Field(description="what the pending notice asks for")


class CaseMaterials(BaseModel):
    case: int
    materials: list[Material]
    checklist: list[ChecklistItem]
    missing_required: list[str]
    supplement: SupplementState


class MaterialsForm(Form):
    files: list[Upload] = Field(
        description="PDF, JPEG, PNG, OFD, DOCX, XLSX or UTF-8 text, recognised by content; the extension must agree"
    )
    slot: list[str] | None = Field(
        None, description="the service guide's material: once for all files or once per file"
    )
    kind: MaterialKind = Field(
        "application",
        description="application (before acceptance), supplement (补正: the "
        "applicant, while a notice is pending) or attachment (an official's open step)",
    )
    task: str | None = Field(None, description="attachment: the open step's task id")
