"""The case's supervision trail as a timeline: who did what, at which step, and why."""

from __future__ import annotations

from flask_babel import gettext as _

from ..trail_events import event_label
from .labels import DOCUMENT_KINDS, LIGHTS, OUTCOMES, PAUSE_KINDS

_HIDDEN = {"light_changed"}  # a step's light changing is shown on the step, not in the history


def timeline(trail: list[dict], steps: dict, names: dict) -> list[dict]:
    """``steps``: element id → step name; ``names``: user id → display name."""
    items = []
    for entry in trail:
        event, detail = entry["event"], entry.get("detail") or {}
        if event == "task":
            if entry["element"] not in steps or entry["to"] not in ("completed",):
                continue
            event = "task_skipped" if detail.get("skipped") else "task_completed"
        elif event in _HIDDEN and entry.get("task_id"):
            continue
        items.append(
            {
                "at": entry["at"],
                "event": event,
                "label": event_label(event),
                "step": steps.get(entry["element"]),
                "actor": names.get(entry["actor"], entry["actor"]),
                "text": _describe(event, entry, detail, steps, names),
            }
        )
    return items


def _describe(event: str, entry: dict, detail: dict, steps: dict, names: dict) -> str:
    parts = []
    if event == "clock_paused":
        parts.append(str(PAUSE_KINDS.get(detail.get("kind"), detail.get("kind"))))
        if detail.get("missing"):
            parts.append(_("需补正：%(items)s", items="、".join(detail["missing"])))
    if event in ("task_returned", "case_jumped") and detail.get("to"):
        parts.append(_("至「%(step)s」", step=steps.get(detail["to"], detail["to"])))
    if event in ("task_assigned", "task_transferred", "task_delegated") and detail.get("to"):
        parts.append(_("给 %(name)s", name=names.get(detail["to"], detail["to"])))
    if event == "task_copied" and detail.get("recipients"):
        parts.append(_("抄送 %(names)s", names="、".join(names.get(r, r) for r in detail["recipients"])))
    if event == "document_issued":
        parts.append(f"{DOCUMENT_KINDS.get(entry['to'], entry['to'])} {detail.get('number', '')}")
    if event == "case_migrated":
        moved = "、".join(
            f"{s.get('from_name', s['from'])} → {s['name']}" for s in detail.get("steps", []) if s["from"] != s["to"]
        )
        parts.append(f"v{detail.get('from_version')} → v{detail.get('to_version')}" + (f": {moved}" if moved else ""))
    if event == "case_ended":
        parts.append(str(OUTCOMES.get(entry["to"], entry["to"])))
    if event == "light_changed":
        parts.append(str(LIGHTS.get(entry["to"], entry["to"])))
    if event in ("signer_added", "signer_removed"):
        signer = entry["to"] if event == "signer_added" else entry["from"]
        parts.append(names.get(signer, signer or ""))
    if event == "task_acted_for" and detail.get("holder"):
        parts.append(_("代 %(name)s 办理", name=names.get(detail["holder"], detail["holder"])))
    for key in ("opinion", "reason", "message", "note", "summary", "correction"):
        if detail.get(key):
            parts.append(detail[key])
    return " · ".join(p for p in parts if p)
