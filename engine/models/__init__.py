"""Tables of the engine, one module per concept."""
from .calendar import CalendarDay, CalendarYear
from .cases import (
    Case,
    CasePause,
    CaseReader,
    PendingTimer,
    TaskRecord,
    WorkflowJournal,
    WorkflowSnapshot,
)
from .definitions import Matter, ProcessDefinition
from .documents import DocumentCounter, IssuedDocument, Licence
from .feedback import Complaint, Rating
from .org import ApiToken, Department, User
from .supervision import Notice, SupervisionItem
from .trail import TrailEntry, TrailHead

__all__ = [
    "ApiToken", "Complaint", "Rating", "DocumentCounter", "IssuedDocument", "Licence", "CalendarDay", "CalendarYear", "Case", "CasePause", "CaseReader", "PendingTimer", "Department", "Matter", "Notice", "SupervisionItem", "ProcessDefinition", "TaskRecord",
    "TrailEntry", "TrailHead", "User", "WorkflowJournal", "WorkflowSnapshot",
]
