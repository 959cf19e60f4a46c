"""Tables of the engine, one module per concept."""

from .calendar import CalendarDay, CalendarYear
from .cases import (
    TRIGRAM_DDL,
    TRIGRAM_INDEXES,
    ApplicantName,
    Case,
    CaseFee,
    CasePause,
    CaseReader,
    PendingTimer,
    TaskRecord,
    WorkflowJournal,
    WorkflowSnapshot,
)
from .definitions import Matter, ProcessDefinition
from .documents import DocumentCounter, IssuedDocument, Licence
from .exchange import ExchangeBatch, ExternalCase, ExternalFact
from .feedback import Complaint, Rating
from .file_blobs import FileBlob
from .incidents import Incident
from .materials import DraftFile, Material
from .matter_versions import MatterVersion
from .notifications import NoticeDelivery, NotificationChannel
from .org import ApiToken, Department, User
from .outbox import OutboxMessage
from .performance import PerformanceSetting, PerformanceSnapshot
from .service_desk import Enquiry, MaterialPledge, MatterFormFile
from .supervision import Notice, ReportAccess, Signal, SupervisionItem, Verification, ViolationRule
from .trail import TrailCheckpoint, TrailEntry, TrailHead

__all__ = [
    "TRIGRAM_DDL",
    "TRIGRAM_INDEXES",
    "ApiToken",
    "ApplicantName",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseFee",
    "CasePause",
    "CaseReader",
    "Complaint",
    "Department",
    "DocumentCounter",
    "ExchangeBatch",
    "ExternalCase",
    "ExternalFact",
    "Incident",
    "FileBlob",
    "IssuedDocument",
    "Licence",
    "DraftFile",
    "Enquiry",
    "MaterialPledge",
    "MatterFormFile",
    "Material",
    "Matter",
    "MatterVersion",
    "Notice",
    "NoticeDelivery",
    "NotificationChannel",
    "OutboxMessage",
    "PendingTimer",
    "PerformanceSetting",
    "PerformanceSnapshot",
    "ProcessDefinition",
    "Rating",
    "ReportAccess",
    "Signal",
    "SupervisionItem",
    "TaskRecord",
    "TrailCheckpoint",
    "TrailEntry",
    "TrailHead",
    "User",
    "Verification",
    "ViolationRule",
    "WorkflowJournal",
    "WorkflowSnapshot",
]
