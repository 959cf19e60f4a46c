"""Restricted Python for BPMN conditions, timer expressions and script tasks.

RestrictedPython compiles the source with guards: no imports, no names or attributes
starting with ``_``, no ``exec``/``eval``/``open``; attribute access goes through
``safer_getattr`` (which also refuses ``str.format``); writes go through a guard that
only allows plain data containers. Compiled code is cached per source string.
"""
from __future__ import annotations

import ast
import functools
import operator

from RestrictedPython import (
    compile_restricted_eval,
    compile_restricted_exec,
    limited_builtins,
    safe_builtins,
)
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)


class ExpressionError(ValueError):
    """A refused or failing expression or script."""

    def __init__(self, message: str, source: str = "", line: int | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line


_REFUSED_BUILTINS = {"setattr", "delattr", "__import__", "__build_class__", "_getattr_"}
_EXTRA_BUILTINS = {
    "all": all, "any": any, "dict": dict, "enumerate": enumerate, "list": list, "max": max, "min": min,
    "reversed": reversed, "set": set, "frozenset": frozenset, "sorted": sorted, "sum": sum, "map": map,
    "filter": filter,
}
BUILTINS = {k: v for k, v in {**safe_builtins, **limited_builtins, **_EXTRA_BUILTINS}.items()
            if k not in _REFUSED_BUILTINS}


def _inplace(op: str, x, y):
    operators = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
                 "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "|=": operator.ior,
                 "&=": operator.iand, "^=": operator.ixor}
    if op not in operators:
        raise ExpressionError(f"operator {op} is not allowed")
    return operators[op](x, y)


GUARDS = {
    "__builtins__": BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
    "__name__": "shenpi_expression",
    "__metaclass__": type,
}


_FORBIDDEN_NAMES = {"open", "exec", "eval", "compile", "getattr", "setattr", "delattr", "type", "vars", "globals",
                    "locals", "input", "help", "memoryview", "breakpoint", "dir", "object", "super", "classmethod",
                    "staticmethod", "property", "exit", "quit"}


def _check_names(tree, source: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _FORBIDDEN_NAMES:
            raise ExpressionError(f"Line {node.lineno}: {node.id!r} is not available in expressions and scripts",
                                  source, node.lineno)


def _parse(source: str, mode: str):
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ExpressionError(f"Line {exc.lineno}: {exc.msg}", source, exc.lineno) from None


def _refusal(source: str, errors) -> ExpressionError:
    message = "; ".join(errors)
    line = None
    if message.startswith("Line "):
        try:
            line = int(message[5:message.index(":")])
        except ValueError:
            line = None
    return ExpressionError(message, source, line)


@functools.lru_cache(maxsize=4096)
def _compile_expression(source: str):
    _check_names(_parse(source.strip(), "eval"), source)
    result = compile_restricted_eval(source.strip(), "<expression>")
    if result.errors or result.code is None:
        raise _refusal(source, result.errors or ["cannot compile"])
    return result.code


_REFUSED_STATEMENTS = {ast.Import: "import", ast.ImportFrom: "import", ast.Global: "global", ast.Nonlocal: "nonlocal",
                       ast.ClassDef: "class definitions", ast.AsyncFunctionDef: "async functions"}


@functools.lru_cache(maxsize=1024)
def _compile_script(source: str):
    tree = _parse(source, "exec")
    _check_names(tree, source)
    for node in ast.walk(tree):
        refused = _REFUSED_STATEMENTS.get(type(node))
        if refused:
            raise ExpressionError(f"Line {node.lineno}: {refused} is not allowed in a script", source, node.lineno)
    result = compile_restricted_exec(source, "<script>")
    if result.errors or result.code is None:
        raise _refusal(source, result.errors or ["cannot compile"])
    return result.code


def check_expression(source: str) -> None:
    _compile_expression(source)


def check_script(source: str) -> None:
    _compile_script(source)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that evaluates everything under RestrictedPython."""

    def __init__(self, functions: dict | None = None):
        super().__init__(dict(functions or {}))

    def _namespace(self, context: dict, external_context: dict | None) -> dict:
        namespace = dict(GUARDS)
        namespace.update(self.globals)
        if external_context:
            namespace.update(external_context)
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        code = _compile_expression(expression)
        return eval(code, self._namespace(context, external_context))  # noqa: S307 - restricted bytecode

    def execute(self, script, context, external_context=None):
        code = _compile_script(script)
        namespace = self._namespace(context, external_context)
        before = dict(namespace)
        exec(code, namespace)  # noqa: S102 - restricted bytecode
        for name, value in namespace.items():
            if name.startswith("_") or callable(value):
                continue
            if name in context or name not in before or before[name] is not value:
                context[name] = value
        return True

    def call_service(self, context, **kwargs):
        raise ExpressionError("service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    def validate(self, expression):
        check_expression(expression)


def make_script_engine(functions: dict | None = None) -> PythonScriptEngine:
    return RestrictedScriptEngine(environment=RestrictedEnvironment(functions))
