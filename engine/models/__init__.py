"""Tables of the engine, one module per concept."""
from .calendar import CalendarDay, CalendarYear
from .cases import (
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
from .matter_versions import MatterVersion
from .documents import DocumentCounter, IssuedDocument, Licence
from .exchange import ExchangeBatch, ExternalCase, ExternalFact
from .feedback import Complaint, Rating
from .materials import Material
from .org import ApiToken, Department, User
from .supervision import Notice, ReportAccess, Signal, SupervisionItem, ViolationRule
from .trail import TrailEntry, TrailHead

__all__ = [
    "ApiToken", "ExchangeBatch", "ExternalCase", "ExternalFact", "Complaint", "Rating", "DocumentCounter", "IssuedDocument", "Licence", "Material", "CalendarDay", "CalendarYear", "Case", "CaseFee", "CasePause", "CaseReader", "PendingTimer", "Department", "Matter", "MatterVersion", "Notice", "ReportAccess", "Signal", "SupervisionItem", "ViolationRule", "ProcessDefinition", "TaskRecord",
    "TrailEntry", "TrailHead", "User", "WorkflowJournal", "WorkflowSnapshot",
]
