"""Engine errors and the messages they carry.

Every error has a stable ``code`` — its kind, the API's ``error.code`` (``invalid_input``, ``not_found``, …) — and a
``reason``: a stable identifier of the exact refusal (``case_not_found``, ``task_already_claimed``, …) with the
``params`` its wording interpolates. ``MESSAGES`` below gives every reason its English wording, a template with
named ``%(param)s`` placeholders: ``str(exc)`` and ``exc.message`` are that English text, for logs and the command
line. The pages and the API word the reason in the reader's language (zh-CN or English) from the web layer's
catalogues (``web/messages.py``, ``web/translations/*/LC_MESSAGES/engine.po``, where the English template is the
message id and the reason its context); the engine knows nothing of Flask or Babel.

A message inside an error — one form field's problem, one line of an import file — is a :class:`Message`: a ``str``
(its English text) that also carries its reason and params, so the web layer can word it too.

Adding a refusal: raise ``InvalidInput("new_reason", field=..., name=...)``, add ``"new_reason": "English
%(name)s ..."`` to ``MESSAGES``, run ``make translations`` and translate the new entry in
``web/translations/zh/LC_MESSAGES/engine.po`` (``tests/unit/test_error_messages.py`` checks every reason).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

# Params that are also top-level keys of the API's error body (as they were before reasons existed); the other
# params go under ``params``.
DETAIL_KEYS = ("field", "fields", "errors", "error_count", "element", "line", "limit", "day", "year")


def english(reason: str, params: dict[str, Any]) -> str:
    """The reason's English wording with its params; an unknown reason is taken as the text itself."""
    template = MESSAGES.get(reason)
    if template is None:
        return reason
    return fill(template, params, ", ")


def fill(template: str, params: dict[str, Any], separator: str, shown: Callable[[Any], str] = str) -> str:
    """``template % params`` with lists joined by ``separator`` and every value passed through ``shown``."""

    def value(v: Any) -> str:
        if isinstance(v, (list, tuple, set, frozenset)):
            return separator.join(value(item) for item in v)
        return shown(v)

    try:
        return template % {key: value(v) for key, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return template


class Message(str):
    """A message for a person: ``str`` is its English text; ``reason`` and ``params`` let the web layer word it."""

    reason: str
    params: dict[str, Any]

    def __new__(cls, reason: str, /, **params: Any) -> Message:
        params = {k: v for k, v in params.items() if v is not None}
        self = super().__new__(cls, english(reason, params))
        self.reason = reason
        self.params = params
        return self

    def __reduce__(self) -> tuple[Callable[[str, dict[str, Any]], Message], tuple[str, dict[str, Any]]]:
        return _message, (self.reason, self.params)

    def __repr__(self) -> str:
        return f"Message({self.reason!r}, {self.params!r})"


def _message(reason: str, params: dict[str, Any]) -> Message:
    return Message(reason, **params)


def plain(value: Any) -> Any:
    """A param as JSON: numbers, text, lists and objects stay; anything else (dates, …) becomes text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


class EngineError(Exception):
    code = "engine_error"
    status = 400

    def __init__(self, reason: str, /, **params: Any) -> None:
        self.message = Message(reason, **params)
        super().__init__(self.message)
        self.reason = reason
        self.params = self.message.params
        self.details = {k: v for k, v in self.params.items() if k in DETAIL_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """The API's error body with the English message (the web layer words it for the reader)."""
        body = {
            "code": self.code,
            "reason": self.reason,
            "message": str(self.message),
            **{k: plain(v) for k, v in self.details.items()},
        }
        params = {k: plain(v) for k, v in self.params.items() if k not in DETAIL_KEYS}
        if params:
            body["params"] = params
        return body


class InvalidInput(EngineError):
    code = "invalid_input"
    status = 400


class TooLarge(InvalidInput):
    """An upload beyond a size limit (one file, or everything a case may hold)."""

    code = "payload_too_large"
    status = 413


class InvalidCatalogue(InvalidInput):
    """A catalogue file that cannot be imported: ``errors`` lists every problem with its place in the file."""

    code = "invalid_catalogue"
    status = 422


class NotFound(EngineError):
    code = "not_found"
    status = 404


class PermissionDenied(EngineError):
    code = "forbidden"
    status = 403


class Conflict(EngineError):
    """Another transaction changed the case first (optimistic lock) or the task moved on."""

    code = "conflict"
    status = 409


class InvalidState(EngineError):
    code = "invalid_state"
    status = 409


class ProcessValidationError(EngineError):
    """A BPMN file that cannot be deployed; names the element and line when known."""

    code = "invalid_process"
    status = 422

    def __init__(self, reason: str, /, element: str | None = None, line: int | None = None, **params: Any) -> None:
        super().__init__(reason, element=element, line=line, **params)
        self.element = element
        self.line = line

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "element": self.element, "line": self.line}


# --- every reason's English wording ------------------------------------------------------------------------------
# Placeholders are %(name)s only; a list param is joined with ", " (with "、" in Chinese).

MESSAGES: dict[str, str] = {
    # identity
    "password_length": "a password must have %(min)s–%(max)s characters",
    "password_too_simple": "a password must mix letters with digits or symbols",
    "case_not_found": "case %(case)s does not exist",
    "case_of_another_unit": "this case belongs to another unit",
    "case_of_another_applicant": "this case belongs to another applicant",
    "user_not_found": "user %(user)s does not exist",
    "absence_period_invalid": (
        "an absence needs a start and an end, the end after the start (leave both empty to cancel it)"
    ),
    "absence_not_allowed": "only the official or an administrator may record an absence",
    "absence_without_backup": (
        "%(name)s has no backup official: nobody would act meanwhile, so no absence can be recorded"
    ),
    "password_not_allowed": "only the user or an administrator may set a password",
    "login_failed": "wrong user name or password",
    "username_format": "a user name must have 3–64 letters, digits or ._-@",
    "applicant_name_required": "enter a name or the organisation's name",
    "username_registered": "this user name is already registered",
    "token_invalid": "invalid or revoked token",
    "task_assigned_to_other": "this task is assigned to %(assignee)s",
    "task_of_another_department": "this task belongs to another department or post",
    # runtime
    "matter_not_published": "matter %(matter)s is not in the published catalogue",
    "process_could_not_start": "the process could not start: %(detail)s",
    "not_one_of": "%(field)s must be one of %(allowed)s",
    "termination_reason_required": "a reason is required to terminate a case",
    "terminate_not_allowed": "only the responsible department may terminate this case",
    "case_handled_elsewhere": (
        "case %(case)s is handled in another system (reported by data exchange); it has no workflow here"
    ),
    "task_not_found": "task %(task)s does not exist",
    "task_not_open": "task %(task)s is no longer open",
    "official_id_required": "name the official by user id",
    "official_not_in_post": "%(name)s does not hold the post %(post)s in %(department)s",
    "official_not_in_department": "%(name)s is not an official of %(department)s",
    "task_not_claimed": "the task is not claimed",
    "unclaim_not_allowed": "only the holder or the department head may release this task",
    "assign_not_allowed": "only the department head may assign tasks",
    "transfer_reason_required": "a reason is required to transfer a task",
    "transfer_not_allowed": "only the holder or the department head may transfer this task",
    "task_already_held_by": "the task is already held by that official",
    "delegate_not_allowed": "only the holder may delegate this task",
    "task_already_delegated": "the task is already delegated",
    "delegate_to_self": "a task cannot be delegated to oneself",
    "task_not_delegated": "the task is not delegated",
    "give_back_not_allowed": "only the delegate or the delegating official may end the delegation",
    "task_already_urged": "this task was already urged today (%(per_day)s per day)",
    "recipients_required": "recipients must be a non-empty list of user ids",
    "copy_not_allowed": "only the holder or the department head may copy this task",
    "pause_reason_required": "a reason is required to pause the clock",
    "supplement_missing_required": "a supplement notice lists every missing material at once (missing: [...])",
    "clock_not_started": "the clock starts at acceptance: this case has not been accepted",
    "clock_already_paused": "the clock is already paused",
    "clock_not_paused": "the clock is not paused",
    "clock_not_allowed": "only the responsible department may pause or resume this case's clock",
    "case_ended": "case %(number)s has ended",
    "case_changed_concurrently": "case %(number)s was changed by another request; reload and try again",
    "reason_required": "a reason is required",
    "withdraw_not_allowed": "only the official who completed this step may withdraw it",
    "step_not_withdrawable": "this step can no longer be withdrawn",
    "later_step_completed": "a later step has already been completed",
    "next_step_started": "the next step has already been started",
    "step_not_reachable": (
        "step %(step)s is neither an earlier step of this case nor one the flow can reach from %(current)s"
    ),
    "jump_needs_decision": (
        "cannot jump past %(step)s: the flow after it needs a decision only that step can give (%(detail)s)"
    ),
    "step_not_ahead": (
        "step %(step)s cannot be reached from %(current)s: the flow took another way or waits for other branches"
    ),
    "jump_not_allowed": (
        "only a supervisor overseeing this department, or an administrator, may move a case to another step"
    ),
    "step_not_open": "this step is no longer open",
    "no_step_to_return_to": "no earlier completed step %(step)s to return to",
    "signers_not_allowed": "only the head of the step's department may change its signers",
    "not_a_joint_sign_off": "this task is not part of a joint sign-off",
    "joint_sign_off_finished": "the joint sign-off has already finished",
    "signer_id_required": "name the signer by user id",
    "already_a_signer": "%(signer)s is already a signer",
    "signer_already_signed": "this signer has already signed",
    "last_signer": "a joint sign-off needs at least one signer",
    "task_already_claimed": "task %(task)s is already claimed by %(assignee)s",
    "task_claimed_by_other": "task %(task)s was claimed by someone else",
    "refusal_needs_reasons": "a refusal or a denial must give its reasons in the opinion",
    "step_could_not_complete": "the step could not be completed with this data: %(detail)s",
    "form_invalid": "the form has errors: %(labels)s",
    "accounts_inactive": "no such account or deactivated: %(accounts)s",
    "post_reference_format": '%(field)s must name a department and post as "department/post"',
    "post_vacant": "nobody holds the post %(post)s in %(department)s",
    "escalation_not_a_table": "%(source)s: escalation must be a table",
    "escalation_auto_approve": "%(source)s: automatic approval of overdue steps is not supported; remove auto_approve",
    "escalation_unknown_actions": "%(source)s: %(where)s: unknown action(s) %(unknown)s; known: %(known)s",
    # public, supervision
    "required": "%(field)s is required",
    "too_long": "%(field)s is longer than %(max)s characters",
    "sms_text_invalid": "text must be the message's text",
    "sms_rating_format": "reply as: %(keyword)s <case number> <1-5> [comment]",
    "sms_case_not_found": "no case of this number was applied for with this phone",
    "case_already_rated": "this case has already been rated",
    "scores_not_an_object": "scores must be an object of aspect: stars",
    "unknown_aspect": "unknown aspect %(aspect)s",
    "stars_out_of_range": "%(field)s must be a whole number of stars from 1 to 5",
    "overall_rating_required": "the overall rating is required",
    "phone_invalid": "%(field)s is not a telephone number",
    "anonymous_complaint_with_case": "an anonymous complaint cannot name one of your cases",
    "complaint_sign_in": "sign in to file a complaint under your name",
    "unknown_department": "unknown department %(department)s",
    "complaint_number_not_found": "no complaint has this reference number",
    "complaint_number_busy": "could not allocate a complaint number; try again",
    "case_not_ended_for_rating": "a case can be rated once it has ended",
    "document_not_found": "document %(document)s does not exist",
    "material_not_found": "material %(material)s does not exist",
    "supervision_item_not_found": "supervision item %(item)s does not exist",
    "supervision_item_not_supervised": "this supervision item belongs to a department you do not supervise",
    "supervisor_only": "only a supervisor of this department may do this",
    "supervision_item_status": "the supervision item's status does not allow this",
    "department_has_no_head": "%(department)s has no head to receive the notice",
    "supervision_response_not_allowed": "only the head of the department may respond to a supervision notice",
    "supervision_item_closed": "cannot extend: the item is closed",
    "supervision_already_extended": "the investigation has already been extended once; it cannot be extended again",
    "supervision_no_limit": "this item has no investigation limit to extend",
    "supervision_case_not_running": "only a running case can be put under supervision",
    "case_light_normal": "case %(number)s has no warning light: a supervision notice is sent on a yellow or red case",
    "case_already_noticed": "case %(number)s already has an open supervision notice (item %(item)s)",
    # casefiles
    "file_type_pdf": "PDF",
    "file_type_jpeg": "JPEG image",
    "file_type_png": "PNG image",
    "file_type_ofd": "OFD document",
    "file_type_docx": "Word document (DOCX)",
    "file_type_xlsx": "Excel workbook (XLSX)",
    "file_type_text": "plain text (UTF-8)",
    "file_type_elf": "an executable (ELF)",
    "file_type_windows_pe": "an executable (Windows PE)",
    "file_type_mach_o": "an executable (Mach-O)",
    "file_type_java_class": "an executable or Java class file",
    "file_type_script": "a script",
    "file_type_old_office": "an old Office document (may hold macros)",
    "file_type_rar": "a RAR archive",
    "file_type_7z": "a 7z archive",
    "file_type_gzip": "a gzip archive",
    "file_type_gif": "a GIF image",
    "file_type_unknown_binary": "unrecognised binary content",
    "file_type_zip": "a ZIP archive",
    "file_type_broken_zip": "a damaged ZIP file",
    "file_type_office_macros": "an Office document with macros",
    "file_type_other_zip": "another Office document or a ZIP archive",
    "no_extension": "(none)",
    "file_name_required": "every file needs a file name",
    "file_name_invalid": "file name %(name)s is empty once its path and control characters are removed",
    "file_no_content": "file %(name)s has no content",
    "file_empty": "file %(name)s is empty",
    "file_too_large": "file %(name)s is larger than the limit of %(limit)s bytes per file",
    "file_type_refused": "file %(name)s is not of an allowed type (its content is %(seen)s); allowed: %(allowed)s",
    "file_extension_mismatch": (
        "file %(name)s holds %(kind)s, which does not match its extension %(extension)s; use %(extensions)s"
    ),
    "document_number_busy": "could not allocate a document number; try again",
    "decision_needs_reasons": "this decision must state its reasons",
    "supplement_items_required": "list every missing material (items)",
    "document_not_allowed": "only the responsible department issues its documents",
    "pdf_unavailable": "PDF rendering is not available on this server: %(detail)s",
    "licence_not_found": "no licence has this verification code",
    "case_has_no_licence": "this case has no licence",
    "revocation_reason_required": "a reason is required to revoke a licence",
    "revoke_not_allowed": "only the issuing department may revoke this licence",
    "licence_already_revoked": "the licence is already revoked",
    "supplement_not_allowed": "only the case's applicant may supplement its materials",
    "no_supplement_pending": "no supplement notice is pending for this case",
    "application_materials_not_allowed": "only the applicant or the responsible department adds application materials",
    "application_already_accepted": "the application has been accepted: further materials come by supplement",
    "attachment_needs_open_step": "an attachment must name an open step of this case (task)",
    "step_closed": "step %(step)s is no longer open",
    "files_required": "send at least one file",
    "file_item_format": "each file must be (filename, content) or (filename, content, slot)",
    "slot_invalid": "slot must name a material of the service guide",
    "attachment_with_slot": "an official's attachment does not fill a material of the service guide",
    "materials_not_in_guide": "the service guide does not list these materials: %(materials)s",
    "too_many_case_files": "a case holds at most %(limit)s materials (it has %(count)s, adding %(adding)s)",
    "case_files_too_large": (
        "a case's materials add up to at most %(limit)s bytes (it has %(total)s, adding %(adding)s)"
    ),
    "stored_file_missing": "stored file %(sha256)s is missing",
    "stored_file_changed": "stored file %(sha256)s does not match its digest",
    "files_url_invalid": "%(url)s is not a file store address: expected a path, file:///path, db:, postgresql://… or "
    "s3://bucket/prefix?endpoint=…",
    # violations, performance
    "amount_not_a_number": "amount must be a number of yuan",
    "amount_invalid": "amount must be positive, in yuan with at most two decimals",
    "responsible_department_only": "only the responsible department may do this",
    "fee_item_invalid": "item must name the fee (1–200 characters)",
    "result_case_not_ended": "only a case that has ended can have its result published",
    "result_already_published": "this case's result is already published",
    "rule_params_not_an_object": "params must be an object",
    "rule_param_unknown": "rule %(rule)s has no parameter %(param)s",
    "rule_param_not_boolean": "%(param)s must be true or false",
    "rule_param_days": "%(param)s must be a whole number of working days (0–60)",
    "rule_param_names": "%(param)s must be a list of names",
    "rule_not_found": "no violation rule %(rule)s",
    "not_boolean": "%(field)s must be true or false",
    "department_name_required": "department must be a department's name",
    "department_rule_needs_department": "a department rule must name its department",
    "rule_level_not_allowed": "you may not change the supervision rules of this level",
    "signals_not_allowed": "only officials and supervisors see correction signals",
    "signal_not_found": "signal %(signal)s does not exist",
    "correction_required": "describe the correction",
    "signal_correction_not_allowed": "only the head of the unit may correct this signal",
    "signal_not_correctable": "only an open yellow signal can be corrected",
    "month_format": "month must be YYYY-MM",
    "performance_not_allowed": "only supervisors and administrators see the performance evaluation",
    "rules_not_allowed": "only officials, supervisors and administrators read the violation rules",
    "performance_archive_city_only": "only the city bureau's supervisors archive the evaluation of every unit",
    "visit_not_allowed": "only an official of a unit handling the case records the applicant's visits",
    "inspection_not_allowed": "only an official of the case's department records its post-approval inspections",
    "inspection_not_approved": "case %(number)s was not approved: there is no approval to inspect",
    "score_staff_only": "only officials, supervisors and administrators have a score",
    "manual_points_not_allowed": "only the supervisors over the official's unit record their daily points",
    "manual_points_range": "points must be a number from -%(max)s to %(max)s, not 0",
    "manual_points_day": "day must be a date (YYYY-MM-DD) not after today",
    "official_not_found": "no official %(official)s",
    "period_format": "period must be YYYY-MM, YYYY-Qn or YYYY",
    "performance_settings_city_only": "only the city bureau's supervisors change the scoring standard of every unit",
    "month_not_begun": "%(month)s has not begun",
    "month_not_over": "only a month that has ended can be archived, not %(month)s",
    "results_not_published": "no published results for %(month)s",
    "settings_not_an_object": "settings must be an object of key: number",
    "setting_unknown": "unknown setting %(field)s",
    "not_a_number": "%(field)s must be a number",
    "number_out_of_range": "%(field)s must be between %(low)s and %(high)s",
    "month_already_archived": "the evaluation of %(month)s is already archived",
    # exchange, cockpit, worklists, complaints, notices
    "exchange_account_only": "only a data-exchange account of a department reports external cases",
    "facts_required": "facts must be a non-empty list",
    "too_many_facts": "a batch holds at most %(max)s facts; split it",
    "unknown_matter": "unknown matter %(matter)s",
    "matter_of_other_department": "matter %(matter)s is not a matter of %(department)s",
    "new_case_needs_matter": "case %(case)s is new: one of its facts must give matter_code and applicant",
    "step_reported_twice": "case %(case)s reports %(step)s twice with different times",
    "batch_has_errors": "the batch has %(count)s error(s); nothing was imported",
    "text_too_long": "%(field)s must be text of at most %(max)s characters",
    "fact_not_an_object": "each fact must be a JSON object",
    "instant_format": "%(field)s must be an ISO-8601 time, e.g. 2026-11-20T10:30:00+08:00",
    "instant_in_future": "%(field)s is in the future",
    "decision_needs_outcome": "a decision needs an outcome: %(allowed)s",
    "applicant_name_missing": "%(field)s must be an object with a name",
    "upward_retry_not_allowed": "only a system administrator may retry upward reports",
    "upward_status_not_allowed": "only administrators and supervisors see the upward-reporting status",
    "cockpit_supervisors_only": "the supervision cockpit is for supervisors",
    "whole_number_range": "%(field)s must be a whole number from %(low)s to %(high)s",
    "date_format": "%(field)s must be a date (YYYY-MM-DD)",
    "date_range_reversed": "the date range ends before it starts",
    "complaints_not_allowed": "complaints are handled by supervisors and the heads of departments",
    "complaint_of_another_unit": "this complaint is handled by another unit",
    "complaint_closed": "this complaint is already decided and closed",
    "complaint_feedback_given": "the first feedback has already been given",
    "complaint_feedback_department_first": "the department complained about gives the first feedback within 24 hours;"
    " a supervisor may answer in its place once they have passed",
    "verification_not_found": "verification {verification} not found",
    "verification_supervisor_only": "only supervisors verify approvals",
    "verification_of_another_unit": "this verification concerns a department outside your supervision",
    "verification_not_allowed": "only staff of the case's department or its supervisors may record an appeal",
    "verification_closed": "this verification is already closed with a finding",
    "appeal_case_not_decided": "a reconsideration or lawsuit is recorded against a decided case",
    "complaint_acceptance_decided": "acceptance has already been decided",
    "working_days_range": "%(field)s must be a whole number of working days from 1 to %(high)s",
    "complaint_not_accepted": "only an accepted complaint can be forwarded",
    "forward_not_allowed": "you may forward only to departments you supervise",
    "complaint_answer_not_allowed": "only the head of the department the complaint was forwarded to may answer",
    "complaint_not_forwarded": "only a forwarded complaint can be answered",
    "complaint_not_answered": "only a complaint the department has answered can be closed",
    "complaint_not_found": "complaint %(complaint)s does not exist",
    "complaint_supervisor_only": "only a supervisor of the complaint's department may handle it",
    "unknown_sms_gateway": "unknown SMS gateway %(gateway)s; known: %(known)s",
    "email_invalid": "an e-mail address like name@example.gov.cn is required",
    "mobile_invalid": "a mobile phone number is required for SMS",
    "webhook_invalid": "a webhook needs an http(s) address",
    "no_webhook": "no webhook is set up",
    # catalogue
    "matter_code_format": "a matter code must have 3–64 letters, digits, - or _",
    "process_key_format": "a process key must have letters, digits or underscores",
    "matter_name_required": "enter the matter's name (at most 200 characters)",
    "matter_department_required": "choose the implementing unit",
    "matter_type_required": "choose the matter's type",
    "matter_handling_required": "choose how cases are handled",
    "star_level_range": "the online service level must be 1–5 stars",
    "statutory_limit_range": "the statutory limit must be 0–%(max)s working days",
    "promised_limit_range": "the promised limit must be 0–%(max)s working days",
    "promised_over_statutory": "the promised limit must not exceed the statutory limit",
    "inspection_days_range": "the post-approval inspection period must be 1–%(max)s calendar days (empty: no inspection duty)",
    "pledge_check_days_range": "the pledge check period must be 1–%(max)s working days (empty: the default of 20)",
    "immediate_limit": "an immediate matter promises at most 1 working day",
    "legal_basis_lines": "enter the legal basis line by line (at least one line, each at most 500 characters)",
    "conditions_lines": (
        "enter the conditions of acceptance line by line (at least one line, each at most 500 characters)"
    ),
    "materials_required": "list at least one application material",
    "material_name_missing": "material %(index)s has no name",
    "material_copies_range": "material %(index)s (%(name)s) needs 1–99 copies",
    "material_required_flag": "material %(index)s must say whether it is required",
    "fees_format": "the fees are malformed",
    "fee_item_missing": "fee %(index)s has no item name",
    "fee_standard_missing": "fee %(item)s has no standard (amount)",
    "fee_basis_missing": "fee %(item)s has no legal basis and may not be charged",
    "entry_field_missing": "%(source)s: missing field %(field)s",
    "entry_field_type": "%(source)s: field %(field)s must be %(type)s",
    "entry_not_one_of": "%(source)s: %(field)s must be one of %(allowed)s",
    "entry_star_level": "%(source)s: star_level must be between 1 and 5",
    "entry_promised_over_statutory": "%(source)s: the promised limit must not exceed the statutory limit",
    "entry_fee_without_basis": "%(source)s: fee %(item)s has no legal basis",
    "toml_invalid": "%(source)s: invalid TOML: %(detail)s",
    "process_id_differs": "%(source)s: process id %(process)s differs from key %(key)s",
    "matter_code_taken": "this matter code already exists",
    "matter_not_found": "matter %(matter)s does not exist",
    "change_note_too_long": "the change note has at most 500 characters",
    "matter_invalid": "the matter has errors; correct the marked fields",
    "matter_unchanged": "nothing changed: no new version is needed",
    "department_inactive": "unit %(department)s does not exist or is deactivated",
    "process_not_deployed": "process %(key)s is not deployed",
    "process_used_by_other_matter": "another matter already uses this process",
    "withdraw_reason_required": "give the reason for withdrawing the matter (2–500 characters)",
    "matter_already_withdrawn": "the matter is already withdrawn",
    "catalogue_admin_only": "only system administrators maintain the catalogue",
    "matter_field_code": "matter code",
    "matter_field_key": "process key",
    "matter_field_name": "matter name",
    "matter_field_department": "implementing unit",
    "matter_field_type": "matter type",
    "matter_field_summary": "summary",
    "matter_field_legal_basis": "legal basis",
    "matter_field_conditions": "conditions of acceptance",
    "matter_field_materials": "application materials",
    "matter_field_fees": "fees",
    "matter_field_statutory_limit_days": "statutory limit",
    "matter_field_promised_limit_days": "promised limit",
    "matter_field_handling": "handling",
    "matter_field_star_level": "online service level",
    "matter_field_online_depth": "online depth",
    "matter_field_inspection_days": "post-approval inspection period",
    "matter_field_pledge_check_days": "pledge check period",
    "matter_field_free": "free of charge",
    "matter_field_process_file": "process file",
    "catalogue_export_not_allowed": "only system administrators and monitors export the catalogue",
    "catalogue_import_not_allowed": "only system administrators import the catalogue",
    "too_many_matters": "at most %(max)s matters can be imported at once",
    "location_file": "file",
    "file_has_no_matters": "the file holds no matters",
    "catalogue_file_has_errors": "the file has %(count)s error(s); no matter was imported",
    "matter_code_repeated": "matter code %(code)s appears twice in the file (see also %(other)s)",
    "process_key_repeated": "process %(key)s is already used by matter %(matter)s in the file",
    "matter_field_missing": "%(label)s is missing",
    "summary_too_long": "the summary must be text of at most 2000 characters",
    "online_depth_range": "the online depth must be level 1–3",
    "free_yes_or_no": "free of charge must be yes or no",
    "free_with_fees": "a matter marked free of charge may not list fees",
    "fees_missing": "a charged matter must list its fees with their standards and legal basis",
    # organisation, deadlines, kernel
    "unit_id_format": "a unit code must have 1–64 letters, digits, - or _",
    "unit_id_taken": "this unit code already exists",
    "unit_name_in_use": (
        "%(name)s is referred to by matters, cases or process steps: renaming it would cut them "
        "off, so it cannot be renamed"
    ),
    "unit_move_into_itself": "a unit cannot be moved under itself or one of its subordinate units",
    "unit_already_inactive": "the unit is already deactivated",
    "unit_has_dependants": "%(name)s still has %(blockers)s and cannot be deactivated",
    "unit_active_users": "%(count)s active user(s)",
    "unit_active_children": "%(count)s active subordinate unit(s)",
    "unit_published_matters": "%(count)s published matter(s)",
    "unit_open_cases": "%(count)s open case(s)",
    "parent_unit_inactive_first": "the parent unit %(name)s is deactivated: reactivate it first",
    "unit_name_taken": "a unit of this name already exists",
    "parent_unit_not_found": "the parent unit does not exist",
    "parent_unit_inactive": "the parent unit %(name)s is deactivated",
    "organisation_admin_only": "only system administrators maintain the organisation",
    "unit_not_found": "unit %(unit)s does not exist",
    "unit_name_length": "a unit name must have 2–200 characters",
    "unit_level_required": "choose the unit's level",
    "unit_level_above_parent": (
        "a unit of level %(level)s cannot belong to %(parent)s, a unit of level %(parent_level)s"
    ),
    "unit_level_below_child": (
        "the subordinate unit %(child)s is of level %(child_level)s, so this unit cannot be of level %(level)s"
    ),
    "account_id_format": "a user name must have 2–64 letters, digits or ._-@",
    "account_id_taken": "this user name is already in use",
    "own_admin_role": "you cannot remove your own system administrator role",
    "deactivate_self": "you cannot deactivate your own account",
    "account_unit_inactive": "the user's unit is deactivated: reactivate the unit or move the user first",
    "account_name_required": "enter the name (at most 100 characters)",
    "account_roles_required": "choose at least one role",
    "applicant_with_staff_roles": "an applicant's account cannot also hold staff roles",
    "account_unit_not_active": "the unit does not exist or is deactivated",
    "account_unit_required": "officials must belong to a unit",
    "account_posts_limit": "at most %(max)s posts, each at most 50 characters",
    "account_phone_format": "the telephone number is malformed",
    "account_email_format": "the e-mail address is malformed",
    "backup_is_self": "the backup official cannot be the user",
    "backup_not_active": "the backup official does not exist or is deactivated",
    "backup_other_unit": "the backup official must belong to the same unit",
    "account_invalid": "the user's details have errors; correct the marked fields",
    "accounts_invalid": "the accounts have errors, so none was created; correct the marked rows",
    "accounts_admin_only": "only system administrators manage users",
    "office_hours_format": "office hours %(text)s must look like 09:00-12:00,13:30-17:30",
    "office_hours_order": "office hours %(text)s must be increasing, non-overlapping periods",
    "calendar_json_invalid": "%(source)s: not valid JSON (line %(at)s: %(detail)s)",
    "calendar_json_shape": '%(source)s: expected {"days": [{"date", "workday", "name"}, …]}',
    "calendar_csv_header": "%(source)s: the CSV header must have the columns date, workday and name",
    "calendar_item_error": "item %(line)s: %(detail)s",
    "calendar_line_error": "line %(line)s: %(detail)s",
    "calendar_file_has_errors": "%(source)s: nothing imported; %(first)s",
    "calendar_entry_not_an_object": "each entry must be an object with date and workday",
    "calendar_workday_flag": "workday must be true or false, not %(value)s",
    "calendar_dates_outside_year": "%(source)s: dates outside %(year)s: %(dates)s; nothing imported",
    "trail_checkpoints_off": (
        "checkpoints are off: SHENPI_TRAIL_KEY is not set, so a rewrite that re-hashes a chain "
        "up to its head cannot be detected"
    ),
    "trail_checkpoint_file_broken": (
        "the checkpoint file %(path)s cannot be continued: %(detail)s; see `shenpi trail verify`"
    ),
    "trail_checkpoint_file_unwritable": "the checkpoint file %(path)s cannot be written: %(detail)s",
    "trail_checkpoint_file_behind": (
        "the database records checkpoints up to %(recorded)s but the checkpoint file "
        "%(path)s ends at %(last)s: the file was truncated or replaced; see `shenpi "
        "trail verify`"
    ),
    "trail_checkpoint_record_lacks": (
        "the database's record lacks checkpoints %(first)s–%(last)s of the file %(path)s; see `shenpi trail verify`"
    ),
    "calendar_file_kind": "choose a CSV (date,workday,name) or JSON file with the holiday arrangement",
    "calendar_file_too_large": "the file is larger than %(limit)s bytes",
    "calendar_file_empty": "the file holds no dates",
    "calendar_file_not_utf8": "%(source)s: not UTF-8 text",
    "calendar_day_not_set": "%(day)s has no override to remove",
    "calendar_package_lacks_year": (
        "chinesecalendar has no holiday arrangement for %(year)s: import the State Council's notice"
    ),
    "not_text": "%(field)s must be text",
    "not_an_object": "%(field)s must be a JSON object",
    "data_key_not_allowed": (
        "%(field)s key %(key)s is not allowed: use letters, digits and underscores, not starting with _"
    ),
    "not_json_values": "%(field)s must contain only JSON values",
    "data_too_large": "%(field)s is larger than %(max)s bytes",
    "page_not_a_number": "page and per_page must be whole numbers",
    # definitions
    "bpmn_service_task": ("a service task needs a camunda:connector (connectorId http-connector) saying what it calls"),
    "bpmn_business_rule_task": "business-rule (DMN) tasks are not supported",
    "bpmn_connector_refused": "connector of %(owner)s: %(detail)s",
    "connector_url_invalid": "%(url)s is not an http(s) address (without a user name or password)",
    "connector_host_not_allowed": (
        "the host %(host)s is not one connectors may call (an administrator allows hosts in SHENPI_CONNECTOR_HOSTS)"
    ),
    "connector_host_unresolved": "the host %(host)s could not be resolved",
    "connector_response_too_large": "the answer was larger than %(limit)s bytes",
    "connector_unreachable": "the call could not be made: %(detail)s",
    "connector_status": "the service answered with status %(status)s",
    "connector_failed": "the call to %(url)s failed after %(attempts)s attempts: %(detail)s",
    "connector_juel_unsupported": "%(name)s: the JUEL form %(source)s is not one the engine translates",
    "connector_expression_refused": "%(name)s: %(detail)s",
    "connector_id_unknown": "connectorId %(value)s is not supported (only %(allowed)s)",
    "connector_input_unknown": "input parameter %(name)s is not one of %(allowed)s",
    "connector_output_name": "output parameter %(name)s is not a data name (letters, digits, underscores)",
    "connector_url_missing": "the input parameter url is missing",
    "connector_method_unknown": "method %(value)s is not one of %(allowed)s",
    "connector_header_invalid": "header %(name)s has no name or holds a line break",
    "connector_outputs_on_throw": (
        "only a service task waits for the answer: a send task or message throw event has no output parameters"
    ),
    "bpmn_juel_unsupported": (
        "%(owner)s: the JUEL expression %(source)s is not one of the forms the engine translates "
        "(${name}, ${!name}, comparisons such as ${amount > 1000} or ${type == 'A'}, &&, ||)"
    ),
    "bpmn_message_unknown": "the message %(ref)s is not declared in the file (bpmn:message)",
    "bpmn_message_without_name": "the message this element waits for has no name: %(detail)s",
    "bpmn_message_name_hint": "give its bpmn:message a name: POST /api/v1/messages delivers a message by its name",
    "message_not_waited": "no running case waits for the message %(name)s (case %(case)s)",
    "message_not_waited_correlation": "no running case waits for the message %(name)s with correlation %(correlation)s",
    "messages_integration_only": "only integration accounts and administrators send messages to cases",
    "message_case_or_correlation": "give the case number or the correlation of the message, not both",
    "bpmn_conditional_event": "conditional events are not supported",
    "bpmn_compensation": "compensation is not supported",
    "bpmn_link_event": "link events are not supported",
    "bpmn_transaction": "transactions are not supported",
    "bpmn_ad_hoc_subprocess": "ad-hoc subprocesses are not supported",
    "bpmn_complex_gateway": "complex gateways are not supported",
    "bpmn_file_empty": "the file is empty",
    "xml_not_well_formed": "not well-formed XML: %(detail)s",
    "xml_doctype": "documents with a DOCTYPE are refused (entity declarations are not allowed)",
    "bpmn_root_element": "the root element must be bpmn:definitions (BPMN 2.0 model namespace)",
    "bpmn_no_process": "the file has no bpmn:process",
    "bpmn_not_executable": 'no process is executable: set isExecutable="true" on the process to deploy',
    "bpmn_several_processes": "more than one executable process in one file; deploy one process per file",
    "bpmn_process_without_id": "the executable process has no id",
    "bpmn_no_start_event": "the process has no start event",
    "bpmn_interrupting_event_subprocess": (
        "the event subprocess %(subprocess)s starts by interrupting the flow (BPMN's default, and always so for an "
        'error start event), which the engine does not do: set isInterrupting="false" on its start event to run it '
        "beside the flow, or put a boundary event on the steps it should interrupt"
    ),
    "bpmn_reserved_id": "the id %(id)s is reserved by the engine; rename the element",
    "bpmn_unsupported_element": "unsupported element bpmn:%(name)s: %(why)s",
    "bpmn_unknown_element": "unknown or unsupported element bpmn:%(name)s",
    "bpmn_empty_expression": "empty bpmn:%(name)s",
    "bpmn_called_process_unknown": "the call activity calls the process %(key)s, which is not deployed: deploy it first",
    "bpmn_expression_language": (
        "the expression of %(owner)s is written in %(language)s, which the engine does not evaluate: write it as a "
        "Python-like condition (amount > 1000) or in the JUEL forms ${approved}, ${amount > 1000}"
    ),
    "bpmn_expression_refused": "refused expression in bpmn:%(name)s of %(owner)s: %(detail)s",
    "timer_working_time_not_date": (
        "timer of %(owner)s: %(function)s(N) gives a point in time: use it in a date "
        "timer (bpmn:timeDate), not bpmn:%(kind)s"
    ),
    "timer_expression_invalid": (
        "timer of %(owner)s: %(source)s is not a timer expression; write an ISO 8601 "
        'value such as PT2H or "PT2H", or working_days(N) / working_hours(N) in a date timer'
    ),
    "bpmn_task_without_lane": (
        "%(name)s %(id)s is in no lane: any official of the department of the matter that publishes the process "
        "handles it; put it in the lane of a post or department to say who"
    ),
    "bpmn_lane_without_name": "a lane holding user tasks must be named after its post or department",
    "bpmn_end_outcome_missing": (
        "end event %(id)s does not state the case outcome: choose it in the modeler's "
        "properties panel (shenpi:outcome: approved, denied, refused, terminated, or branch "
        "for a side branch that ends without deciding the case), or name the event "
        "%(names)s"
    ),
    "bpmn_end_outcome_neutral": (
        "end event %(id)s states no decision, nor does any end event of the process: its cases end as "
        "completed with no decision document; to decide them, choose the outcome in the properties panel "
        "or name the event %(names)s"
    ),
    "bpmn_timer_role_unknown": "boundary event %(id)s: shenpi:timerRole must be one of %(allowed)s, not %(value)s",
    "bpmn_escalation_unknown": (
        "user task %(id)s: unknown escalation action(s) %(unknown)s; known: %(known)s (or %(none)s)"
    ),
    "bpmn_end_outcome_unknown": "end event %(id)s: shenpi:outcome must be one of %(allowed)s, not %(value)s",
    "bpmn_flow_dangling": "sequence flow %(id)s has %(attr)s=%(ref)s, which is not in the process",
    "process_invalid": "invalid process: %(detail)s",
    "process_cannot_be_built": "the process cannot be built: %(detail)s",
    "upload_too_large": "the file is larger than %(limit)s bytes",
    "file_not_utf8": "the file is not UTF-8 encoded",
    "definition_not_found": "process definition %(definition)s does not exist",
    "process_not_found": "no deployed process with key %(key)s",
    "process_version_not_found": "process %(key)s has no version %(version)s",
    "conformance_file_not_found": "no conformance file named %(name)s",
    "form_data_misplaced": "camunda:formData belongs in the extensionElements of a user task",
    "form_data_twice": "user task %(task)s has more than one camunda:formData",
    "form_unexpected_element": (
        "form of %(task)s: unexpected element %(name)s in camunda:formData (only camunda:formField)"
    ),
    "form_duplicate_field": "form of %(task)s: duplicate field id %(id)s",
    "form_without_fields": "form of %(task)s has no camunda:formField",
    "form_field_place": "form of %(task)s, field %(field)s",
    "no_id": "(no id)",
    "form_field_id_invalid": (
        "%(where)s: the id must be a data name (letters, digits, underscores, not starting with _)"
    ),
    "form_field_type_unknown": "%(where)s: unknown type %(type)s; use one of %(allowed)s",
    "form_field_unexpected_element": (
        "%(where)s: unexpected element %(name)s (camunda:value, camunda:validation or camunda:properties)"
    ),
    "form_enum_without_values": "%(where)s: an enum field needs camunda:value children",
    "form_limits_reversed": "%(where)s: %(low)s %(low_value)s is greater than %(high)s %(high_value)s",
    "form_default_invalid": "%(where)s: defaultValue %(value)s is not valid: %(detail)s",
    "form_value_outside_enum": "%(where)s: camunda:value is only allowed in an enum field",
    "form_value_without_id": "%(where)s: a camunda:value needs an id (the stored value)",
    "form_duplicate_value": "%(where)s: duplicate enum value %(value)s",
    "form_validation_unexpected_element": "%(where)s: unexpected element %(name)s in camunda:validation",
    "form_constraint_unknown": "%(where)s: unknown constraint %(name)s; use one of %(allowed)s",
    "form_constraint_not_for_type": "%(where)s: constraint %(name)s does not apply to a %(type)s field",
    "form_constraint_twice": "%(where)s: constraint %(name)s is given twice",
    "form_constraint_without_config": "%(where)s: constraint %(name)s takes no config",
    "form_constraint_date": "%(where)s: constraint %(name)s needs an ISO date (2026-01-31) as config, not %(config)s",
    "form_constraint_number": "%(where)s: constraint %(name)s needs a whole number as config, not %(config)s",
    "form_constraint_negative": "%(where)s: constraint %(name)s cannot be negative",
    "form_no_such_field": "this step's form has no such field",
    "field_read_only": "read-only field: it cannot be changed",
    "field_required": "required",
    "field_not_text": "must be text",
    "field_too_many_characters": "at most %(max)s characters",
    "field_too_few_characters": "at least %(min)s characters",
    "field_too_many_people": "at most %(max)s people",
    "field_too_few_people": "at least %(min)s people",
    "field_not_whole_number": "must be a whole number",
    "field_number_out_of_range": "the number is out of range",
    "field_not_boolean": "must be yes or no",
    "field_not_a_date": "must be a date such as 2026-11-23",
    "field_choose": "choose one of: %(options)s",
    "field_option": "%(label)s (%(value)s)",
    "field_not_accounts": "must be a list of accounts",
    "field_accounts_malformed": "malformed accounts: %(accounts)s",
    "field_accounts_repeated": "repeated accounts: %(accounts)s",
    "field_before": "must not be before %(limit)s",
    "field_below": "must not be less than %(limit)s",
    "field_after": "must not be after %(limit)s",
    "field_above": "must not be greater than %(limit)s",
    "field_must_exceed": "must be greater than %(limit)s",
    "field_must_be_under": "must be less than %(limit)s",
    "field_one_of": "must be one of %(allowed)s",
    "field_too_many_items": "at most %(max)s items",
    "field_too_few_items": "at least %(min)s items",
    "field_not_a_number": "must be a number",
    "field_not_a_date_time": "must be a date and time such as 2026-11-23T09:00:00+08:00",
    "field_not_a_list": "must be a list",
    "field_not_an_object": "must be a JSON object",
    "field_invalid": "invalid value (%(detail)s)",
    "expr_attribute_refused": "attribute %(name)s is not allowed",
    "expr_format_refused": "attribute %(name)s is not allowed (use an f-string to format text)",
    "expr_operator_refused": "operator %(operator)s is not allowed",
    "expr_at_line": "Line %(line)s: %(what)s",
    "expr_statement_refused": "the %(statement)s statement is not allowed",
    "expr_name_refused": "%(name)s is not available in expressions and scripts",
    "expr_call_refused": "calling %(name)s is not allowed",
    "expr_not_text": "expected a string, got %(type)s",
    "expr_syntax_error": "syntax error: %(detail)s",
    "expr_not_compiled": "%(detail)s",
    "expr_failed": "%(error)s: %(detail)s",
    "expr_service_task": "service tasks are not supported",
    "expr_number_too_large": "the result of %(operator)s would have more than %(limit)s bits; refused before computing it",
    "expr_result_too_long": (
        "the result of %(operator)s would be longer than %(limit)s characters or items; refused before computing it"
    ),
    "expr_format_spec_computed": "the format specification of an f-string must be written out, not computed",
    "expr_handler_refused": (
        "%(statement)s is not allowed (nothing may run on once an evaluation is stopped); catch named exceptions "
        "such as ValueError"
    ),
    "expr_step_limit": "stopped after %(limit)s steps: the expression or script runs too long",
    "expr_time_limit": "stopped after %(limit)s seconds: the expression or script runs too long",
    "script_data_too_large": "the script would leave more than %(limit)s bytes of data in the case",
    "timer_value_invalid": (
        'bpmn:%(kind)s %(value)s is not a valid timer value (a duration such as "PT2H", a date and time such as '
        '"2026-12-01T09:00:00+08:00", a cycle such as "R3/PT1H")'
    ),
    "timer_cycle_not_positive": "bpmn:%(kind)s %(value)s: a cycle must repeat at least once, at an interval above zero",
    "timer_too_long": "bpmn:%(kind)s %(value)s lasts longer than the maximum of %(limit)s days",
    "timer_date_out_of_range": "bpmn:%(kind)s %(value)s is not within %(limit)s days of now",
    "timer_date_unrepresentable": "bpmn:%(kind)s %(value)s lies beyond the dates the engine can count with",
    "timer_working_time_too_long": "%(function)s(%(n)s): N must be a number from 0 to %(limit)s",
    "bpmn_timer_refused": "timer of %(owner)s: %(detail)s",
    "step_over_bounds": "%(element)s was refused: %(detail)s; nothing of the step was saved",
    # settings
    "settings_invalid": "invalid setting: %(problems)s",
    "setting_variable_refused": "%(variable)s=%(value)s (%(problem)s)",
    "setting_keyword_refused": "Settings(%(setting)s=%(value)s) (%(problem)s)",
    # web requests and integrations (file formats)
    "batch_file_field_required": "send the batch as a multipart file field named file (.json or .csv)",
    "batch_file_type": "a batch file is .json or .csv",
    "batch_json_invalid": "not valid JSON: %(detail)s at line %(at)s",
    "batch_json_shape": 'a JSON batch is {"facts": [...]} or a list of facts',
    "bearer_token_required": "send Authorization: Bearer <token> (create one with `shenpi token create USER`)",
    "body_not_an_object": "the request body must be a JSON object",
    "body_not_json": "the request body is not valid JSON (send Content-Type: application/json)",
    "bpmn_file_field_required": "send the BPMN file as multipart form field 'file'",
    "calendar_admin_only": "only a system administrator may edit the calendar",
    "calendar_day_required": "choose a date (YYYY-MM-DD)",
    "calendar_reason_required": "give the reason for the change (2–100 characters)",
    "calendar_workday_required": "choose whether the day is a working day or a day off",
    "catalogue_file_empty": "the file is empty; no matter was imported",
    "file_empty_plain": "the file is empty",
    "catalogue_file_field_required": "send the catalogue file as multipart form field 'file'",
    "catalogue_file_required": "choose an Excel (.xlsx) or JSON file to import",
    "catalogue_file_too_large": "the catalogue file is larger than the limit of %(kilobytes)s KB",
    "catalogue_format_version": "the file format must be %(format)s version %(version)s",
    "catalogue_json_invalid": "not a valid JSON file (UTF-8): %(detail)s",
    "catalogue_json_shape": "a JSON catalogue is an object listing its matters under matters",
    "cell_formula": "formulas are not accepted: enter a value",
    "cell_in_column": "column %(column)s: %(detail)s",
    "cell_not_whole_number": "must be a whole number",
    "cell_not_whole_number_value": "must be a whole number, not %(value)s",
    "cell_not_yes_no": "must be yes or no, not %(value)s",
    "channel_choice_format": '%(field)s: give {"enabled": true|false, "address": ...}',
    "choice_required": "%(field)s must be chosen",
    "code_not_in_sheet": "matter code %(code)s is not in sheet %(sheet)s",
    "column_unknown": "unknown column %(column)s",
    "columns_missing": "missing columns: %(columns)s",
    "csv_column_missing": "missing column %(column)s",
    "csv_column_unknown": "unknown column %(column)s",
    "csv_empty": "the CSV file is empty",
    "csv_header_wrong": "the CSV header is wrong; columns are %(columns)s",
    "csv_row_too_long": "a CSV row has more fields than the header",
    "csv_too_many_fields": "too many fields",
    "date_time_required": "enter a valid date and time",
    "deploy_admin_only": "only a system administrator may deploy processes",
    "excel_not_xlsx": "not a valid Excel (.xlsx) file",
    "excel_too_large_unpacked": "the Excel file is too large once unpacked; it is not read",
    "excel_unreadable": "the Excel file cannot be read; use the exported .xlsx template",
    "field_unknown": "unknown field %(name)s",
    "files_not_multipart": "send the files as multipart/form-data, field 'files' (repeated)",
    "form_field_not_json": "form field %(field)s must be JSON",
    "item_sheet_missing": "sheet %(sheet)s is missing (keep its header even when it has no rows)",
    "json_too_deep": "the JSON file is nested too deeply",
    "location_sheet": "sheet %(sheet)s",
    "location_sheet_header": "sheet %(sheet)s, row 1 (header)",
    "location_sheet_row": "sheet %(sheet)s, row %(row)s",
    "matter_not_an_object": "each matter must be a JSON object",
    "not_a_whole_number": "%(field)s must be a whole number",
    "operation_not_found": "no operation %(operation)s",
    "query_below_minimum": "query parameter %(field)s must be at least %(minimum)s",
    "query_not_an_integer": "query parameter %(field)s must be an integer",
    "query_too_large": "query parameter %(field)s is too large",
    "value_out_of_range": "%(field)s is beyond the largest value that exists (%(max)s)",
    "text_control_characters": "%(field)s contains a NUL or control character",
    "json_body_too_deep": "the JSON body nests deeper than %(max)s levels",
    "number_not_finite": "%(field)s must be a finite number",
    "request_invalid": "the request does not fit the API: %(problems)s",
    "request_field_problem": "%(field)s (%(problem)s)",
    "rule_param_not_a_number": "parameter %(param)s must be a whole number",
    "sheet_missing": "sheet %(sheet)s is missing",
    "sheet_too_many_rows": "the sheet has more than %(max)s rows",
    "short_text_required": "%(field)s must be a short text",
    "slots_mismatch": "send slot once for all files or once per file",
    "sms_inbound_disabled": "the SMS inbound callback is not configured (SHENPI_SMS_INBOUND_SECRET)",
    "sms_secret_required": "send the shared secret in %(header)s",
    "version_not_a_number": "the version must be a positive whole number",
    "working_days_not_a_number": "%(field)s must be a whole number of working days",
    "year_out_of_range": "year out of range",
    # moving running cases to another version (engine/runtime/migration.py)
    "migration_admin_only": "only process administrators may move running cases to another version",
    "migration_same_version": "the target version must differ from the source version (v%(version)s)",
    "migration_mapping_invalid": "the mapping pairs element ids of the old version with element ids of the new one "
    "(at most %(limit)s pairs)",
    "migration_source_unknown": "the mapping names %(element)s, which the source version does not have",
    "migration_target_unknown": "the mapping maps to %(element)s, which the target version does not have",
    "migration_cases_required": "name the cases to move by their ids, or choose all running cases",
    "migration_too_many_cases": "at most %(limit)s cases can be named in one migration",
    "migration_case_not_on_version": "case %(number)s does not run on version %(version)s",
    "migration_in_call_activity": (
        "case %(number)s is inside the call activity %(element)s (a called process runs): move it once the called "
        "process has ended"
    ),
    "migration_connector_call_moved": (
        "case %(number)s waits for the call of %(element)s, which version %(version)s does not make at the same "
        "element: move the case once the call is made"
    ),
    "migration_message_wait_moved": (
        "case %(number)s waits at %(element)s for the message %(name)s, which version %(version)s does not wait for "
        "at the same element: move the case once the message has come"
    ),
    "migration_in_subprocess": "the case is inside a subprocess; such cases cannot be moved to another version",
    "migration_no_target": "the current step %(element)s has no target in version %(version)s: map it to an element "
    "of that version",
    "migration_target_kind": "%(element)s (%(kind)s) cannot move to %(target)s (%(target_kind)s): an open element "
    "moves only to one of the same kind",
    "migration_parallel_changed": "the parallel gateway %(element)s has already split this case and its branches "
    "differ in version %(version)s",
    # incidents
    "unexpected_error": "unexpected error: %(error)s",
    "incident_not_found": "incident %(incident)s does not exist",
    "incident_not_open": "incident %(incident)s is already resolved",
    "incident_state_unknown": "unknown incident state %(state)s: open or resolved",
    "incidents_forbidden": "only administrators and supervisors may see incidents",
    "incidents_admin_only": "only administrators may retry or resolve incidents",
    "periodic_work_unknown": "no periodic work of kind %(kind)s",
    # intake, documents, licences, tracking
    "entry_number_range": "%(source)s: %(field)s must be a whole number from %(min)s to %(max)s",
    "reissue_reason_required": "this case already has a %(kind)s: issuing it again needs a reason",
    "progress_not_found": "no case has this number and query code",
    # the service desk: enquiries (首问负责), pledges (告知承诺制), form files (表格下载)
    "enquiry_field_invalid": "%(field)s is required as text of at most %(limit)s characters",
    "enquiry_matter_unknown": "matter %(matter)s does not exist",
    "enquiry_department_unknown": "no department is named %(department)s",
    "enquiry_officials_only": "only window officials of a department record enquiries",
    "enquiries_staff_only": "only officials, supervisors and administrators read enquiries",
    "pledge_materials_required": "name the materials the pledge stands in for",
    "pledge_not_allowed": "the catalogue does not accept a pledge in place of %(material)s",
    "pledge_applicant_or_window": "only the applicant or the department's window signs a pledge for this case",
    "pledge_case_ended": "the case has ended: no pledge can be signed any more",
    "pledge_checks_staff_only": "only officials, supervisors and administrators see pledge checks",
    "pledge_held_required": "say whether the pledge held (true or false)",
    "pledge_finding_required": "the check's finding is required (at most 4000 characters)",
    "pledge_not_found": "pledge %(pledge)s does not exist",
    "pledge_check_department_only": "only the case's department or its supervisors check a pledge",
    "pledge_check_before_approval": "a pledge is checked after its case was approved",
    "pledge_already_checked": "this pledge was already checked",
    "form_files_admin_only": "only administrators upload or remove form templates",
    "form_file_kind": "kind must be template or sample",
    "form_file_title": "the title is required (at most 200 characters)",
    "form_file_required": "choose the file to upload",
    "form_file_type": "a form must be a PDF, Word (.docx), Excel (.xlsx) or OFD file, not %(found)s",
    "form_files_too_many": "a matter holds at most %(limit)s form files",
    "form_file_not_found": "form file %(file)s does not exist",
    "material_pledge_flag": "material %(index)s: pledge must be true or false",
}
