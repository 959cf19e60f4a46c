"""Running cases: steps, operations, moving cases to another version, incidents."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
}
