"""The engine's entry point: one object holding the repository, runtime, task and history services."""
from __future__ import annotations

from . import models  # noqa: F401  (registers every table for create_all)
from .kernel import clock as clock_module
from .notices import triggers as notice_triggers
from .trail import chain as trail
from .organisation.accounts import AccountService
from .public.applicant_cases import ApplicantCases
from .deadlines.calendar_service import CalendarService
from .runtime.case_clock import CaseClockService
from .worklists.case_flow import CaseFlow
from .worklists.case_search import CaseSearch
from .runtime.stepper import CaseStepper
from .catalogue.service import CatalogueService
from .complaints.service import ComplaintService
from .catalogue.bulk import CatalogueBulk
from .cockpit.service import Cockpit
from .config import Settings
from .kernel.db import Database
from .casefiles.documents import DocumentService
from .runtime.escalation import Escalator
from .definitions.expressions import make_script_engine
from .exchange.external_cases import ExternalCaseService
from .public.feedback import FeedbackService
from .runtime.flow_ops import FlowOperations, JointSignOff
from .catalogue.guide import GuideService
from .public.hall import HallBoard
from .worklists.history import HistoryService
from .identity.actors import IdentityService
from .worklists.inbox import InboxService
from .casefiles.materials import MaterialService
from .notices.delivery import NoticeDeliveries
from .notices.channels import NotificationSettings
from .organisation.service import OrganisationService
from .performance import PerformanceService
from .exchange.outbox import OutboxService
from .supervision.report_access import ReportAccessLog
from .definitions.repository import RepositoryService
from .notices.sms import make_gateway
from .public.sms_rating import SmsRating
from .runtime.case_service import CaseService
from .supervision.service import SupervisionService
from .runtime.task_ops import TaskOperations
from .runtime.task_service import TaskService
from .violations.service import Violations
from .runtime.workflow_store import WorkflowStore


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
        self.catalogue_bulk = CatalogueBulk(self.db, self.clock, self.catalogue)
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
        self.feedback = FeedbackService(self.db, self.clock, self.calendar)
        self.complaints = ComplaintService(self.db, self.clock, self.calendar, self.settings.complaint_result_days)
        self.sms_gateway = make_gateway(self.settings.sms_gateway)
        self.sms_rating = SmsRating(self.db, self.clock, self.stepper, self.sms_gateway)
        self.hall = HallBoard(self.db, self.clock)
        self.external_cases = ExternalCaseService(self.db, self.clock, self.calendar, self.repository)
        self.report_access = ReportAccessLog(self.db, self.clock)
        self.notification_settings = NotificationSettings(self.db, self.clock)
        self.notice_deliveries = NoticeDeliveries(self.db, self.clock)
        self.stepper.end_hooks.append(notice_triggers.on_case_end)
        self.supervision = SupervisionService(self.db, self.clock, self.calendar)
        self.cockpit = Cockpit(self.db, self.clock, self.report_access)
        self.violations = Violations(self)
        self.performance = PerformanceService(self.db, self.clock, self.report_access)
        self.outbox = OutboxService(self.db, self.clock, self.settings)   # upward reporting (integrations/upward)

    def sweep(self, as_of=None) -> dict:
        """Fire due timers and re-evaluate due lights: what Celery beat runs periodically."""
        return {"timers": self.runtime.fire_due_timers(as_of), "lights": self.case_clock.refresh_lights(as_of),
                "supervision_items": self.supervision.sweep(as_of),
                "complaints": self.complaints.sweep(as_of),
                "signals": self.violations.sweep.sweep(as_of)}

    def init_db(self, create_tables: bool = True) -> None:
        """Create the tables (unless the schema is managed by migrations) and the trail's head row; idempotent."""
        if create_tables:
            self.db.create_all()
        with self.db.transaction() as session:
            trail.ensure_head(session)
        self.violations.rules.seed()
