"""Process models: parsing, validation, expressions, timers, connectors."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
}
