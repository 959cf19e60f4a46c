"""Official documents (文书) and electronic licences (电子证照)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .common import Body, Instant, Text

DocumentKind = Literal[
    "acceptance_notice",
    "supplement_notice",
    "refusal_decision",
    "approval_decision",
    "denial_decision",
    "revocation_decision",
    "cancellation_decision",
]


class DocumentRequest(Body):
    kind: DocumentKind
    reasons: Text | None = Field(None, description="required for refusal and denial decisions")
    items: list[str] | None = Field(None, description="supplement notice: every missing material")
    reissue_reason: Text | None = Field(None, description="required when the case already has a document of this kind")


class IssuedDocument(BaseModel):
    id: int = Field(description="GET /documents/{document_id}/pdf renders it")
    kind: DocumentKind
    title: str
    number: str = Field(description="部门〔年〕第0001号")
    issued_at: Instant


class Licence(BaseModel):
    code: str = Field(description="the verification code")
    matter: str
    department: str
    holder: str = Field(description="the holder's name, masked")
    issued_at: Instant
    number: str | None = Field(description="the licence number (SHENPI_LICENCE_NUMBER_PATTERN)")
    scope: str | None = Field(description="what the licence permits")
    valid_until: str | None = Field(description="the last day it is valid (YYYY-MM-DD); null: permanent")
    permanent: bool
    verification_url: str = Field(description="the public verification page the PDF's QR code points to")
    status: Literal["valid", "revoked"]
    revoked_at: Instant | None
    revoked_reason: str | None


class Revocation(Body):
    reason: Text
