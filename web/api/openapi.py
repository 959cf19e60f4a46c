"""The OpenAPI 3.1 description of /api/v1."""
from __future__ import annotations

from flask import jsonify

from . import bp, openapi_supervision
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
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "smsSecret": {"type": "apiKey", "in": "header", "name": "X-Shenpi-Sms-Secret"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"},
                               "reason": {"type": "string", "description": "stable id of the engine's exact refusal"},
                               "message": {"type": "string", "description": "in the Accept-Language (zh by default, en)"},
                               "params": {"type": "object", "description": "the values the message interpolates"},
                               "element": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]},
                               "field": {"type": "string"},
                               "fields": {"type": "object", "additionalProperties": {"type": "string"},
                                          "description": "invalid_input from a step's form: field id → what is wrong"},
                               "errors": {"type": "array", "items": _ref("CatalogueFileError"),
                                          "description": "invalid_catalogue: every problem of the file"},
                               "error_count": {"type": "integer"}}}}},
            "CatalogueFileError": {"type": "object", "required": ["location", "message"], "properties": {
                "location": {"type": "string", "description": "readable place: 工作表“事项”第 3 行, or matters[2].fees[0]"},
                "sheet": {"type": "string"}, "row": {"type": "integer", "description": "Excel row (1 = header)"},
                "path": {"type": "string", "description": "JSON path"}, "index": {"type": "integer"},
                "matter": {"type": "string", "description": "the matter's code, when known"},
                "field": {"type": ["string", "null"]}, "label": {"type": ["string", "null"]},
                "message": {"type": "string", "description": "what is wrong, in the Accept-Language"}}},
            "CatalogueImport": {"type": "object", "required": ["new", "changed", "unchanged"], "properties": {
                "new": {"type": "integer"}, "changed": {"type": "integer"}, "unchanged": {"type": "integer"},
                "matters": {"type": "object", "description": "new / changed / unchanged: [{code, name, version}]"},
                "sha256": {"type": "string"}, "format": {"type": "string", "enum": ["json", "xlsx"]},
                "filename": {"type": ["string", "null"]}}},
            "Evaluation": {"type": "object", "properties": {
                "month": {"type": "string"}, "archived": {"type": "boolean"},
                "complete": {"type": "boolean", "description": "the month has ended"},
                "digest": {"type": "string", "description": "archived months: SHA-256 of the snapshot"},
                "settings": {"type": "object", "description": "the scoring standard used: base, max_addition, "
                                                               "points per item"},
                "departments": {"type": "array", "items": {"type": "object", "properties": {
                    "rank": {"type": "integer"}, "name": {"type": "string"}, "score": {"type": "number"},
                    "indicators": {"type": "object", "description": "online_service_rate (网上办理率), "
                        "online_completion_rate (网上办结率), online_depth_rate (网上深化率), on_time_rate, "
                        "average_handling_days, overdue_count, satisfaction_rate, visits_per_case, …"},
                    "counts": {"type": "object"}, "lines": {"type": "array", "items": {"type": "object"}}}}},
                "officials": {"type": "array", "items": {"type": "object"}}}},
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
            "Complaint": {"type": "object", "required": ["id", "number", "status"], "properties": {
                "id": {"type": "integer"}, "number": {"type": "string"}, "anonymous": {"type": "boolean"},
                "subject": {"type": "string"}, "content": {"type": "string"},
                "department": {"type": ["string", "null"]}, "case_id": {"type": ["integer", "null"]},
                "status": {"type": "string", "enum": ["submitted", "accepted", "rejected", "forwarded", "answered", "closed"]},
                "decision": {"type": ["string", "null"], "enum": ["accepted", "rejected", None]},
                "first_feedback": {"type": ["string", "null"]}, "decision_reason": {"type": ["string", "null"]},
                "forwarded_to": {"type": ["string", "null"]}, "result": {"type": ["string", "null"]},
                "upheld": {"type": ["boolean", "null"]}, "light": {"type": "string"},
                "accept_due_at": {"type": ["string", "null"], "format": "date-time"},
                "feedback_due_at": {"type": ["string", "null"], "format": "date-time"},
                "result_due_at": {"type": ["string", "null"], "format": "date-time"},
                "open_limits": {"type": "object", "description": "feedback / acceptance / result → due instant"}}},
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
        "/me/notification-channels": {
            "get": {"summary": "The channels (email, sms, webhook) over which notices reach the signed-in user",
                    "responses": {"200": _json({"type": "object"}), **_errors(401)}},
            "put": {"summary": "Turn channels on (with an address) or off; a new webhook answers with its secret once",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                        "additionalProperties": {"type": "object", "required": ["enabled"], "properties": {
                            "enabled": {"type": "boolean"}, "address": {"type": ["string", "null"]}}}}}}},
                    "responses": {"200": _json({"type": "object"}), **_errors(400, 401)}}},
        "/complaints": {"get": {"summary": "Complaints the caller handles (supervisors: their units; a department "
                                           "head: those forwarded to the department), red first",
            "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": [
                "submitted", "accepted", "rejected", "forwarded", "answered", "closed"]}},
                {"name": "department", "in": "query", "schema": {"type": "string"}},
                {"name": "light", "in": "query", "schema": {"type": "string", "enum": ["none", "yellow", "green", "red"]}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": _json({"type": "array", "items": _ref("Complaint")}), **_errors(400, 401, 403)}}},
        "/complaints/{id}": {"get": {"parameters": [_path_id("id")], "responses": {
            "200": _json(_ref("Complaint")), **_errors(401, 403, 404)}}},
        **{f"/complaints/{{id}}/{name}": {"post": {"summary": summary, "parameters": [_path_id("id")],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": required,
                                                                        "properties": fields}}}},
            "responses": {"200": _json(_ref("Complaint")), **_errors(400, 401, 403, 404, 409)}}}
           for name, summary, required, fields in (
               ("feedback", "First feedback to the complainant (within 24 hours; supervisor)", ["text"],
                {"text": {"type": "string"}}),
               ("decision", "Accept, or reject with a reason (within 5 working days; supervisor)", ["accept"],
                {"accept": {"type": "boolean"}, "reason": {"type": "string", "description": "required to reject"}}),
               ("forwarding", "Forward an accepted complaint to a department; opens a supervision item", ["department"],
                {"department": {"type": "string"}, "note": {"type": "string"},
                 "days": {"type": "integer", "minimum": 1, "maximum": 60,
                          "description": "working days for the result (default SHENPI_COMPLAINT_RESULT_DAYS, 10)"}}),
               ("result", "The department head's result", ["result", "upheld"],
                {"result": {"type": "string"}, "upheld": {"type": "boolean"}}),
               ("closure", "Close an answered complaint; the result goes to a real-name complainant", [],
                {"note": {"type": "string"}}),
           )},
        "/sms/inbound": {"post": {"security": [{"smsSecret": []}],
            "summary": "The SMS provider's inbound callback: a reply `评价 <办件编号> <1-5> [意见]` rates the case "
                       "(matched by number and the applicant's phone; ended cases, once)",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["phone", "text"],
                "properties": {"phone": {"type": "string"}, "text": {"type": "string"}}}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                    "phone": {"type": "string"}, "text": {"type": "string"}}}}}},
            "responses": {"200": _json({"type": "object", "properties": {
                "ok": {"type": "boolean"}, "case_number": {"type": "string"}, "overall": {"type": "integer"},
                "reply": {"type": "string"}}}), **_errors(400, 401, 404, 409, 503)}}},
        "/catalogue/export": {"get": {"summary": "The published catalogue as a file (系统管理员, 系统监管员/电子监察员)",
            "parameters": [{"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "xlsx"],
                                                                         "default": "json"}},
                           {"name": "department", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "JSON (docs/catalogue-schema.json) or an Excel workbook", "content": {
                "application/json": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                **_errors(400, 401, 403)}}},
        "/catalogue/import": {"post": {"summary": "Import an Excel or JSON catalogue file (系统管理员): all or nothing; "
                                                  "each new or changed matter a new version",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": _json(_ref("CatalogueImport"), "imported"),
                          "422": {"description": "invalid_catalogue: nothing imported; `errors` lists every problem",
                                  "content": {"application/json": {"schema": ERROR}}},
                          **_errors(400, 401, 403, 413)}}},
        "/cockpit": {"get": {"summary": "Supervision cockpit (电子监察员、系统监管员; logged): running cases and open tasks "
                                    "by light, signals by colour and status, open 督办 items by light, complaints by "
                                    "status, and a per-department table, within the supervisor's units",
            "responses": {"200": _json({"type": "object", "properties": {
                "scope": {"type": ["string", "null"], "description": "the supervisor's unit; null: every unit"}, "cases": {"type": "object", "description": "light → count (none, yellow, green, red, paused)"},
                "tasks": {"type": "object"}, "signals": {"type": "object", "description": "colour → status → count"},
                "signals_open": {"type": "integer"}, "items": {"type": "object"}, "complaints": {"type": "object"},
                "departments": {"type": "array", "items": {"type": "object", "properties": {
                    "department": {"type": "string"}, "running": {"type": "integer"}, "yellow": {"type": "integer"},
                    "red": {"type": "integer"}, "signals_open": {"type": "integer"}, "items_open": {"type": "integer"}}}}}}),
                **_errors(401, 403)}}},
        "/cockpit/trends": {"get": {"summary": "Per Asia/Shanghai day (last `days`, default 30): cases started, ended, "
                                           "ended after the promised limit, signals raised; this month's rankings",
            "parameters": [{"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 366}},
                           {"name": "department", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": _json({"type": "object", "properties": {
                "trends": {"type": "object", "properties": {"days": {"type": "array", "items": {"type": "string"}},
                    "series": {"type": "object", "description": "started, ended, ended_overdue, signals_yellow, "
                                                               "signals_red: one count per day"}}},
                "rankings": {"type": "object", "properties": {"month": {"type": "string"},
                    "on_time": {"type": "array", "items": {"type": "object"}},
                    "red_signals": {"type": "array", "items": {"type": "object"}}}}}}),
                **_errors(400, 401, 403)}}},
        "/evaluations/{month}": {"get": {
            "summary": "绩效测评: a month (YYYY-MM) as archived, or computed now; departments and officials ranked by "
                       "score with their indicators (supervisors and administrators; each reading is logged)",
            "parameters": [_path_id("month", "string")],
            "responses": {"200": _json(_ref("Evaluation")), **_errors(400, 401, 403)}}},
        "/evaluations/{month}/archive": {"post": {
            "summary": "Archive an ended month for good (once; a chained SHA-256 digest and a trail row)",
            "parameters": [_path_id("month", "string")],
            "responses": {"201": _json({"type": "object", "properties": {
                "month": {"type": "string"}, "digest": {"type": "string"}, "prev_digest": {"type": "string"},
                "archived_at": {"type": "string", "format": "date-time"}, "archived_by": {"type": "string"}}}),
                **_errors(400, 401, 403, 409)}}},
        "/upward/status": {"get": {"summary": "Upward reporting to the provincial platform: pending, due, failed "
                                              "and sent records, failed rows with their last error, sent batches "
                                              "(administrators and supervisors)",
            "responses": {"200": _json({"type": "object", "properties": {
                "enabled": {"type": "boolean"}, "url": {"type": ["string", "null"]},
                "pending": {"type": "integer"}, "due": {"type": "integer"}, "sent": {"type": "integer"},
                "failed": {"type": "integer"}, "oldest_pending_at": {"type": ["string", "null"], "format": "date-time"},
                "next_retry_at": {"type": ["string", "null"], "format": "date-time"},
                "problems": {"type": "array", "items": {"type": "object"}},
                "batches": {"type": "array", "items": {"type": "object"}}}}), **_errors(401, 403)}}},
        "/upward/retry": {"post": {"summary": "Put every failed upward record back in line, in its batch (系统管理员)",
            "responses": {"200": _json({"type": "object", "properties": {"requeued": {"type": "integer"}}}),
                          **_errors(401, 403)}}},
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


SPEC["components"]["schemas"].update(openapi_supervision.SCHEMAS)
SPEC["paths"].update(openapi_supervision.PATHS)


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(SPEC)
