"""The OpenAPI 3.1 description of /api/v1."""
from __future__ import annotations

from flask import jsonify

from . import bp
from .auth import public
from .signals import PATHS as signal_paths

ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes):
    return {str(c): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _path_id(name, kind="integer"):
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


UPLOAD_FIELDS = {
    "files": {"type": "array", "items": {"type": "string", "format": "binary"},
              "description": "PDF, JPEG, PNG, OFD, DOCX, XLSX or UTF-8 text, recognised by content; the extension must agree"},
    "slot": {"type": "array", "items": {"type": "string"},
             "description": "the service guide's material: once for all files or once per file"},
}

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Shenpi 审批 API", "version": "1.0.0",
             "description": "Approval engine with electronic supervision. Authenticate with `Authorization: Bearer <token>` "
                            "from `shenpi token create USER`."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                               "element": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]},
                               "field": {"type": "string"},
                               "fields": {"type": "object", "additionalProperties": {"type": "string"},
                                          "description": "invalid_input from a step's form: field id → what is wrong"}}}}},
            "FormField": {"type": "object", "required": ["id", "label", "type", "required"], "properties": {
                "id": {"type": "string", "description": "the key in `data` (and in the case data)"},
                "label": {"type": "string"},
                "type": {"type": "string", "enum": ["string", "long", "boolean", "date", "enum", "users"],
                         "description": "`date`: ISO day, stored as a string; `users`: a list of account ids"},
                "required": {"type": "boolean"}, "readonly": {"type": "boolean"},
                "options": {"type": "array", "items": {"type": "object", "properties": {
                    "value": {"type": "string"}, "label": {"type": "string"}}}},
                "min": {"type": ["integer", "string", "null"]}, "max": {"type": ["integer", "string", "null"]},
                "minlength": {"type": ["integer", "null"]}, "maxlength": {"type": ["integer", "null"]},
                "default": {}}},
            "Form": {"type": "object", "required": ["fields"], "properties": {
                "fields": {"type": "array", "items": _ref("FormField")},
                "values": {"type": "object", "description": "the case's current values of the fields"}}},
            "Definition": {"type": "object", "required": ["id", "key", "version"], "properties": {
                "id": {"type": "integer"}, "key": {"type": "string"}, "version": {"type": "integer"},
                "name": {"type": "string"}, "content_hash": {"type": "string"}, "created": {"type": "boolean"}}},
            "Matter": {"type": "object", "required": ["code", "name", "department"], "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "department": {"type": "string"},
                "type": {"type": "string"}, "statutory_limit_days": {"type": "integer"},
                "promised_limit_days": {"type": "integer"}, "star_level": {"type": "integer"},
                "handling": {"type": "string"}}},
            "Task": {"type": "object", "required": ["id", "name", "state"], "properties": {
                "id": {"type": "string"}, "case": {"type": "integer"}, "element": {"type": "string"},
                "name": {"type": "string"}, "lane": {"type": ["string", "null"]}, "department": {"type": "string"},
                "post": {"type": ["string", "null"]}, "assignee": {"type": ["string", "null"]},
                "state": {"type": "string", "enum": ["open", "completed", "cancelled"]},
                "due_at": {"type": ["string", "null"], "format": "date-time"},
                "form": {"oneOf": [_ref("Form"), {"type": "null"}],
                         "description": "GET /tasks/{id} only: the step's form (null when it has none)"}}},
            "Case": {"type": "object", "required": ["id", "number", "status", "tasks"], "properties": {
                "id": {"type": "integer"}, "number": {"type": "string"}, "matter": {"type": "string"},
                "status": {"type": "string", "enum": ["running", "ended"]},
                "outcome": {"type": ["string", "null"], "enum": ["approved", "denied", "refused", "terminated", "completed", None]},
                "tasks": {"type": "array", "items": _ref("Task")}, "history": {"type": "array", "items": _ref("Task")}}},
            "Material": {"type": "object", "required": ["id", "case", "kind", "filename", "media_type", "size", "sha256"],
                "properties": {
                    "id": {"type": "integer"}, "case": {"type": "integer"}, "task": {"type": ["string", "null"]},
                    "slot": {"type": ["string", "null"], "description": "the service guide's material this file is for"},
                    "kind": {"type": "string", "enum": ["application", "supplement", "attachment"]},
                    "filename": {"type": "string"}, "media_type": {"type": "string"}, "size": {"type": "integer"},
                    "sha256": {"type": "string"}, "uploaded_by": {"type": "string"},
                    "uploaded_at": {"type": "string", "format": "date-time"}}},
            "TrailEntry": {"type": "object", "properties": {
                "seq": {"type": "integer"}, "event": {"type": "string"}, "element": {"type": ["string", "null"]},
                "from": {"type": ["string", "null"]}, "to": {"type": ["string", "null"]},
                "actor": {"type": ["string", "null"]}, "at": {"type": "string"}, "hash": {"type": "string"}}},
        },
    },
    "paths": {
        "/health": {"get": {"security": [], "summary": "Liveness", "responses": {"200": _json({"type": "object"})}}},
        "/process-definitions": {
            "post": {"summary": "Deploy a BPMN file (系统管理员)", "requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"201": _json(_ref("Definition"), "deployed"), "200": _json(_ref("Definition"), "already deployed"),
                              **_errors(400, 401, 403, 413, 422)}},
            "get": {"summary": "Deployed versions", "parameters": [{"name": "key", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": _json({"type": "array", "items": _ref("Definition")}), **_errors(401)}}},
        "/matters": {"get": {"security": [], "summary": "The published catalogue",
                             "responses": {"200": _json({"type": "array", "items": _ref("Matter")})}}},
        "/matters/{code}": {"get": {"security": [], "parameters": [_path_id("code", "string")],
                                    "responses": {"200": _json(_ref("Matter")), **_errors(404)}}},
        "/cases": {
            "post": {"summary": "Start a case (multipart: with its application materials; a refused file starts no case)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["matter", "applicant"], "properties": {
                    "matter": {"type": "string"}, "applicant": {"type": "object", "required": ["name"]},
                    "data": {"type": "object"}}}},
                    "multipart/form-data": {"schema": {"type": "object", "required": ["matter", "applicant"], "properties": {
                        "matter": {"type": "string"}, "applicant": {"type": "string", "description": "JSON object"},
                        "data": {"type": "string", "description": "JSON object"}, **UPLOAD_FIELDS}}}}},
                "responses": {"201": _json(_ref("Case"), "started"), **_errors(400, 401, 403, 404, 413)}},
            "get": {"summary": "Cases visible to the caller",
                    "parameters": [{"name": "status", "in": "query", "schema": {"type": "string"}},
                                   {"name": "light", "in": "query", "schema": {"type": "string", "enum": ["none", "yellow", "green", "red"]}},
                                   {"name": "department", "in": "query", "schema": {"type": "string"}},
                                   {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {"200": _json({"type": "array"}), **_errors(400, 401)}}},
        "/cases/{id}": {"get": {"parameters": [_path_id("id")], "responses": {"200": _json(_ref("Case")), **_errors(401, 403, 404)}}},
        "/cases/{id}/trail": {"get": {"parameters": [_path_id("id")], "responses": {
            "200": _json({"type": "array", "items": _ref("TrailEntry")}), **_errors(401, 403, 404)}}},
        "/cases/{id}/terminate": {"post": {"parameters": [_path_id("id")], "requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": _json(_ref("Case")), **_errors(400, 401, 403, 404, 409)}}},
        "/tasks": {"get": {"summary": "Inbox query", "parameters": [
            {"name": n, "in": "query", "schema": {"type": t}} for n, t in
            (("case", "integer"), ("assignee", "string"), ("lane", "string"), ("department", "string"),
             ("state", "string"), ("limit", "integer"))],
            "responses": {"200": _json({"type": "array", "items": _ref("Task")}), **_errors(400, 401)}}},
        "/tasks/{id}": {"get": {"parameters": [_path_id("id", "string")], "responses": {"200": _json(_ref("Task")), **_errors(401, 403, 404)}}},
        "/tasks/{id}/claim": {"post": {"parameters": [_path_id("id", "string")], "responses": {
            "200": _json(_ref("Task")), **_errors(401, 403, 404, 409)}}},
        "/tasks/{id}/complete": {"post": {"summary": "Complete a step (multipart: with the official's attachments)",
            "parameters": [_path_id("id", "string")], "requestBody": {"content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "data": {"type": "object", "description": "a step with a form takes only its fields (a `users` "
                         "field also as `<id>_from_post: \"部门/岗位\"`); invalid data → 400 with `fields`"},
                "opinion": {"type": "string"}}}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "data": {"type": "string", "description": "JSON object"}, "opinion": {"type": "string"},
                "files": UPLOAD_FIELDS["files"]}}}}},
            "responses": {"200": _json(_ref("Task")), **_errors(400, 401, 403, 404, 409, 413)}}},
        "/cases/{id}/materials": {
            "post": {"summary": "Add materials: application (before acceptance), supplement (补正: the applicant, while "
                                "a notice is pending; the clock resumes) or attachment (an official's open step)",
                "parameters": [_path_id("id")], "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["files"], "properties": {
                        **UPLOAD_FIELDS,
                        "kind": {"type": "string", "enum": ["application", "supplement", "attachment"],
                                 "default": "application"},
                        "task": {"type": "string", "description": "attachment: the open step's task id"}}}}}},
                "responses": {"201": _json({"type": "object", "properties": {
                    "materials": {"type": "array", "items": _ref("Material")}}}, "recorded"),
                    **_errors(400, 401, 403, 404, 409, 413)}},
            "get": {"summary": "The case's materials and the service guide's checklist", "parameters": [_path_id("id")],
                    "responses": {"200": _json({"type": "object", "properties": {
                        "materials": {"type": "array", "items": _ref("Material")},
                        "checklist": {"type": "array", "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "required": {"type": "boolean"}, "provided": {"type": "integer"},
                            "materials": {"type": "array", "items": {"type": "integer"}}}}},
                        "missing_required": {"type": "array", "items": {"type": "string"}},
                        "supplement": {"type": "object", "properties": {"pending": {"type": "boolean"},
                                       "missing": {"type": "array", "items": {"type": "string"}}}}}}),
                                  **_errors(401, 403, 404)}}},
        "/materials/{id}/content": {"get": {"summary": "Download a material (as an attachment, nosniff)",
            "parameters": [_path_id("id")], "responses": {
                "200": {"description": "the file, with the Content-Type read from its content",
                        "content": {"application/octet-stream": {}}}, **_errors(401, 403, 404)}}},
        "/cases/{id}/pause": {"post": {"summary": "Pause the case clock (补正, special procedures, 中止)", "parameters": [_path_id("id")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["kind", "reason"],
                "properties": {"kind": {"type": "string", "enum": ["supplement", "hearing", "expert_review", "inspection",
                                                                  "site_survey", "suspension"]},
                               "reason": {"type": "string"},
                               "missing": {"type": "array", "items": {"type": "string"},
                                           "description": "补正: every missing material, listed at once"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403, 404, 409)}}},
        "/cases/{id}/resume": {"post": {"parameters": [_path_id("id")], "responses": {
            "200": _json({"type": "object"}), **_errors(400, 401, 403, 404, 409)}}},
        "/calendar/{year}": {"get": {"security": [], "parameters": [_path_id("year")], "responses": {
            "200": _json({"type": "object"}), **_errors(400, 409)}}},
        "/calendar/days/{day}": {"put": {"summary": "Override a day (系统管理员)", "parameters": [_path_id("day", "string")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["workday"],
                "properties": {"workday": {"type": "boolean"}, "name": {"type": "string"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403)}}},
        **{f"/tasks/{{id}}/{name}": {"post": {"summary": summary, "parameters": [_path_id("id", "string")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": fields}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403, 404, 409)}}}
           for name, summary, fields in (
               ("unclaim", "Release a claimed task", {}),
               ("assign", "Assign to an official (department head)", {"to": {"type": "string"}, "reason": {"type": "string"}}),
               ("transfer", "转办: hand over, with a reason", {"to": {"type": "string"}, "reason": {"type": "string"}}),
               ("delegate", "委派: ask a colleague, get it back", {"to": {"type": "string"}, "reason": {"type": "string"}}),
               ("give-back", "End a delegation", {"opinion": {"type": "string"}}),
               ("urge", "催办 (once per person, task and day)", {"message": {"type": "string"}}),
               ("copy", "抄送: read-only recipients", {"recipients": {"type": "array", "items": {"type": "string"}},
                                                      "note": {"type": "string"}}),
               ("withdraw", "撤回 one's own completed step (task id of that step)", {"reason": {"type": "string"}}),
               ("return", "退回 to the previous or a named earlier step", {"reason": {"type": "string"},
                                                                       "target": {"type": "string"}}),
               ("jump", "跳转 (supervisor) to an earlier step or forward past the steps between", {"reason": {"type": "string"},
                                                                  "target": {"type": "string"}}),
               ("add-signer", "加签: add a signer to a running joint sign-off", {"signer": {"type": "string"},
                                                                            "reason": {"type": "string"}}),
               ("remove-signer", "减签: remove this instance's signer", {"reason": {"type": "string"}}),
           )},
        "/cases/{id}/documents": {"post": {"summary": "Issue an official document (PDF at /documents/{id}/pdf)",
            "parameters": [_path_id("id")], "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "required": ["kind"], "properties": {
                    "kind": {"type": "string", "enum": ["acceptance_notice", "supplement_notice", "refusal_decision",
                                                        "approval_decision", "denial_decision"]},
                    "reasons": {"type": "string"}, "items": {"type": "array", "items": {"type": "string"}}}}}}},
            "responses": {"201": _json({"type": "object"}), **_errors(400, 401, 403, 404)}}},
        "/documents/{id}/pdf": {"get": {"parameters": [_path_id("id")], "responses": {
            "200": {"description": "the PDF", "content": {"application/pdf": {}}}, **_errors(401, 403, 404, 503)}}},
        "/cases/{id}/licence": {"get": {"parameters": [_path_id("id")], "responses": {
            "200": _json({"type": "object"}), **_errors(401, 403, 404)}}},
        "/licences/{code}": {"get": {"security": [], "summary": "Verify an electronic licence",
            "parameters": [_path_id("code", "string")], "responses": {"200": _json({"type": "object"}), **_errors(404)}}},
        "/licences/{code}/revoke": {"post": {"parameters": [_path_id("code", "string")], "requestBody": {"content": {
            "application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {
                "reason": {"type": "string"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403, 404, 409)}}},
        "/users/{id}/absence": {"put": {"summary": "Record an absence (AB岗: the backup acts meanwhile)",
            "parameters": [_path_id("id", "string")], "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"from": {"type": ["string", "null"], "format": "date-time"},
                                                 "until": {"type": ["string", "null"], "format": "date-time"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403, 404)}}},
        "/exchange/facts": {"post": {
            "summary": "A ministry system reports facts of its cases (data-exchange accounts); all or nothing",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["facts"],
                "properties": {"facts": {"type": "array", "items": {"type": "object"},
                               "description": "see docs/exchange-facts.schema.json"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403)}}},
        "/exchange/batches": {"post": {
            "summary": "Import a batch file of facts (.json or .csv); the same file again imports nothing",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 401, 403, 413)}}},
        "/openapi.json": {"get": {"security": [], "responses": {"200": _json({"type": "object"})}}},
    },
}

SPEC["paths"].update(signal_paths)


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(SPEC)
