"""Restricted Python for BPMN conditions, timer expressions, completion conditions and script tasks.

Design
------
* Sources are compiled by RestrictedPython (``compile_restricted_eval`` / ``compile_restricted_exec``),
  which refuses names and attributes starting with ``_``, the inspect attributes (``gi_frame``,
  ``f_globals``, ``cr_frame`` ...), ``exec``/``eval``, and rewrites attribute access, item access,
  iteration, unpacking, in-place operators and writes into calls of guard functions.
* On top of that, a small AST check of ours refuses what RestrictedPython leaves to the runtime:
  ``import``/``global``/``nonlocal``/``class``/async statements, the names of dangerous builtins
  (``open``, ``getattr``, ``globals``, ``compile`` ...), calls of ``type``/``dir``/``help`` ..., and the
  attributes ``format``/``format_map``/``mro`` on anything (``"{0.__class__}".format(x)`` reads
  attributes behind the guards; use f-strings, whose fields go through the guards). The runtime
  attribute guard refuses the same attributes again.
* Builtins are ``safe_builtins`` + ``limited_builtins`` + a few pure helpers (all, any, sum, sorted ...),
  minus ``setattr``/``delattr``/``__build_class__``. ``def``/``lambda`` are allowed in scripts, but
  functions (like every callable) are never written back into task data.
* Compiled code is cached per source string (``functools.lru_cache``). Every refusal or failure is an
  :class:`ExpressionError` carrying the source and, when known, the line.
"""

from __future__ import annotations

import ast
import functools
import operator
import textwrap
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    raise_,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.task import Task as SpiffTask

from ..errors import Message


class ExpressionError(ValueError):
    """Refused or failing expression/script. ``message`` is a ``Message``: its reason and params let a page say it
    in the reader's language."""

    def __init__(self, message: str, source: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line


_EXTRA_BUILTINS = {
    f.__name__: f
    for f in (all, any, dict, enumerate, filter, frozenset, list, map, max, min, reversed, set, sorted, sum, tuple, zip)
}
BUILTINS = {
    name: value
    for name, value in {**safe_builtins, **limited_builtins, **_EXTRA_BUILTINS}.items()
    if name not in {"setattr", "delattr", "__build_class__", "_getattr_"}
}

# Never meaningful in an expression, whether or not task data uses the name.
_REFUSED_NAMES = frozenset(
    {
        "open",
        "exec",
        "eval",
        "compile",
        "getattr",
        "setattr",
        "delattr",
        "globals",
        "locals",
        "vars",
        "breakpoint",
        "memoryview",
        "super",
        "classmethod",
        "staticmethod",
        "exit",
        "quit",
        "__import__",
        "__builtins__",
    }
)
# Plausible task-data keys ("type", "input" ...): only *calling* them is refused (data is never callable).
_REFUSED_CALLS = frozenset({"type", "dir", "help", "input", "object", "property"})
_REFUSED_ATTRS = frozenset({"format", "format_map", "mro"})
_REFUSED_STATEMENTS = {
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.ClassDef: "class",
    ast.AsyncFunctionDef: "async def",
    ast.AsyncFor: "async for",
    ast.AsyncWith: "async with",
    ast.Await: "await",
}


def _attr_refusal(name: str) -> Message:
    return Message("expr_format_refused" if name.startswith("format") else "expr_attribute_refused", name=repr(name))


def _guarded_getattr(obj: object, name: str, default: Any = raise_) -> Any:
    if name in _REFUSED_ATTRS:
        raise ExpressionError(_attr_refusal(name))
    return safer_getattr(obj, name, default)


_INPLACE = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "|=": operator.ior,
    "&=": operator.iand,
    "^=": operator.ixor,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE:
        raise ExpressionError(Message("expr_operator_refused", operator=op))
    return _INPLACE[op](x, y)


GUARDS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "__name__": "shenpi_restricted",
    "_getattr_": _guarded_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_apply_": lambda function, *args, **kwargs: function(*args, **kwargs),  # f(*args, **kwargs)
    "_print_": PrintCollector,  # print() output is collected and discarded
}


def _refuse(source: str, line: int | None, what: str) -> ExpressionError:
    return ExpressionError(Message("expr_at_line", line=line, what=what) if line else what, source, line)


def _check_tree(tree: ast.AST, source: str) -> None:
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if type(node) in _REFUSED_STATEMENTS:
            raise _refuse(
                source, line, Message("expr_statement_refused", statement=repr(_REFUSED_STATEMENTS[type(node)]))
            )
        if isinstance(node, ast.Name) and node.id in _REFUSED_NAMES:
            raise _refuse(source, line, Message("expr_name_refused", name=repr(node.id)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REFUSED_CALLS:
            raise _refuse(source, line, Message("expr_call_refused", name=repr(node.func.id)))
        if isinstance(node, ast.Attribute) and node.attr in _REFUSED_ATTRS:
            raise _refuse(source, line, _attr_refusal(node.attr))


def _compile(source: str, mode: str) -> CodeType:
    if not isinstance(source, str):
        raise ExpressionError(Message("expr_not_text", type=type(source).__name__), str(source))
    # BPMN text is often indented or wrapped in newlines; keep line numbers as in the source.
    if mode == "eval":
        text = "\n" * source[: len(source) - len(source.lstrip())].count("\n") + source.strip()
    else:
        text = textwrap.dedent(source).rstrip()
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        raise _refuse(source, exc.lineno, Message("expr_syntax_error", detail=exc.msg)) from None
    _check_tree(tree, source)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(text, "<string>")
    if result.errors or result.code is None:
        message = "; ".join(result.errors) or "cannot compile"
        line = None
        if message.startswith("Line ") and message[5 : message.find(":")].isdigit():
            line = int(message[5 : message.find(":")])
        raise ExpressionError(Message("expr_not_compiled", detail=message), source, line)
    return result.code


_compile_expression = functools.lru_cache(maxsize=8192)(functools.partial(_compile, mode="eval"))
_compile_script = functools.lru_cache(maxsize=2048)(functools.partial(_compile, mode="exec"))


def check_expression(source: str) -> None:
    _compile_expression(source)


def check_script(source: str) -> None:
    _compile_script(source)


def data_names(source: str) -> set[str]:
    """The case-data names an expression reads (not the builtins it calls, nor the names its comprehensions bind);
    ``check_expression`` first."""
    tree = ast.parse(source.strip(), mode="eval")
    read: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
    return read - bound - set(BUILTINS) - {"True", "False", "None"}


def _failure(source: str, exc: Exception) -> ExpressionError:
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<string>":
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(exc, ExpressionError):
        exc.source, exc.line = source, exc.line or line
        return exc
    return _refuse(source, line, Message("expr_failed", error=type(exc).__name__, detail=str(exc)))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment running everything as RestrictedPython bytecode."""

    def __init__(self, functions: dict[str, Any] | None = None) -> None:
        super().__init__(dict(functions or {}))

    def _namespace(self, context: dict[str, Any], external_context: dict[str, Any] | None) -> dict[str, Any]:
        namespace = dict(self.globals)
        if external_context:
            namespace.update(external_context)
        namespace.update(context)
        namespace.update(GUARDS)  # last: task data can never replace a guard
        return namespace

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = _compile_expression(expression)
        try:
            return eval(code, self._namespace(context, external_context))
        except Exception as exc:
            raise _failure(expression, exc) from exc

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = _compile_script(script)
        namespace = self._namespace(context, external_context)
        try:
            exec(code, namespace)
        except Exception as exc:
            raise _failure(script, exc) from exc
        hidden = set(self.globals) | set(external_context or ())
        for name in [name for name in context if name not in namespace]:
            del context[name]  # `del x` in the script
        for name, value in namespace.items():
            if not (name.startswith("_") or name in hidden or callable(value)):
                context[name] = value
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ExpressionError(Message("expr_service_task"))


class RestrictedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose validation applies the restrictions and which reports our line numbers."""

    def validate(self, expression: str) -> None:
        check_expression(expression)

    def call_service(self, task: SpiffTask, **kwargs: Any) -> Any:
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise WorkflowTaskException(str(err), task=task, exception=err) from err

    def get_error_line_number_and_content(self, script: str, err: Exception) -> tuple[int, str]:
        if isinstance(err, ExpressionError) and err.line:
            lines = script.splitlines()
            return err.line, lines[err.line - 1] if err.line <= len(lines) else ""
        return super().get_error_line_number_and_content(script, err)


def make_script_engine(functions: dict[str, Any] | None = None) -> PythonScriptEngine:
    return RestrictedScriptEngine(environment=RestrictedEnvironment(functions))
