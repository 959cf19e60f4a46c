"""Process definitions (the repository): safe parsing and validation of BPMN, deploying versions and caching
parsed specs, step forms, the restricted expressions of conditions, timers and scripts, the diff between two
versions, the administrator's overview of processes, a flow's outline as the applicant reads it, and the conformance corpus offered to the modeler. What the
modeler's Shenpi extension (namespace ``outcomes.SHENPI_NS``) says — an end event's outcome, a timer's role, a
step's escalation — is read in ``outcomes`` and ``step_settings``.
"""

from __future__ import annotations

from .conformance import list_files as list_conformance_files
from .conformance import read_file as read_conformance_file
from .definition_diff import compare as compare_definitions
from .expression_guards import ExpressionError
from .expressions import Limits, check_expression, data_names, make_script_engine, step_refusal
from .forms import Field, Form
from .outline import outline as flow_outline
from .outline import outline_with_states as flow_outline_with_states
from .process_overview import ProcessOverview
from .repository import MAX_NOTE, ParsedProcess, RepositoryService

__all__ = [
    "ProcessOverview",
    "compare_definitions",
    "list_conformance_files",
    "read_conformance_file",
    "ExpressionError",
    "Limits",
    "step_refusal",
    "MAX_NOTE",
    "check_expression",
    "data_names",
    "Field",
    "Form",
    "flow_outline",
    "flow_outline_with_states",
    "ParsedProcess",
    "RepositoryService",
    "make_script_engine",
]
