"""The catalogue of matters (事项): published matters, deployed process definitions, the catalogue as a file."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Form, Instant, Query, Upload


class Matter(BaseModel):
    code: str
    key: str
    name: str
    department: str
    type: str = Field(description="行政许可, 公共服务, …")
    statutory_limit_days: int
    promised_limit_days: int
    star_level: int
    handling: str = Field(description="即办件, 承诺件, 上报件 or 联办件")
    process_key: str


class GuideMaterial(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    form: str | None = None
    copies: int | None = None
    required: bool | None = None
    note: str | None = None
    pledge: bool | None = Field(None, description="告知承诺制: a signed pledge may stand in for it")


class GuideFee(BaseModel):
    model_config = ConfigDict(extra="allow")
    item: str
    standard: str | None = None
    basis: str | None = None


class GuideEntry(BaseModel):
    """A matter's service guide as the catalogue keeps it (docs/catalogue-schema.json)."""

    model_config = ConfigDict(extra="allow")
    legal_basis: list[str] | None = None
    conditions: list[str] | None = None
    materials: list[GuideMaterial] | None = None
    fees: list[GuideFee] | None = None
    summary: str | None = None
    online_depth: int | None = None
    inspection_days: int | None = Field(
        None, description="批后监督检查期限: calendar days after an approval for one inspection (none: no duty)"
    )
    pledge_check_days: int | None = Field(None, description="承诺核查期限: working days to check a pledge (none: 20)")
    free: bool | None = None
    process_file: str | None = None


class MatterGuide(GuideEntry, Matter):
    """A published matter with its service guide."""


class CatalogueMatter(GuideEntry):
    code: str
    key: str
    name: str
    department: str
    type: str
    statutory_limit_days: int
    promised_limit_days: int
    handling: str
    star_level: int


class CatalogueFile(BaseModel):
    """The catalogue as JSON (docs/catalogue-schema.json)."""

    model_config = ConfigDict(extra="allow")
    format: Literal["shenpi-catalogue"]
    version: int
    exported_at: Instant
    department: str | None
    matters: list[CatalogueMatter]


class CatalogueExportQuery(Query):
    format: Literal["json", "xlsx"] = "json"
    department: str | None = Field(None, description="only this department's matters")


class ImportedMatter(BaseModel):
    code: str
    name: str
    version: int | None = Field(description="the new version; null when unchanged")


class ImportedMatters(BaseModel):
    new: list[ImportedMatter]
    changed: list[ImportedMatter]
    unchanged: list[ImportedMatter]


class CatalogueImport(BaseModel):
    new: int
    changed: int
    unchanged: int
    matters: ImportedMatters
    sha256: str | None
    format: Literal["json", "xlsx"]
    filename: str | None


class FileForm(Form):
    file: Upload


class DefinitionForm(Form):
    file: Upload
    note: str | None = Field(None, max_length=500, description="what this version changes (shown on the versions page)")


class Definition(BaseModel):
    id: int
    key: str = Field(description="the BPMN process id")
    version: int
    name: str | None
    content_hash: str
    deployed_at: Instant
    change_note: str | None = Field(None, description="the administrator's note on what this version changes")
    created: bool = Field(description="false: the same file was already deployed as this version")


class DefinitionQuery(Query):
    key: str | None = None
