"""Connectors: what a service task, send task or message throw event calls, in Camunda 7's ``camunda:connector``
syntax (the properties panel writes it)::

    <bpmn:serviceTask id="Credit" name="查询信用">
      <bpmn:extensionElements>
        <camunda:connector>
          <camunda:connectorId>http-connector</camunda:connectorId>
          <camunda:inputOutput>
            <camunda:inputParameter name="url">http://credit.example:8080/check</camunda:inputParameter>
            <camunda:inputParameter name="method">POST</camunda:inputParameter>
            <camunda:inputParameter name="headers">
              <camunda:map><camunda:entry key="X-Unit">T01</camunda:entry></camunda:map>
            </camunda:inputParameter>
            <camunda:inputParameter name="payload">{"name": applicant_name}</camunda:inputParameter>
            <camunda:outputParameter name="credit_ok">response["ok"] and status == 200</camunda:outputParameter>
          </camunda:inputOutput>
        </camunda:connector>
      </bpmn:extensionElements>
    </bpmn:serviceTask>

``url`` and ``method`` are plain text, ``headers`` a map of plain text; ``payload`` (optional) is a sandboxed
expression over the case data (text is sent as is, anything else as JSON); each output parameter is a sandboxed
expression over ``response`` (the parsed JSON body, else its text) and ``status``, written into the case data under
its name. A ``${…}`` value is read as JUEL (``juel.py``). A message throw event carries the connector in its
``messageEventDefinition``'s extension elements (or its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..errors import Message, ProcessValidationError
from ..kernel import outbound
from . import expressions, juel
from .expression_guards import ExpressionError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
HTTP_CONNECTOR = "http-connector"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
INPUTS = ("url", "method", "headers", "payload")
# what runs a connector: tasks that wait for its answer, and throw events that go on at once
WAITING = {"serviceTask"}
THROWING = {"sendTask", "intermediateThrowEvent", "endEvent"}


@dataclass(frozen=True)
class Connector:
    element_id: str
    url: str
    method: str
    headers: tuple[tuple[str, str], ...] = ()
    payload: str | None = None  # a sandboxed expression over the case data
    outputs: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (data name, expression)
    waits: bool = True  # the task waits for the answer (a service task); a throw goes on at once


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _problem(element: etree._Element, detail: Message) -> ProcessValidationError:
    return ProcessValidationError(
        "bpmn_connector_refused",
        element=element.get("id"),
        line=element.sourceline,
        owner=element.get("id"),
        detail=detail,
    )


def connector_element(element: etree._Element) -> etree._Element | None:
    """The ``camunda:connector`` of an element (or of its message event definition), if any."""
    for holder in (element, element.find(f"{{{BPMN_NS}}}messageEventDefinition")):
        if holder is None:
            continue
        extensions = holder.find(f"{{{BPMN_NS}}}extensionElements")
        if extensions is not None:
            found = extensions.find(f"{{{CAMUNDA_NS}}}connector")
            if found is not None:
                return found
    return None


def _value_text(parameter: etree._Element) -> str:
    script = parameter.find(f"{{{CAMUNDA_NS}}}script")
    if script is not None:
        return (script.text or "").strip()
    return (parameter.text or "").strip()


def _expression(element: etree._Element, name: str, source: str) -> str:
    """A payload or output value as a checked sandboxed expression (JUEL ``${…}`` translated)."""
    if juel.is_juel(source):
        translated = juel.translate(source)
        if translated is None:
            raise _problem(element, Message("connector_juel_unsupported", name=name, source=source))
        source = translated
    try:
        expressions.check_expression(source)
    except ExpressionError as exc:
        raise _problem(element, Message("connector_expression_refused", name=name, detail=exc.message)) from None
    return source


def read(element: etree._Element, hosts: outbound.Hosts | None) -> Connector | None:
    """The connector of ``element`` (None when it has none), checked; with ``hosts`` (deploy), its URL must name
    an allowed host."""
    found = connector_element(element)
    if found is None:
        return None
    connector_id = (found.findtext(f"{{{CAMUNDA_NS}}}connectorId") or "").strip()
    if connector_id != HTTP_CONNECTOR:
        raise _problem(element, Message("connector_id_unknown", value=connector_id or "—", allowed=HTTP_CONNECTOR))
    io = found.find(f"{{{CAMUNDA_NS}}}inputOutput")
    inputs: dict[str, etree._Element] = {}
    outputs: list[tuple[str, str]] = []
    if io is not None:
        for parameter in io.findall(f"{{{CAMUNDA_NS}}}inputParameter"):
            name = parameter.get("name") or ""
            if name not in INPUTS:
                raise _problem(element, Message("connector_input_unknown", name=name, allowed=list(INPUTS)))
            inputs[name] = parameter
        for parameter in io.findall(f"{{{CAMUNDA_NS}}}outputParameter"):
            name = (parameter.get("name") or "").strip()
            if not name.isidentifier() or name.startswith("_"):
                raise _problem(element, Message("connector_output_name", name=name))
            outputs.append((name, _expression(element, name, _value_text(parameter))))
    url = _value_text(inputs["url"]) if "url" in inputs else ""
    if not url:
        raise _problem(element, Message("connector_url_missing"))
    problem = outbound.url_problem(url, hosts) if hosts is not None else None
    if problem is None and not isinstance(reason := outbound.target(url), outbound.Target):
        problem = reason
    if problem is not None:
        raise _problem(element, problem)
    payload = _expression(element, "payload", _value_text(inputs["payload"])) if "payload" in inputs else None
    method = (_value_text(inputs["method"]) if "method" in inputs else "").upper() or ("POST" if payload else "GET")
    if method not in METHODS:
        raise _problem(element, Message("connector_method_unknown", value=method, allowed=list(METHODS)))
    headers: list[tuple[str, str]] = []
    if "headers" in inputs:
        for entry in inputs["headers"].iter(f"{{{CAMUNDA_NS}}}entry"):
            key, value = (entry.get("key") or "").strip(), (entry.text or "").strip()
            if not key or any(c in key + value for c in "\r\n\0"):
                raise _problem(element, Message("connector_header_invalid", name=key or "—"))
            headers.append((key, value))
    if _local(element) in WAITING:
        waits = True
    else:
        waits = False
        if outputs:
            raise _problem(element, Message("connector_outputs_on_throw"))
    return Connector(element.get("id") or "", url, method, tuple(headers), payload, tuple(outputs), waits)
