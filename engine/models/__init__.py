"""Tables of the engine, one module per concept."""

from . import inbox_order  # noqa: F401  (the triggers of the inbox's order)
from .calendar import CalendarDay, CalendarRevision, CalendarYear
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
from .cockpit import CockpitTally
from .connectors import ConnectorCall, MessageWait
from .definitions import Matter, ProcessDefinition
from .documents import DocumentCounter, IssuedDocument, Licence
from .due_work import DUE_INDEXES
from .evaluation import CaseVisit, Inspection, ManualPoint, ScoringStandard
from .exchange import ExchangeBatch, ExternalCase, ExternalFact
from .feedback import Complaint, Rating
from .file_blobs import FileBlob
from .incidents import Incident, SweepMark
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
    "DUE_INDEXES",
    "TRIGRAM_DDL",
    "TRIGRAM_INDEXES",
    "ApiToken",
    "ApplicantName",
    "CalendarDay",
    "CalendarRevision",
    "CalendarYear",
    "Case",
    "CaseFee",
    "CasePause",
    "CaseReader",
    "CaseVisit",
    "Inspection",
    "ManualPoint",
    "ScoringStandard",
    "CockpitTally",
    "Complaint",
    "ConnectorCall",
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
    "MessageWait",
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
    "SweepMark",
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
