"""Repository service: validate and deploy BPMN versions, cache parsed specs.

A version is identified by the SHA-256 of its file: deploying the same bytes
again returns the existing version. Running cases keep the version they started on unless they are migrated
(``runtime/migration.py``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound, ProcessValidationError, TooLarge
from ..kernel import outbound
from ..kernel.clock import Clock
from ..kernel.db import Database
from ..models import ProcessDefinition
from ..trail import chain as trail
from . import bpmn_validation
from .connectors import Connector
from .forms import Form
from .step_settings import StepSettings


@dataclass(frozen=True)
class ParsedProcess:
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    lanes: tuple[str, ...]
    has_timers: bool = False
    forms: dict[str, Form] = field(default_factory=dict)  # user task element id -> its form, parsed once per file
    outcomes: dict[str, str] = field(default_factory=dict)  # end event id -> the outcome it decides
    steps: StepSettings = StepSettings()  # limit timers, escalation actions per step
    connectors: dict[str, Connector] = field(default_factory=dict)  # element id -> what it calls
    messages: dict[str, str] = field(default_factory=dict)  # element id -> the message it waits for


MAX_NOTE = 500  # characters of a deploy's change note

# Parsed specs by content hash: the same bytes are parsed once per process, whatever the database.
_parsed_by_hash: dict[str, ParsedProcess] = {}


def parse_spec(
    content: bytes, filename: str = "process.bpmn", timers: bpmn_validation.TimerBounds | None = None
) -> tuple[bpmn_validation.CheckedDocument, ParsedProcess]:
    """Validate and parse; every failure becomes a ProcessValidationError naming element and line. ``timers``: the
    bounds of timer values on deploy (none when a deployed version is read back)."""
    checked = bpmn_validation.check(content, timers)
    return checked, build_spec(checked, filename)


def called_keys(checked: bpmn_validation.CheckedDocument) -> dict[str, str]:
    """The processes the file's call activities call that it does not hold itself: key -> the first call activity."""
    root = checked.tree.getroot()
    own = {p.get("id") for p in root.iter(f"{{{bpmn_validation.BPMN_NS}}}process")}
    called: dict[str, str] = {}
    for activity in root.iter(f"{{{bpmn_validation.BPMN_NS}}}callActivity"):
        key = (activity.get("calledElement") or "").strip()
        if key and key not in own:
            called.setdefault(key, activity.get("id") or "")
    return called


def build_spec(
    checked: bpmn_validation.CheckedDocument, filename: str, called: Sequence[tuple[str, str]] = ()
) -> ParsedProcess:
    """The parsed process; ``called``: (key, xml) of the deployed processes its call activities call."""
    parser = BpmnParser()
    try:
        parser.add_bpmn_xml(checked.tree, filename)
        for key, xml in called:
            parser.add_bpmn_xml(bpmn_validation.parse_safely(xml.encode("utf-8")), f"{key}.bpmn")
        spec = parser.get_spec(checked.process_id)
        subprocess_specs = parser.get_subprocess_specs(checked.process_id)
    except ValidationException as exc:
        element = getattr(exc, "id", None) or None
        line = bpmn_validation.line_of(checked.tree, element) or (exc.line_number or None)
        raise ProcessValidationError("process_invalid", element=element, line=line, detail=str(exc)) from None
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError) as exc:
        element = getattr(exc, "id", None) or getattr(getattr(exc, "task_spec", None), "bpmn_id", None)
        raise ProcessValidationError(
            "process_cannot_be_built",
            element=element,
            line=bpmn_validation.line_of(checked.tree, element),
            detail=str(exc),
        ) from None
    _connect_multi_instance_merges(spec, subprocess_specs)
    all_specs = list(spec.task_specs.values()) + [
        ts for sub in subprocess_specs.values() for ts in sub.task_specs.values()
    ]
    lanes = tuple(sorted({ts.lane for ts in all_specs if getattr(ts, "lane", None)}))
    has_timers = any(isinstance(getattr(ts, "event_definition", None), TimerEventDefinition) for ts in all_specs)
    return ParsedProcess(
        spec,
        subprocess_specs,
        lanes,
        has_timers,
        checked.forms,
        checked.outcomes,
        checked.steps,
        checked.connectors,
        checked.messages,
    )


def _connect_multi_instance_merges(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> None:
    """SpiffWorkflow connects a multi-instance child's completion to the collection merge only when it creates the
    child; a workflow restored in another process would never fill its output collection. Connect them once here."""
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, MultiInstanceTask):
                child = process.task_specs[task_spec.task_spec]
                if not child.completed_event.is_connected(task_spec.merge_child):
                    child.completed_event.connect(task_spec.merge_child)


def _cache_key(content_hash: str, called: Sequence[tuple[str, str, str]]) -> str:
    """A parsed spec's key: its file's hash, and those of the processes it calls."""
    return ":".join([content_hash, *(digest for _, _, digest in called)])


class RepositoryService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        max_upload_bytes: int = 2 * 1024 * 1024,
        timer_max_days: int = 3660,
        connector_hosts: outbound.Hosts = frozenset(),
    ) -> None:
        self.connector_hosts = connector_hosts  # the hosts a deployed connector may name
        self.db = db
        self.clock = clock
        self.max_upload_bytes = max_upload_bytes
        self.timer_max_days = timer_max_days
        self._hash_of: dict[int, str] = {}
        self._lock = threading.Lock()

    def _check_size(self, content: bytes) -> None:
        if len(content) > self.max_upload_bytes:
            raise TooLarge("upload_too_large", limit=self.max_upload_bytes)

    def validate(self, content: bytes, filename: str = "process.bpmn") -> list[dict[str, Any]]:
        """Every problem that would stop ``deploy`` ([{element, message, line}]; empty when it would deploy),
        without deploying. The engine's own build runs only once the file passes the static checks."""
        return self.review(content, filename)["problems"]

    def review(self, content: bytes, filename: str = "process.bpmn") -> dict[str, list[dict[str, Any]]]:
        """``validate``'s problems, and the warnings of a file that deploys all the same ({problems, warnings},
        each [{element, message, line}]): a user task in no lane, a process whose end events decide nothing."""
        self._check_size(content)
        checked, problems = bpmn_validation.examine(content, timers=self._timer_bounds())
        warnings = checked.warnings if checked is not None else []
        if checked is not None and not problems:
            try:
                content.decode("utf-8")
                with self.db.reading() as session:
                    called = self._callees(session, checked, None)
                build_spec(checked, filename, [(key, xml) for key, xml, _ in called])  # not cached: many drafts
            except UnicodeDecodeError:
                problems = [ProcessValidationError("file_not_utf8", line=1)]
            except ProcessValidationError as problem:
                problems = [problem]
        return {
            "problems": [{"element": p.element, "message": p.message, "line": p.line} for p in problems],
            "warnings": [{"element": w.element, "message": w.message, "line": w.line} for w in warnings],
        }

    def deploy(
        self, content: bytes, filename: str = "process.bpmn", actor: str | None = None, note: str | None = None
    ) -> dict[str, Any]:
        """Deploy a new version, with the administrator's ``note`` on what changed (at most MAX_NOTE characters);
        the same bytes again return the version already deployed."""
        self._check_size(content)
        note = (note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise InvalidInput("change_note_too_long", field="note")
        content_hash = hashlib.sha256(content).hexdigest()
        with self.db.reading() as session:
            existing = session.scalar(
                sa.select(ProcessDefinition).where(ProcessDefinition.content_hash == content_hash)
            )
            if existing is not None:
                return self._describe(existing, created=False)
        checked = bpmn_validation.check(content, self._timer_bounds())
        with self.db.reading() as session:
            called = self._callees(session, checked, None)
        cache_key = _cache_key(content_hash, called)
        parsed = _parsed_by_hash.get(cache_key) or build_spec(checked, filename, [(k, x) for k, x, _ in called])
        _parsed_by_hash[cache_key] = parsed
        try:
            xml_text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise ProcessValidationError("file_not_utf8", line=1) from None
        with self.db.transaction() as session:
            version = (
                session.scalar(
                    sa.select(sa.func.max(ProcessDefinition.version)).where(ProcessDefinition.key == checked.process_id)
                )
                or 0
            ) + 1
            definition = ProcessDefinition(
                key=checked.process_id,
                version=version,
                name=checked.process_name,
                content_hash=content_hash,
                filename=filename[:255],
                xml=xml_text,
                deployed_at=self.clock.now(),
                deployed_by=actor,
                change_note=note,
            )
            session.add(definition)
            session.flush()
            trail.append(
                session,
                [
                    trail.event(
                        "process_deployed",
                        self.clock.now(),
                        actor=actor,
                        element_id=checked.process_id,
                        data_digest=content_hash,
                        detail={
                            "definition_id": definition.id,
                            "version": version,
                            "filename": filename,
                            **({"note": note} if note else {}),
                        },
                    )
                ],
            )
        with self._lock:
            self._hash_of[definition.id] = cache_key
        return self._describe(definition, created=True)

    def _timer_bounds(self) -> bpmn_validation.TimerBounds:
        return bpmn_validation.TimerBounds(self.clock.now(), self.timer_max_days, self.connector_hosts)

    @staticmethod
    def _describe(definition: ProcessDefinition, created: bool) -> dict[str, Any]:
        return {
            "id": definition.id,
            "key": definition.key,
            "version": definition.version,
            "name": definition.name,
            "content_hash": definition.content_hash,
            "deployed_at": definition.deployed_at.isoformat(),
            "change_note": definition.change_note,
            "created": created,
        }

    def parsed(self, definition_id: int) -> ParsedProcess:
        content_hash = self._hash_of.get(definition_id)
        if content_hash is not None and content_hash in _parsed_by_hash:
            return _parsed_by_hash[content_hash]
        with self.db.reading() as session:
            definition = session.get(ProcessDefinition, definition_id)
            if definition is None:
                raise NotFound("definition_not_found", definition=definition_id)
            xml, filename, content_hash = definition.xml, definition.filename, definition.content_hash
            checked = bpmn_validation.check(xml.encode("utf-8"))
            called = self._callees(session, checked, definition.deployed_at)
        cache_key = _cache_key(content_hash, called)
        parsed = _parsed_by_hash.get(cache_key)
        if parsed is None:
            parsed = build_spec(checked, filename, [(k, x) for k, x, _ in called])
            _parsed_by_hash[cache_key] = parsed
        with self._lock:
            self._hash_of[definition_id] = cache_key
        return parsed

    @staticmethod
    def _callees(
        session: Session, checked: bpmn_validation.CheckedDocument, until: _dt.datetime | None
    ) -> list[tuple[str, str, str]]:
        """(key, xml, content hash) of the deployed processes the file's call activities call: the latest version
        deployed by ``until`` (a version's own deploy: it keeps calling what it called then), or now."""
        found: list[tuple[str, str, str]] = []
        for key, activity in called_keys(checked).items():
            query = sa.select(ProcessDefinition.xml, ProcessDefinition.content_hash).where(ProcessDefinition.key == key)
            if until is not None:
                query = query.where(ProcessDefinition.deployed_at <= until)
            row = session.execute(query.order_by(ProcessDefinition.version.desc()).limit(1)).first()
            if row is None:
                raise ProcessValidationError(
                    "bpmn_called_process_unknown",
                    element=activity,
                    line=bpmn_validation.line_of(checked.tree, activity),
                    key=key,
                )
            found.append((key, row.xml, row.content_hash))
        return found

    def form(self, definition_id: int, element_id: str) -> Form | None:
        """The form of a user task of a deployed version, or None when the step has none."""
        return self.parsed(definition_id).forms.get(element_id)

    def latest(self, session: Session, key: str) -> ProcessDefinition:
        definition = session.scalar(
            sa.select(ProcessDefinition)
            .where(ProcessDefinition.key == key)
            .order_by(ProcessDefinition.version.desc())
            .limit(1)
        )
        if definition is None:
            raise NotFound("process_not_found", key=key)
        return definition

    def list_definitions(self, key: str | None = None) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            query = sa.select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)
            if key:
                query = query.where(ProcessDefinition.key == key)
            return [self._describe(d, created=False) for d in session.scalars(query)]
