"""The composition root: builds the engine — every service, and the one wiring table of what runs on each event.

The web application, the Celery worker, the CLI, the demo and the benchmarks all build the engine here. Services
only store what their constructors are given; the hooks they offer run because ``wiring`` below lists them, in
the order written there.
"""

from __future__ import annotations

import datetime as _dt
import functools
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import models  # noqa: F401  (registers every table for create_all)
from .casefiles import DocumentService, FileStore, MaterialService, PledgeService
from .catalogue import CatalogueBulk, CatalogueService, FormFiles, GuideService
from .cockpit import Cockpit
from .complaints import ComplaintService
from .config import Settings
from .deadlines import CalendarService
from .definitions import Limits, ProcessOverview, RepositoryService, make_script_engine
from .exchange import ExternalCaseService, OutboxService
from .identity import IdentityService
from .incidents import IncidentService, PeriodicJob, PeriodicWork, RunCount
from .kernel import Clock, Database, outbound
from .kernel.clock import clock_from_setting, route_spiff_timers
from .kernel.db import Executor
from .kernel.metrics import NULL_METRICS, Metrics
from .notices import NoticeDeliveries, NotificationSettings, make_gateway
from .notices import triggers as notice_triggers
from .organisation import AccountService, OrganisationService
from .performance import InspectionService, PerformanceService, VisitService
from .public import ApplicantCases, EnquiryService, FeedbackService, HallBoard, PublishedResults, SmsRating
from .runtime import (
    CaseClockService,
    CaseMigration,
    CaseService,
    CaseStepper,
    ConnectorCalls,
    DeadlineRecount,
    Escalator,
    FlowOperations,
    JointSignOff,
    MessageService,
    StepContext,
    StepLights,
    TaskOperations,
    TaskService,
    WorkflowStore,
)
from .runtime.metering import StepMeter
from .runtime.wiring import StepHook, TrailObserver, Transition, Wiring
from .supervision import ReportAccessLog, SupervisionService
from .trail import chain as trail
from .trail.chain import TrailRow
from .trail.checkpoints import TrailCheckpoints
from .violations import CASE_RULES, Violations
from .worklists import CaseFlow, CaseSearch, HistoryService, InboxService

# A timer that starts waiting and falls due before the next sweep is handed to Celery with an ETA after commit.
TimerQueue = Callable[[int, _dt.datetime], None]


class Shenpi:
    """The engine: every service, built and wired once. ``clock`` is this engine's own (the system clock unless
    given); another engine in the same process keeps its own. ``metrics`` is where it reports what it measures
    (nothing unless the process hands in a sink: ``web/metrics.py``)."""

    def __init__(
        self,
        settings: Settings | None = None,
        database: Database | None = None,
        clock: Clock | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.metrics = metrics or NULL_METRICS
        self.db = database or Database(self.settings.database_url)
        self.clock = clock or clock_from_setting(self.settings.clock)
        route_spiff_timers()
        db, now = self.db, self.clock
        # definitions and time
        limits = Limits(
            steps=self.settings.expression_step_limit,
            seconds=self.settings.expression_time_limit,
            data_bytes=self.settings.script_data_max_bytes,
            timer_max_days=self.settings.timer_max_days,
        )
        hosts = outbound.allowed(self.settings.connector_hosts)
        self.repository = RepositoryService(db, now, self.settings.max_upload_bytes, limits.timer_max_days, hosts)
        self.calendars = CalendarService(db, now, self.settings.office_hours)
        self.processes = ProcessOverview(db)
        # runtime
        self.store = WorkflowStore(
            self.repository,
            make_script_engine(self.calendars.timer_functions(limits.timer_max_days), limits),
            self.settings.workflow_cache_size,
        )
        self.stepper = CaseStepper(db, self.store, now, self.calendars.calendar)
        self.case_clock = CaseClockService(db, now, self.calendars, self.stepper, self.settings.intake_limit_days)
        self.recount = DeadlineRecount(db, now, self.calendars, self.stepper)
        self.migration = CaseMigration(db, now, self.calendars, self.stepper)
        self.files = FileStore(db, now, self.settings)  # SHENPI_FILES_URL: a folder, db: or S3
        self.materials = MaterialService(db, now, self.stepper, self.case_clock, self.settings, self.files)
        self.cases = CaseService(
            db, now, self.repository, self.store, self.stepper, self.calendars, self.materials, self.metrics
        )
        self.step_meter = StepMeter(self.metrics)
        self.tasks = TaskService(db, now, self.stepper, self.store, self.repository, self.materials)
        self.task_ops = TaskOperations(db, now)
        self.flow_ops = FlowOperations(db, now, self.stepper)
        self.joint = JointSignOff(db, now, self.stepper)
        self.escalator = Escalator(self.stepper)
        self.messages = MessageService(db, now, self.stepper, self.repository)
        self.connector_calls = ConnectorCalls(
            db,
            now,
            self.stepper,
            self.store,
            self.repository,
            hosts,
            self.settings.connector_timeout_seconds,
            self.settings.connector_retries,
            self.settings.connector_backoff_seconds,
        )
        self.step_lights = StepLights(self.stepper)
        self.documents = DocumentService(db, now, self.settings)
        self.pledges = PledgeService(db, now, self.calendars)  # 告知承诺制
        # people, catalogue, what staff and the public read
        self.identity = IdentityService(db, now)
        self.organisation = OrganisationService(db, now)
        self.accounts = AccountService(db, now, self.identity, self.repository)
        self.catalogue = CatalogueService(db, now, self.repository)
        self.catalogue_bulk = CatalogueBulk(db, now, self.catalogue)
        self.trail_checkpoints = TrailCheckpoints(
            db,
            now,
            self.settings.trail_key.get_secret_value(),
            self.settings.trail_checkpoint_file,
            self.settings.trail_checkpoint_interval_seconds,
        )
        self.history = HistoryService(db, self.trail_checkpoints)
        self.inbox = InboxService(db, now, self.calendars)
        self.case_search = CaseSearch(db, now, self.calendars)
        self.case_flow = CaseFlow(db, self.repository)
        self.guide = GuideService(db, self.repository)
        self.form_files = FormFiles(db, now)  # 表格下载
        self.applicant_cases = ApplicantCases(db, self.repository)
        self.feedback = FeedbackService(db, now, self.calendars)
        self.hall = HallBoard(db, now)
        self.published_results = PublishedResults(db)  # 结果公开
        self.enquiries = EnquiryService(db, now)  # 首问负责
        # notices
        self.sms_gateway = make_gateway(self.settings.sms_gateway)
        self.sms_rating = SmsRating(db, now, self.sms_gateway)
        self.notification_settings = NotificationSettings(db, now)
        self.notice_deliveries = NoticeDeliveries(db, now)
        # supervision
        self.report_access = ReportAccessLog(db, now)
        self.supervision = SupervisionService(db, now, self.calendars)
        self.complaints = ComplaintService(db, now, self.calendars, self.settings.complaint_result_days)
        self.violations = Violations(db, now, self.calendars)
        self.cockpit = Cockpit(db, now, self.report_access, self.calendars)
        self.performance = PerformanceService(db, now, self.report_access, self.calendars)
        self.visits = VisitService(db, now)  # 跑动次数, recorded by the window
        self.inspections = InspectionService(db, now)  # post-approval inspections (Art. 17(4))
        # integrations
        self.external_cases = ExternalCaseService(db, now, self.calendars, self.repository)
        self.outbox = OutboxService(db, now, self.settings)  # upward reporting (integrations/upward)
        # periodic work and its incidents
        self.periodic = PeriodicWork(
            db, now, self.settings.incident_backoff_seconds, self.settings.incident_backoff_cap_seconds
        )
        self.incidents = IncidentService(db, now, self.periodic)
        self.wire()

    def wire(self, timer_queue: TimerQueue | None = None, horizon: _dt.timedelta | None = None) -> Wiring:
        """Install the wiring table; with ``timer_queue``, timers due within ``horizon`` are queued after commit."""
        table = wiring(self, _queue_soon(timer_queue, horizon) if timer_queue else None)
        self.stepper.wiring = table
        self.calendars.after_import = table.imported
        self.documents.revoked = table.revoked
        self.pledges.found_false = table.pledge_false
        trail.observe(self.db.bind, _observe_all(table.trail))
        self.trail_checkpoints.observers = table.checkpoint
        self.periodic.jobs = table.periodic
        return table

    def sweep(self, as_of: _dt.datetime | None = None) -> dict[str, Any]:
        """Every periodic job of the wiring table once, id by id, each in its own transaction (what Celery beat
        runs): due timers fired, due lights re-evaluated, 督办 items escalated, signals turned red, the time-based
        rules judged. An id whose work raises is an incident and the others go on; ``incidents`` counts them. Its
        duration goes to the metrics as ``sweep_seconds``."""
        started = time.perf_counter()
        runs = self.periodic.run_all(as_of or self.clock.now())

        def changed(*kinds: str) -> int:
            return sum(run.changed for kind, run in runs.items() if kind in kinds or kind.split(":")[0] in kinds)

        done = {
            "timers": changed("timers"),
            "deemed_accepted": changed("deemed_accepted"),
            "lights": changed("case_lights"),
            "supervision_items": changed("supervision_items"),
            "complaints": changed("complaints"),
            "complaint_feedback": changed("complaint_feedback"),
            "verifications": changed("verifications"),
            "signals": changed("signals", "rule"),
            "incidents": _incident_counts(runs.values()),
        }
        self.metrics.observe("sweep_seconds", time.perf_counter() - started)
        return done

    def init_db(self, create_tables: bool = True) -> None:
        """Create the tables (unless the schema is managed by migrations) and the trail's head row; idempotent."""
        if create_tables:
            self.db.create_all()
        with self.db.transaction() as session:
            trail.ensure_head(session)
        self.violations.rules.seed()


def wiring(engine: Shenpi, queue_timers: StepHook | None = None) -> Wiring:
    """THE table: what runs on each event, in this order."""
    return Wiring(
        step=(  # every step, before it is written
            engine.case_clock.on_step,  # a first step: 查询码 and intake limit; the acceptance step starts the clock
            engine.documents.on_step,  # an acceptance issues the 受理通知书 with the 查询码
            notice_triggers.on_documents_issued,  # the applicant is told of documents this step issued
            engine.step_lights.on_step,  # a step's timer fired: its warning lights it yellow, its limit red
            engine.escalator.on_step,  # a step's limit timer fired: escalate the open steps
            engine.violations.hooks.on_step,  # withdrawn/changed matter; late forwarding; intake deemed accepted
            engine.connector_calls.on_step,  # service tasks and throws with a connector: the worker calls (after commit)
            engine.messages.on_step,  # receive tasks, message catch and boundary events: what the case waits for
            *((queue_timers,) if queue_timers else ()),  # timers due before the next sweep go to Celery
            engine.step_meter.on_step,  # metrics: completions and case starts (after commit)
        ),
        end=(  # a step that ends the case
            engine.documents.on_end,  # the decision document (准予/不予许可决定书, 不予受理决定书 with reasons)
            engine.documents.licence_on_approval,  # an approval issues the electronic licence
            engine.sms_rating.on_case_end,  # the applicant is invited to rate by SMS (after commit)
            notice_triggers.on_case_end,  # the applicant is told the decision
            engine.violations.hooks.on_end,  # decision late, refusal without reasons
            engine.step_meter.on_end,  # metrics: cases ended, by outcome (after commit)
        ),
        supplement=(  # every 补正 notice on a case, before acceptance as after
            engine.documents.on_supplement_notice,  # its 补正材料通知书 (一次性告知单)
            engine.violations.hooks.on_supplement_notice,  # a later one: repeated supplement notice
        ),
        revoked=(  # a licence revoked without a 撤销/注销 decision on its case
            engine.violations.hooks.on_revocation_without_decision,  # Art. 12: an effective licence changed
        ),
        pledge_false=(  # a pledge found false at its post-approval check (告知承诺制)
            engine.violations.pledge_checks.on_false_pledge,  # Art. 12(五): approved on an unmet condition
        ),
        trail=engine.outbox.trail_observers,  # every trail append: upward-reporting records
        imported=(  # an official calendar arrangement was imported
            engine.recount.run,  # every open provisional limit counted again (a step per case)
        ),
        recount=(  # ... and, in one transaction, those outside cases' steps
            engine.supervision.recount_provisional,  # 督办 investigation limits
            engine.complaints.recount_provisional,  # complaints' acceptance and result limits
            engine.violations.signals.recount_provisional,  # yellow signals' correction limits
        ),
        checkpoint=engine.outbox.checkpoint_observers,  # every signed trail checkpoint: reported upward too
        periodic=periodic_work(engine),  # the sweep: due work id by id, failures become incidents
    )


def periodic_work(engine: Shenpi) -> tuple[PeriodicJob[Any], ...]:
    """The sweep's jobs, in the order they run: each selects its due ids and does one id in its own transaction."""
    clock, supervision = engine.case_clock, engine.supervision
    signals, rules = engine.violations.signals, engine.violations.sweep
    procedures = engine.violations.procedures
    summary = engine.cockpit.summary
    return (
        PeriodicJob("timers", engine.cases.due_timer_cases, engine.cases.fire_case_timers, engine.cases.timer_place),
        PeriodicJob(
            "connector_calls",
            engine.connector_calls.due_calls,
            engine.connector_calls.run_call,
            engine.connector_calls.call_place,
            key=str,
            limit=200,
        ),
        PeriodicJob("deemed_accepted", clock.due_intake, clock.deem_accepted, _case_itself, limit=500),
        PeriodicJob("case_lights", clock.due_case_lights, clock.refresh_case_light, _case_itself, limit=5000),
        PeriodicJob(
            "supervision_items", supervision.due_items, supervision.refresh_item, supervision.item_place, limit=5000
        ),
        PeriodicJob(
            "complaints",
            engine.complaints.due_lights,
            engine.complaints.refresh_light,
            engine.complaints.complaint_place,
            limit=5000,
        ),
        PeriodicJob(
            "complaint_feedback",
            engine.complaints.due_feedback,
            engine.complaints.mark_feedback_overdue,
            engine.complaints.complaint_place,
        ),
        PeriodicJob("signals", signals.overdue_yellow, signals.turn_red, signals.signal_place),
        *(
            PeriodicJob(
                f"rule:{name}",
                functools.partial(rules.due_cases, name),
                functools.partial(rules.check_case, name),
                _case_itself,
                limit=2000,
            )
            for name in CASE_RULES
        ),
        PeriodicJob(
            "rule:special_procedure_overrun",
            procedures.due_overruns,
            procedures.check_overrun,
            procedures.pause_place,
            limit=2000,
        ),
        PeriodicJob(
            "verifications",
            engine.violations.verifications.due_facts,
            engine.violations.verifications.queue_fact,
            engine.violations.verifications.fact_place,
            key=str,
            limit=2000,
        ),
        PeriodicJob(
            "rule:immediate_not_same_day",
            procedures.due_immediate,
            procedures.check_immediate,
            _case_itself,
            limit=2000,
        ),
        PeriodicJob(
            "rule:pledge_check_overdue",
            engine.violations.pledge_checks.due_pledges,
            engine.violations.pledge_checks.check_pledge,
            engine.violations.pledge_checks.pledge_place,
            limit=2000,
        ),
        # last: what the jobs above appended to the summary (signals raised, items opened) is folded in this sweep
        PeriodicJob("cockpit_summary", summary.due_departments, summary.fold, key=str, limit=1000),
    )


def _case_itself(case_id: int) -> tuple[int | None, str | None]:
    return case_id, None


def _incident_counts(runs: Iterable[RunCount]) -> dict[str, int]:
    runs = list(runs)
    return {key: sum(getattr(run, key) for run in runs) for key in ("opened", "failed", "closed", "held")}


def _queue_soon(queue: TimerQueue, horizon: _dt.timedelta | None) -> StepHook:
    ahead = horizon or _dt.timedelta(0)

    def queue_soon(ctx: StepContext, _transitions: list[Transition]) -> None:
        soon = [due for due in ctx.timers if due <= ctx.now + ahead]
        if soon:
            case_id, due = ctx.case.id, min(soon)
            ctx.after_commit.append(lambda: queue(case_id, due))

    return queue_soon


def _observe_all(observers: tuple[TrailObserver, ...]) -> TrailObserver | None:
    if not observers:
        return None
    if len(observers) == 1:
        return observers[0]

    def observe(connection: Executor, rows: list[TrailRow]) -> None:
        for observer in observers:
            observer(connection, rows)

    return observe
