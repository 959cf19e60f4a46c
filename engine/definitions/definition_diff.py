"""What changed between two versions of a process: elements added, removed and changed (by id), and for each
changed element the properties that differ; plus a unified text diff of the XML."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .bpmn_validation import BPMN_NS, parse_safely

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
TIMER_KINDS = ("timeDuration", "timeDate", "timeCycle")
# Properties in the order a reader expects them; labels are for the pages.
PROPERTIES = (
    "name",
    "type",
    "timer",
    "condition",
    "multi_instance",
    "lane",
    "form_fields",
    "documentation",
    "attached_to",
    "script",
    "connects",
    "incoming",
    "outgoing",
)
SKIPPED = {
    "incoming",
    "outgoing",
    "flowNodeRef",
    "sourceRef",
    "targetRef",
    "documentation",
    "extensionElements",
    "conditionExpression",
    "multiInstanceLoopCharacteristics",
    "timerEventDefinition",
    "laneSet",
    "childLaneSet",
    "script",
    "text",
}


@dataclass
class ElementChange:
    id: str
    type: str
    name: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # property -> (before, after)


@dataclass
class DefinitionDiff:
    added: list[ElementChange] = field(default_factory=list)  # with the new element's type and name
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    xml_diff: str = ""

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)


def compare(
    before_xml: str, after_xml: str, before_label: str = "before", after_label: str = "after"
) -> DefinitionDiff:
    before, after = describe(before_xml), describe(after_xml)
    diff = DefinitionDiff()
    for element_id, props in after.items():
        if element_id not in before:
            diff.added.append(ElementChange(element_id, props["type"], props["name"]))
    for element_id, props in before.items():
        if element_id not in after:
            diff.removed.append(ElementChange(element_id, props["type"], props["name"]))
            continue
        changes = {
            key: (props.get(key), after[element_id].get(key))
            for key in PROPERTIES
            if props.get(key) != after[element_id].get(key)
        }
        if changes:
            diff.changed.append(
                ElementChange(element_id, after[element_id]["type"], after[element_id]["name"], changes)
            )
    diff.xml_diff = "".join(
        difflib.unified_diff(
            before_xml.splitlines(keepends=True),
            after_xml.splitlines(keepends=True),
            fromfile=before_label,
            tofile=after_label,
            n=2,
        )
    )
    return diff


def describe(xml: str) -> dict[str, dict[str, Any]]:
    """Every identified BPMN element of the process part of the file, by id, with the properties compared."""
    root = parse_safely(xml.encode("utf-8")).getroot()
    lanes = _lane_membership(root)
    flows_in, flows_out = _flows(root)
    elements: dict[str, dict[str, Any]] = {}
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        for element in process.iter():
            if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
                continue
            kind = etree.QName(element).localname
            element_id = element.get("id")
            if not element_id or kind in SKIPPED or _in_extension(element):
                continue
            props: dict[str, Any] = {"type": kind, "name": (element.get("name") or "").strip()}
            props.update(_details(element, kind))
            if element_id in lanes:
                props["lane"] = lanes[element_id]
            if kind == "sequenceFlow":
                props["connects"] = f"{element.get('sourceRef')} → {element.get('targetRef')}"
            else:
                props["incoming"] = ", ".join(sorted(flows_in.get(element_id, ()))) or None
                props["outgoing"] = ", ".join(sorted(flows_out.get(element_id, ()))) or None
            elements[element_id] = {key: value for key, value in props.items() if value is not None}
    return elements


def _details(element: etree._Element, kind: str) -> dict[str, Any]:
    props: dict[str, Any] = {"documentation": _text(element.find(f"{{{BPMN_NS}}}documentation"))}
    timer = element.find(f"{{{BPMN_NS}}}timerEventDefinition")
    if timer is not None:
        props["timer"] = (
            "; ".join(
                f"{k}: {_text(timer.find(f'{{{BPMN_NS}}}{k}'))}"
                for k in TIMER_KINDS
                if timer.find(f"{{{BPMN_NS}}}{k}") is not None
            )
            or "—"
        )
    condition = element.find(f"{{{BPMN_NS}}}conditionExpression")
    if condition is not None:
        props["condition"] = _text(condition)
    loop = element.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
    if loop is not None:
        props["multi_instance"] = _multi_instance(loop)
    if kind == "boundaryEvent":
        props["attached_to"] = f"{element.get('attachedToRef')}" + (
            "（非中断）" if element.get("cancelActivity", "true") == "false" else ""
        )
    script = element.find(f"{{{BPMN_NS}}}script")
    if script is not None:
        props["script"] = _text(script)
    fields = element.findall(f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}formData/{{{CAMUNDA_NS}}}formField")
    if fields:
        props["form_fields"] = "; ".join(_form_field(f) for f in fields)
    return props


def _multi_instance(loop: etree._Element) -> str:
    parts = ["sequential" if loop.get("isSequential") == "true" else "parallel"]
    for tag, label in (("loopCardinality", "cardinality"), ("completionCondition", "completion")):
        child = loop.find(f"{{{BPMN_NS}}}{tag}")
        if child is not None:
            parts.append(f"{label}={_text(child)}")
    collection = loop.get(f"{{{CAMUNDA_NS}}}collection") or _text(loop.find(f"{{{BPMN_NS}}}loopDataInputRef"))
    if collection:
        parts.append(f"collection={collection}")
    item = loop.find(f"{{{BPMN_NS}}}inputDataItem")
    variable = loop.get(f"{{{CAMUNDA_NS}}}elementVariable") or (
        item.get("name") or item.get("id") if item is not None else None
    )
    if variable:
        parts.append(f"element={variable}")
    output = _text(loop.find(f"{{{BPMN_NS}}}loopDataOutputRef"))
    if output:
        parts.append(f"output={output}")
    return ", ".join(parts)


def _form_field(field_element: etree._Element) -> str:
    attrs = [
        f"{name}={field_element.get(name)}" for name in ("label", "type", "defaultValue") if field_element.get(name)
    ]
    validation = [
        (c.get("name") or "") + (f"({c.get('config')})" if c.get("config") else "")
        for c in field_element.iter(f"{{{CAMUNDA_NS}}}constraint")
    ]
    if validation:
        attrs.append("constraints=" + "/".join(validation))
    return f"{field_element.get('id')}[{', '.join(attrs)}]"


def _lane_membership(root: etree._Element) -> dict[str, str | None]:
    membership: dict[str, str | None] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            membership[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
    return membership


def _flows(root: etree._Element) -> tuple[dict[str | None, list[str]], dict[str | None, list[str]]]:
    flows_in: dict[str | None, list[str]] = {}
    flows_out: dict[str | None, list[str]] = {}
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        flows_out.setdefault(flow.get("sourceRef"), []).append(f"{flow.get('id')}→{flow.get('targetRef')}")
        flows_in.setdefault(flow.get("targetRef"), []).append(f"{flow.get('id')}←{flow.get('sourceRef')}")
    return flows_in, flows_out


def _in_extension(element: etree._Element) -> bool:
    return any(
        isinstance(a.tag, str) and etree.QName(a).localname == "extensionElements" for a in element.iterancestors()
    )


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return " ".join("".join(element.itertext()).split()) or None
