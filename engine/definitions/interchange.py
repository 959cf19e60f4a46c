"""Models from other tools as they are written, and where a case waits for a message.

``normalise`` rewrites, in the parsed tree only (the stored file is kept as deployed), what other modelers write into
the forms the engine runs: timer values as BPMN writes them (unquoted ISO 8601 ``PT5M``, ``R3/PT10M``,
``2026-12-01T09:00:00+08:00``) quoted, and the common JUEL conditions (``${approved}`` …, ``juel.py``) and FEEL's
plain variable test (``=approved``, ``=not(approved)``) translated into sandboxed expressions; a JUEL form not
translated is refused naming its element.

``message_waits`` finds every element that waits for a message — receive tasks, message start, intermediate catch
and boundary events — with the name of the message it waits for (the ``bpmn:message``'s name, as SpiffWorkflow
matches them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ..errors import Message, ProcessValidationError
from . import juel

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
CONDITION_TAGS = ("conditionExpression", "completionCondition")
_DURATION = r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
_INSTANT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_PART = f"(?:{_DURATION}|{_INSTANT})"
ISO_VALUE = re.compile(rf"^(?:R\d*/)?{_PART}(?:/{_PART})?$")
# FEEL as Camunda 8 writes a condition on one boolean variable; any other FEEL stays refused (a listed limitation)
FEEL_NAME = re.compile(r"^=\s*(?:not\(\s*(?P<negated>[A-Za-z_]\w*)\s*\)|(?P<name>[A-Za-z_]\w*))\s*$")
WAITING_TAGS = ("receiveTask", "intermediateCatchEvent", "boundaryEvent", "startEvent")


def _owner(element: etree._Element) -> etree._Element:
    node: etree._Element | None = element
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node if node is not None else element


def _flow_node(element: etree._Element) -> etree._Element:
    """The flow node or flow an expression belongs to (skipping event definitions and loop characteristics)."""
    node: etree._Element | None = element.getparent()
    while node is not None:
        name = etree.QName(node).localname
        if node.get("id") and not name.endswith("EventDefinition") and not name.endswith("LoopCharacteristics"):
            return node
        node = node.getparent()
    return _owner(element)


def normalise(process: etree._Element) -> Iterator[ProcessValidationError]:
    """Quote unquoted ISO 8601 timer values and translate JUEL conditions in place; the JUEL not translated."""
    _zeebe_loops(process)
    for tag in TIMER_TAGS:
        for element in process.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (element.text or "").strip()
            if ISO_VALUE.match(text):
                element.text = repr(text)
            elif juel.is_juel(text) and ISO_VALUE.match(text[2:-1].strip()):
                element.text = repr(text[2:-1].strip())
    for tag in CONDITION_TAGS:
        for element in process.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (element.text or "").strip()
            feel = FEEL_NAME.match(text)
            if feel:  # FEEL's plain variable test (Camunda 8): =approved, =not(approved)
                element.text = f"not {feel['negated']}" if feel["negated"] else feel["name"]
                continue
            if not juel.is_juel(text):
                continue
            translated = juel.translate(text)
            if translated is None:
                owner = _flow_node(element)
                yield ProcessValidationError(
                    "bpmn_juel_unsupported",
                    element=owner.get("id"),
                    line=element.sourceline,
                    owner=owner.get("id"),
                    source=text,
                )
            else:
                element.text = translated


ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"


def _zeebe_loops(process: etree._Element) -> None:
    """A multi-instance loop over a collection as Camunda 8 writes it (``zeebe:loopCharacteristics
    inputCollection="=items" inputElement="item"``) in BPMN's own form (loopDataInputRef, inputDataItem), when the
    collection is a plain variable; anything else is left for the engine to refuse."""
    for loop in process.iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics"):
        if (
            loop.find(f"{{{BPMN_NS}}}loopDataInputRef") is not None
            or loop.find(f"{{{BPMN_NS}}}loopCardinality") is not None
        ):
            continue
        zeebe = loop.find(f"{{{BPMN_NS}}}extensionElements/{{{ZEEBE_NS}}}loopCharacteristics")
        if zeebe is None:
            continue
        collection = FEEL_NAME.match(zeebe.get("inputCollection") or "")
        item = (zeebe.get("inputElement") or "").strip()
        if not collection or not collection["name"] or not item.isidentifier():
            continue
        reference = etree.SubElement(loop, f"{{{BPMN_NS}}}loopDataInputRef")
        reference.text = collection["name"]
        etree.SubElement(loop, f"{{{BPMN_NS}}}inputDataItem", id=f"{_owner(loop).get('id')}_{item}", name=item)


def message_names(root: etree._Element) -> dict[str, str | None]:
    """``bpmn:message`` ids -> their names."""
    return {m.get("id") or "": m.get("name") for m in root.iter(f"{{{BPMN_NS}}}message")}


def message_waits(process: etree._Element, found: dict[str, str]) -> Iterator[ProcessValidationError]:
    """Fill ``found`` (waiting element id -> message name); yield the waits whose message has no name."""
    names = message_names(process.getroottree().getroot())
    for tag in WAITING_TAGS:
        for element in process.iter(f"{{{BPMN_NS}}}{tag}"):
            holder: etree._Element | None = element
            if tag != "receiveTask":
                holder = element.find(f"{{{BPMN_NS}}}messageEventDefinition")
            if holder is None:
                continue
            ref = holder.get("messageRef")
            name = names.get(ref or "") if ref is not None else element.get("name")
            if ref is not None and ref not in names:
                yield ProcessValidationError(
                    "bpmn_message_unknown", element=element.get("id"), line=element.sourceline, ref=ref
                )
            elif not name:
                yield ProcessValidationError(
                    "bpmn_message_without_name",
                    element=element.get("id"),
                    line=element.sourceline,
                    detail=Message("bpmn_message_name_hint"),
                )
            else:
                found[element.get("id") or ""] = name
