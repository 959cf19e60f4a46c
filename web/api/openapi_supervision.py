"""The OpenAPI description of the supervision-item (督办) endpoints, merged into openapi.SPEC."""
from __future__ import annotations


def _errors(*codes):
    return {str(c): {"description": "error", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ITEM = {"$ref": "#/components/schemas/SupervisionItem"}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_STAMP = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": ["string", "null"]}

SCHEMAS = {
    "SupervisionItem": {"type": "object", "required": ["id", "kind", "department", "status", "light"], "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "description": "overdue_step, signal, complaint, …"},
        "department": {"type": "string"}, "summary": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "noticed", "responded", "closed"]},
        "case_id": {"type": ["integer", "null"]}, "signal_id": {"type": ["integer", "null"]},
        "complaint_id": {"type": ["integer", "null"]}, "opened_at": _STAMP,
        "due_at": {**_STAMP, "description": "the investigation's limit: 15 working days, once +10"},
        "extended_at": _STAMP, "extension_reason": _TEXT, "extendable": {"type": "boolean"},
        "light": {"type": "string", "enum": ["none", "yellow", "green", "red"]},
        "escalation_level": {"type": "integer"}, "notice_text": _TEXT, "notice_by": _TEXT, "noticed_at": _STAMP,
        "response": _TEXT, "responded_by": _TEXT, "responded_at": _STAMP, "finding": _TEXT,
        "conclusion": {"type": ["string", "null"], "enum": ["substantiated", "partly_substantiated",
                                                            "unsubstantiated", None]},
        "finding_by": _TEXT, "closed_at": _STAMP,
        "timeline": {"type": "array", "description": "GET /supervision-items/{id} only: the item's trail rows",
                     "items": {"$ref": "#/components/schemas/TrailEntry"}},
        "case": {"type": ["object", "null"]}, "signal": {"type": ["object", "null"]},
        "complaint": {"type": ["object", "null"]},
        "may": {"type": "object", "description": "GET /supervision-items/{id} only: the steps the caller may take"}}},
}


def _step(summary: str, required: str, properties: dict) -> dict:
    return {"post": {"summary": summary, "parameters": [ID], "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "required": [required], "properties": properties}}}},
        "responses": {"200": _json(ITEM), **_errors(400, 401, 403, 404, 409)}}}


PATHS = {
    "/supervision-items": {"get": {
        "summary": "Supervision items (督办) the caller sees: supervisors their units', a department's head their own",
        "parameters": [
            {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "noticed", "responded", "closed"]}},
            {"name": "light", "in": "query", "schema": {"type": "string", "enum": ["none", "yellow", "green", "red"]}},
            {"name": "department", "in": "query", "schema": {"type": "string"}},
            {"name": "kind", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
        "responses": {"200": _json({"type": "array", "items": ITEM}), **_errors(400, 401)}}},
    "/supervision-items/{id}": {"get": {"summary": "An item with its timeline and what it is about",
                                        "parameters": [ID], "responses": {"200": _json(ITEM), **_errors(401, 403, 404)}}},
    "/supervision-items/{id}/notice": _step("督办通知 to the department's heads (supervisor of the department; open → noticed)",
                                            "text", {"text": {"type": "string"}}),
    "/supervision-items/{id}/response": _step("The department head's answer (noticed → responded)",
                                              "text", {"text": {"type": "string"}}),
    "/supervision-items/{id}/extension": _step("Extend the investigation once by 10 working days (supervisor)",
                                               "reason", {"reason": {"type": "string"}}),
    "/supervision-items/{id}/finding": _step(
        "The supervisor's finding (responded → closed)", "text",
        {"text": {"type": "string"}, "conclusion": {"type": "string", "enum": [
            "substantiated", "partly_substantiated", "unsubstantiated"], "description": "属实 / 部分属实 / 不属实"}}),
}
