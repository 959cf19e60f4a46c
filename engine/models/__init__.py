"""Tables of the engine, one module per concept."""

from .calendar import CalendarDay, CalendarYear
from .cases import Case, CaseFee, CasePause, CaseReader, PendingTimer, TaskRecord, WorkflowJournal, WorkflowSnapshot
from .definitions import Matter, ProcessDefinition
from .documents import DocumentCounter, IssuedDocument, Licence
from .exchange import ExchangeBatch, ExternalCase, ExternalFact
from .feedback import Complaint, Rating
from .materials import DraftFile, Material
from .matter_versions import MatterVersion
from .notifications import NoticeDelivery, NotificationChannel
from .org import ApiToken, Department, User
from .outbox import OutboxMessage
from .performance import PerformanceSetting, PerformanceSnapshot
from .supervision import Notice, ReportAccess, Signal, SupervisionItem, ViolationRule
from .trail import TrailCheckpoint, TrailEntry, TrailHead

__all__ = [
    "ApiToken",
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
    "IssuedDocument",
    "Licence",
    "DraftFile",
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
    "ViolationRule",
    "WorkflowJournal",
    "WorkflowSnapshot",
]
