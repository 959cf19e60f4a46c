"""Process definitions (the repository): safe parsing and validation of BPMN, deploying versions and caching
parsed specs, step forms, the restricted expressions of conditions, timers and scripts, the diff between two
versions, the administrator's overview of processes, and the conformance corpus offered to the modeler. What the
modeler's Shenpi extension (namespace ``outcomes.SHENPI_NS``) says — an end event's outcome, a timer's role, a
step's escalation — is read in ``outcomes`` and ``step_settings``.
"""
from __future__ import annotations

from . import conformance
from . import definition_diff
from . import expressions
from . import process_overview
from .repository import MAX_NOTE, ParsedProcess, RepositoryService
from .forms import Field, Form
from .expressions import ExpressionError, make_script_engine

__all__ = ["ExpressionError", "Field", "Form", "MAX_NOTE", "ParsedProcess", "RepositoryService", "conformance",
           "definition_diff", "expressions", "make_script_engine", "process_overview"]
