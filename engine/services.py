"""The engine's entry point: one object holding the repository, runtime, task and history services."""
from __future__ import annotations

from . import clock as clock_module
from . import trail
from .accounts import AccountService
from .applicant_cases import ApplicantCases
from .calendar_service import CalendarService
from .case_clock import CaseClockService
from .case_flow import CaseFlow
from .case_search import CaseSearch
from .case_step import CaseStepper
from .catalogue import CatalogueService
from .config import Settings
from .db import Database
from .documents import DocumentService
from .escalation import Escalator
from .expressions import make_script_engine
from .external_cases import ExternalCaseService
from .feedback import FeedbackService
from .fees import FeeService
from .flow_ops import FlowOperations, JointSignOff
from .guide import GuideService
from .hall import HallBoard
from .history import HistoryService
from .identity import IdentityService
from .inbox import InboxService
from .materials import MaterialService
from .organisation import OrganisationService
from .report_access import ReportAccessLog
from .repository import RepositoryService
from .rule_config import RuleConfigService
from .runtime import CaseService
from .signal_hooks import SignalHooks
from .signal_sweep import SignalSweep
from .signals import SignalService
from .task_ops import TaskOperations
from .tasks import TaskService
from .workflow_store import WorkflowStore


class Shenpi:
    def __init__(self, settings: Settings | None = None, database: Database | None = None, clock=None):
        self.settings = settings or Settings()
        self.db = database or Database(self.settings.database_url)
        self.clock = clock_module.install(clock) if clock is not None else clock_module.current()
        self.repository = RepositoryService(self.db, self.clock, self.settings.max_upload_bytes)
        self.calendar = CalendarService(self.db, self.clock, self.settings.office_hours)
        self.store = WorkflowStore(self.repository, make_script_engine(self.calendar.timer_functions()),
                                   self.settings.workflow_cache_size)
        self.stepper = CaseStepper(self.db, self.store, self.clock, self.calendar.calendar)
        self.identity = IdentityService(self.db, self.clock)
        self.catalogue = CatalogueService(self.db, self.clock, self.repository)
        self.organisation = OrganisationService(self.db, self.clock)
        self.accounts = AccountService(self.db, self.clock, self.identity, self.repository)
        self.case_clock = CaseClockService(self.db, self.clock, self.calendar, self.stepper)
        self.materials = MaterialService(self.db, self.clock, self.stepper, self.case_clock, self.settings)
        self.runtime = CaseService(self.db, self.clock, self.repository, self.store, self.stepper, self.calendar,
                                   self.materials)
        self.tasks = TaskService(self.db, self.clock, self.stepper, self.materials)
        self.task_ops = TaskOperations(self.db, self.clock)
        self.flow_ops = FlowOperations(self.db, self.clock, self.stepper)
        self.joint = JointSignOff(self.db, self.clock, self.stepper)
        self.history = HistoryService(self.db)
        self.escalator = Escalator(self.stepper)
        self.documents = DocumentService(self.db, self.clock, self.stepper)
        self.inbox = InboxService(self.db, self.clock, self.calendar)
        self.case_search = CaseSearch(self.db)
        self.case_flow = CaseFlow(self.db, self.repository)
        self.guide = GuideService(self.db, self.repository)
        self.applicant_cases = ApplicantCases(self.db)
        self.feedback = FeedbackService(self.db, self.clock)
        self.hall = HallBoard(self.db, self.clock)
        self.external_cases = ExternalCaseService(self.db, self.clock, self.calendar, self.repository)
        self.report_access = ReportAccessLog(self.db, self.clock)
        self.violations = Violations(self)

    def sweep(self, as_of=None) -> dict:
        """Fire due timers and re-evaluate due lights: what Celery beat runs periodically."""
        return {"timers": self.runtime.fire_due_timers(as_of), "lights": self.case_clock.refresh_lights(as_of),
                "signals": self.violations.sweep.sweep(as_of)}

    def init_db(self, create_tables: bool = True) -> None:
        """Create the tables (unless the schema is managed by migrations) and the trail's head row; idempotent."""
        if create_tables:
            self.db.create_all()
        with self.db.transaction() as session:
            trail.ensure_head(session)
        self.violations.rules.seed()


class Violations:
    """Violation rules and correction signals: configuration per level, the signals, the hooks, the sweep."""

    def __init__(self, shenpi: Shenpi):
        self.rules = RuleConfigService(shenpi.db, shenpi.clock)
        self.signals = SignalService(shenpi.db, shenpi.clock, shenpi.calendar)
        self.fees = FeeService(shenpi.db, shenpi.clock, shenpi.calendar)
        self.hooks = SignalHooks(shenpi.calendar, shenpi.stepper, shenpi.case_clock)
        self.sweep = SignalSweep(shenpi.db, shenpi.clock, shenpi.calendar, self.signals)
