"""Safe parsing and validation of BPMN files before they reach SpiffWorkflow.

Every refusal names the element id and its line in the file.
"""

from __future__ import annotations

import ast
import datetime as _dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from lxml import etree

from ..errors import Message, ProcessValidationError
from ..kernel import outbound
from . import connectors, expressions, forms, interchange, outcomes, step_settings, timer_values
from .expression_guards import ExpressionError
from .outcomes import OUTCOMES

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

_SAFE_PARSER_OPTIONS: dict[str, Any] = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=False,
)

FLOW_NODES = {
    "startEvent",
    "endEvent",
    "userTask",
    "manualTask",
    "task",
    "scriptTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "subProcess",
    "callActivity",
    "boundaryEvent",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
}
SUPPORTING = {
    "sequenceFlow",
    "laneSet",
    "lane",
    "childLaneSet",
    "flowNodeRef",
    "documentation",
    "extensionElements",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "dataInputAssociation",
    "dataOutputAssociation",
    "sourceRef",
    "targetRef",
    "textAnnotation",
    "text",
    "association",
    "group",
    "conditionExpression",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
    "loopCardinality",
    "loopDataInputRef",
    "loopDataOutputRef",
    "inputDataItem",
    "outputDataItem",
    "completionCondition",
    "loopCondition",
    "timerEventDefinition",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "terminateEventDefinition",
    "errorEventDefinition",
    "escalationEventDefinition",
    "signalEventDefinition",
    "messageEventDefinition",
    "incoming",
    "outgoing",
    "script",
    "ioSpecification",
    "dataInput",
    "dataOutput",
    "inputSet",
    "outputSet",
    "dataInputRefs",
    "dataOutputRefs",
    "property",
    "dataState",
    "assignment",
    "from",
    "to",
    "transformation",
    "categoryValueRef",
    "auditing",
    "monitoring",
    "potentialOwner",
    "humanPerformer",
    "performer",
    "resourceAssignmentExpression",
    "resourceRef",
    "formalExpression",
    "inputSetRefs",
    "outputSetRefs",
    "optionalInputRefs",
    "optionalOutputRefs",
    "whileExecutingInputRefs",
    "whileExecutingOutputRefs",
}
UNSUPPORTED_REASONS = {
    "businessRuleTask": Message("bpmn_business_rule_task"),
    "conditionalEventDefinition": Message("bpmn_conditional_event"),
    "compensateEventDefinition": Message("bpmn_compensation"),
    "linkEventDefinition": Message("bpmn_link_event"),
    "cancelEventDefinition": Message("bpmn_transaction"),
    "transaction": Message("bpmn_transaction"),
    "adHocSubProcess": Message("bpmn_ad_hoc_subprocess"),
    "complexGateway": Message("bpmn_complex_gateway"),
}
DRAWN = FLOW_NODES | {
    "process",
    "sequenceFlow",
    "lane",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "group",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "transaction",
    "adHocSubProcess",
    "complexGateway",
}
EXPRESSION_TAGS = {
    "conditionExpression",
    "completionCondition",
    "loopCardinality",
    "timeDuration",
    "timeDate",
    "timeCycle",
}
HUMAN_TASKS = {"userTask", "manualTask"}
TIMER_TAGS = {"timeDuration", "timeDate", "timeCycle"}
WORKING_TIME_FUNCTIONS = {"working_days", "working_hours"}
RESERVED_IDS = {"Start", "End", "Root"}  # names of SpiffWorkflow's own task specs
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class TimerBounds:
    """What deploy checks a timer's constant value against (``timer_values.timer_problem``): dates within
    ``max_days`` of ``now``, durations and cycle intervals at most ``max_days`` long."""

    now: _dt.datetime | None
    max_days: int
    hosts: outbound.Hosts | None = None  # the hosts connectors may call (SHENPI_CONNECTOR_HOSTS)


@dataclass
class CheckedDocument:
    tree: etree._ElementTree
    process_id: str
    process_name: str
    forms: dict[str, forms.Form]  # user task element id -> its form
    outcomes: dict[str, str] = dataclass_field(default_factory=dict)  # end event id -> the outcome it decides
    steps: step_settings.StepSettings = step_settings.StepSettings()
    connectors: dict[str, connectors.Connector] = dataclass_field(default_factory=dict)  # element id -> its call
    messages: dict[str, str] = dataclass_field(default_factory=dict)  # waiting element id -> the message's name
    # what deploys but the author should know: a user task in no lane (the matter's department handles it), end
    # events of a process that decides nothing (its cases end as "completed", 办结, with no decision document)
    warnings: list[ProcessValidationError] = dataclass_field(default_factory=list)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _refuse(reason: str, element: etree._Element | None = None, **params: Any) -> ProcessValidationError:
    if element is None:
        return ProcessValidationError(reason, **params)
    return ProcessValidationError(
        reason, element=element.get("id") or _local(element), line=element.sourceline, **params
    )


def parse_safely(content: bytes) -> etree._ElementTree:
    """Parse XML with entity expansion, DTDs and network access off."""
    if not content or not content.strip():
        raise ProcessValidationError("bpmn_file_empty")
    parser = etree.XMLParser(**_SAFE_PARSER_OPTIONS)
    try:
        tree = etree.ElementTree(etree.fromstring(content, parser))
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else exc.lineno
        raise ProcessValidationError("xml_not_well_formed", line=line, detail=exc.msg) from None
    if tree.docinfo.doctype:
        raise ProcessValidationError("xml_doctype", line=1)
    return tree


def check(content: bytes, timers: TimerBounds | None = None) -> CheckedDocument:
    """The checked document, or the first problem raised. With ``timers`` (deploy), timer values are checked
    against those bounds; without (a version already deployed, read back), only their form is."""
    checked, problems = examine(content, timers=timers)
    if problems:
        raise problems[0]
    assert checked is not None  # examine gives a document or a problem
    return checked


def examine(
    content: bytes, limit: int = MAX_PROBLEMS, timers: TimerBounds | None = None
) -> tuple[CheckedDocument | None, list[ProcessValidationError]]:
    """Every problem found (up to ``limit``), in document order per check. A file that is not a BPMN document
    with one executable process yields that one problem and no document."""
    try:
        tree = parse_safely(content)
        process = _executable_process(tree.getroot())
    except ProcessValidationError as exc:
        return None, [exc]
    problems: list[ProcessValidationError] = list(interchange.normalise(process))
    seen: set[tuple[str | None, str]] = set()
    elements = functools.partial(_check_elements, timers=timers)
    calls: dict[str, connectors.Connector] = {}
    waits: dict[str, str] = {}
    reads = functools.partial(_check_connectors, hosts=timers.hosts if timers else None, found=calls)
    messages = functools.partial(interchange.message_waits, found=waits)
    warnings: list[ProcessValidationError] = []
    for found in (
        reads,
        elements,
        functools.partial(_check_lanes, warnings=warnings),
        functools.partial(_check_end_events, warnings=warnings),
        _check_sequence_flows,
        _check_start_event,
        _check_event_subprocesses,
        messages,
    ):
        for problem in found(process):
            if (problem.element, problem.message) not in seen:
                seen.add((problem.element, problem.message))
                problems.append(problem)
            if len(problems) >= limit:
                break
    try:
        step_forms = forms.read_forms(process)
    except ProcessValidationError as problem:
        step_forms = {}
        problems.append(problem)
    settings, setting_problems = step_settings.read(process)
    problems.extend(setting_problems)
    process_id = process.get("id", "")  # _executable_process refuses a process without one
    return CheckedDocument(
        tree,
        process_id,
        process.get("name") or process_id,
        step_forms,
        _outcomes(process),
        settings,
        calls,
        waits,
        warnings,
    ), problems[:limit]


def _executable_process(root: etree._Element) -> etree._Element:
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise _refuse("bpmn_root_element", root)
    processes = root.findall(f"{{{BPMN_NS}}}process")
    if not processes:
        raise _refuse("bpmn_no_process", root)
    executable = [p for p in processes if p.get("isExecutable", "false").strip().lower() == "true"]
    if not executable:
        raise _refuse("bpmn_not_executable", processes[0])
    if len(executable) > 1:
        raise _refuse("bpmn_several_processes", executable[1])
    if not executable[0].get("id"):
        raise _refuse("bpmn_process_without_id", executable[0])
    return executable[0]


def _check_connectors(
    process: etree._Element, hosts: outbound.Hosts | None, found: dict[str, connectors.Connector]
) -> Iterator[ProcessValidationError]:
    """Service tasks need a connector; send tasks and message throw events may have one (without, their message
    is caught inside the case or nowhere). Each connector is checked (with ``hosts``: its host allowed)."""
    for element in process.iter():
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        name = _local(element)
        if name not in connectors.WAITING and name not in connectors.THROWING:
            continue
        try:
            connector = connectors.read(element, hosts)
        except ProcessValidationError as problem:
            yield problem
            continue
        if connector is not None:
            found[connector.element_id] = connector
        elif name in connectors.WAITING:
            yield _refuse("bpmn_unsupported_element", element, name=name, why=Message("bpmn_service_task"))


def _check_start_event(process: etree._Element) -> Iterator[ProcessValidationError]:
    if process.find(f"{{{BPMN_NS}}}startEvent") is None:
        yield _refuse("bpmn_no_start_event", process)


def _check_event_subprocesses(process: etree._Element) -> Iterator[ProcessValidationError]:
    """SpiffWorkflow runs an event subprocess beside the flow and never interrupts it: one whose start event
    interrupts (BPMN's default, and always so for an error start event) would not do what its model says."""
    for subprocess in process.iter(f"{{{BPMN_NS}}}subProcess"):
        if subprocess.get("triggeredByEvent") != "true":
            continue
        for start in subprocess.findall(f"{{{BPMN_NS}}}startEvent"):
            error = start.find(f"{{{BPMN_NS}}}errorEventDefinition") is not None
            if error or start.get("isInterrupting", "true") != "false":
                yield _refuse("bpmn_interrupting_event_subprocess", start, subprocess=subprocess.get("id") or "")


def _check_elements(process: etree._Element, timers: TimerBounds | None = None) -> Iterator[ProcessValidationError]:
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        qname = etree.QName(element)
        if qname.namespace != BPMN_NS:
            continue
        if _inside_extension(element, process):
            continue
        name = qname.localname
        if element.get("id") in RESERVED_IDS:
            yield _refuse("bpmn_reserved_id", element, id=element.get("id"))
        if name in UNSUPPORTED_REASONS:
            yield _refuse("bpmn_unsupported_element", _owner(element), name=name, why=UNSUPPORTED_REASONS[name])
        elif element is not process and name not in FLOW_NODES and name not in SUPPORTING:
            yield _refuse("bpmn_unknown_element", element if element.get("id") else _owner(element), name=name)
        try:
            if name in TIMER_TAGS:
                _check_timer(element, timers)
            elif name in EXPRESSION_TAGS:
                _check_expression(element, expressions.check_expression)
            elif name == "script":
                _check_expression(element, expressions.check_script)
        except ProcessValidationError as problem:
            yield problem


def _inside_extension(element: etree._Element, stop: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if isinstance(parent.tag, str) and etree.QName(parent).localname == "extensionElements":
            return True
        parent = parent.getparent()
    return False


def _owner(element: etree._Element) -> etree._Element:
    """The element to name in an error: the nearest ancestor-or-self drawn on the diagram (a flow node, flow, lane
    or the process), else the nearest with an id."""
    node: etree._Element | None = element
    while node is not None:
        if node.get("id") and isinstance(node.tag, str) and _local(node) in DRAWN:
            return node
        node = node.getparent()
    node = element
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node if node is not None else element


def _check_expression(element: etree._Element, checker: Callable[[str], object]) -> None:
    source = (element.text or "").strip()
    if not source:
        if _local(element) in ("conditionExpression", "script"):
            raise _refuse("bpmn_empty_expression", _owner(element), name=_local(element))
        return
    try:
        checker(source)
    except ExpressionError as exc:
        owner = _owner(element)
        language = _foreign_language(element)
        if language is not None:
            raise ProcessValidationError(
                "bpmn_expression_language",
                element=owner.get("id"),
                line=element.sourceline,
                owner=owner.get("id"),
                language=language,
            ) from None
        raise ProcessValidationError(
            "bpmn_expression_refused",
            element=owner.get("id"),
            line=element.sourceline,
            name=_local(element),
            owner=owner.get("id"),
            detail=exc.message,
        ) from None


FOREIGN_LANGUAGES = {"xpath": "XPath", "feel": "FEEL", "javascript": "JavaScript", "groovy": "Groovy"}


def _foreign_language(element: etree._Element) -> str | None:
    """The expression language an expression that did not compile declares (on itself or the definitions), when the
    engine does not evaluate it: XPath (the BPMN default of some tools), FEEL, JavaScript, Groovy."""
    if (element.text or "").strip().startswith("="):
        return "FEEL"  # Camunda 8 (Zeebe) writes its FEEL expressions as =…
    declared = element.get("language") or element.getroottree().getroot().get("expressionLanguage") or ""
    for word, name in FOREIGN_LANGUAGES.items():
        if word in declared.lower():
            return name
    return None


def _check_timer(element: etree._Element, timers: TimerBounds | None = None) -> None:
    """A timer is a quoted ISO 8601 value ("PT2H", "2026-12-01T09:00:00+08:00") or, for a date timer,
    working_days(N) / working_hours(N): N working days or hours from when the timer starts. With ``timers``, the
    value must also lie within them (``timer_values.timer_problem``; N at most ``max_days``, hours 24 times that)."""
    owner = _owner(element)
    parent = owner.getparent()
    while parent is not None and _local(owner) not in FLOW_NODES:
        owner = _owner(parent)
        parent = owner.getparent()
    source = (element.text or "").strip()
    kind = _local(element)
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        tree = None
    if isinstance(tree, ast.Constant) and isinstance(tree.value, str):
        problem = timer_values.timer_problem(kind, tree.value, timers.now, timers.max_days) if timers else None
        if problem:
            raise ProcessValidationError(
                "bpmn_timer_refused",
                element=owner.get("id"),
                line=element.sourceline,
                owner=owner.get("id"),
                detail=problem,
            )
        return
    if (
        isinstance(tree, ast.Call)
        and isinstance(tree.func, ast.Name)
        and tree.func.id in WORKING_TIME_FUNCTIONS
        and len(tree.args) == 1
        and not tree.keywords
        and isinstance(tree.args[0], ast.Constant)
        and isinstance(tree.args[0].value, (int, float))
        and not isinstance(tree.args[0].value, bool)
        and tree.args[0].value >= 0
    ):
        if kind != "timeDate":
            raise ProcessValidationError(
                "timer_working_time_not_date",
                element=owner.get("id"),
                line=element.sourceline,
                owner=owner.get("id"),
                function=tree.func.id,
                kind=kind,
            )
        limit = timers.max_days * (24 if tree.func.id == "working_hours" else 1) if timers else None
        if limit is not None and tree.args[0].value > limit:
            raise ProcessValidationError(
                "bpmn_timer_refused",
                element=owner.get("id"),
                line=element.sourceline,
                owner=owner.get("id"),
                detail=Message(
                    "timer_working_time_too_long", function=tree.func.id, n=repr(tree.args[0].value), limit=limit
                ),
            )
        return
    raise ProcessValidationError(
        "timer_expression_invalid",
        element=owner.get("id"),
        line=element.sourceline,
        owner=owner.get("id"),
        source=repr(source),
    )


def _check_lanes(process: etree._Element, warnings: list[ProcessValidationError]) -> Iterator[ProcessValidationError]:
    """A named lane says who handles a user task (its post, or "department/post"). A user task in no lane deploys
    with a warning: it is the matter's own department's (any official of it; ``split_lane(None, …)``)."""
    lane_of: dict[str | None, etree._Element] = {}
    lane: etree._Element | None
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane
    for element in process:
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        name = _local(element)
        needs_lane = name in HUMAN_TASKS or (
            name == "subProcess" and any(isinstance(e.tag, str) and _local(e) in HUMAN_TASKS for e in element.iter())
        )
        if not needs_lane:
            continue
        lane = lane_of.get(element.get("id"))
        if lane is None:
            warnings.append(_refuse("bpmn_task_without_lane", element, name=name, id=element.get("id")))
        elif not (lane.get("name") or "").strip():
            yield _refuse("bpmn_lane_without_name", lane)


def _check_end_events(
    process: etree._Element, warnings: list[ProcessValidationError]
) -> Iterator[ProcessValidationError]:
    """Each end event states the case's decision. In a process where some end decides, one that says nothing is
    refused (its author forgot which); a process where none decides ends its cases as "completed" (办结, no
    decision document), which deploys with a warning on each of its ends."""
    silent: list[etree._Element] = []
    decides = False
    for end in process.findall(f"{{{BPMN_NS}}}endEvent"):
        if end.find(f"{{{BPMN_NS}}}terminateEventDefinition") is not None:
            continue
        try:
            declared = outcomes.declared(end)
        except outcomes.UnknownOutcome as exc:
            yield _refuse(
                "bpmn_end_outcome_unknown",
                end,
                id=end.get("id"),
                allowed=list(outcomes.DECLARABLE),
                value=repr(str(exc)),
            )
            continue
        if declared is None:
            silent.append(end)
        decides = decides or declared in OUTCOMES
    for end in silent:
        problem = _refuse(
            "bpmn_end_outcome_missing" if decides else "bpmn_end_outcome_neutral",
            end,
            id=end.get("id"),
            names=["准予…", "不予许可", "不予受理", "终止"],
        )
        if decides:
            yield problem
        else:
            warnings.append(problem)


def _outcomes(process: etree._Element) -> dict[str, str]:
    """Every end event of the process that decides the case, with its outcome."""
    found: dict[str, str] = {}
    for end in process.findall(f"{{{BPMN_NS}}}endEvent"):
        try:
            declared = outcomes.declared(end)
        except outcomes.UnknownOutcome:
            continue  # refused by _check_end_events
        if declared in OUTCOMES:
            found[end.get("id") or ""] = declared
    return found


def _check_sequence_flows(process: etree._Element) -> Iterator[ProcessValidationError]:
    ids = {e.get("id") for e in process.iter() if isinstance(e.tag, str) and e.get("id")}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for attr in ("sourceRef", "targetRef"):
            if flow.get(attr) not in ids:
                yield _refuse("bpmn_flow_dangling", flow, id=flow.get("id"), attr=attr, ref=repr(flow.get(attr)))


def line_of(tree: etree._ElementTree, element_id: str | None) -> int | None:
    if not element_id:
        return None
    found = tree.getroot().xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None
