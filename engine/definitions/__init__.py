"""Process definitions (the repository): safe parsing and validation of BPMN, deploying versions and caching
parsed specs, step forms, the restricted expressions of conditions, timers and scripts, the diff between two
versions, the administrator's overview of processes, and the conformance corpus offered to the modeler.
"""
from __future__ import annotations

from .conformance import list_files as list_conformance_files
from .conformance import read_file as read_conformance_file
from .definition_diff import compare as compare_definitions
from .process_overview import ProcessOverview
from .repository import ParsedProcess, RepositoryService
from .forms import Field, Form
from .expressions import ExpressionError, make_script_engine

__all__ = ["ProcessOverview", "compare_definitions", "list_conformance_files", "read_conformance_file", "ExpressionError", "Field", "Form", "ParsedProcess", "RepositoryService", "make_script_engine"]
