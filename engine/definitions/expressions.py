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
* The builtins and guards restricted code runs with are ``expression_guards.py``. ``def``/``lambda`` are allowed
  in scripts, but functions (like every callable) are never written back into task data.
* Compiled code is cached per source string (``functools.lru_cache``). Every refusal or failure is an
  :class:`ExpressionError` carrying the source and, when known, the line.

Bounds (no expression can hang a thread or fill the memory; issue 15)
----------------------------------------------------------------------
* Operators, builtins and text methods check their operands before computing (``expression_guards.py``: results
  within ``MAX_INT_BITS`` and ``MAX_LENGTH``), and so do f-string format specs (written out, widths at most
  ``MAX_LENGTH``). An operation on constants alone is checked here when the source is compiled, so deploy (and the
  modeler's check) refuse ``9 ** 9 ** 9 > 0`` at once.
* Every script, and every expression with code of its own (a comprehension, generator or lambda: the only way an
  expression loops), runs under a step budget and a wall-clock limit (``Limits.steps``/``seconds``,
  ``SHENPI_EXPRESSION_STEP_LIMIT``/``_TIME_LIMIT``): a trace function of the evaluating thread (``sys.settrace``:
  any thread, no signals) counts the lines the restricted code runs, reads the monotonic clock at each, and stops
  it with :class:`StepLimitExceeded`, a ``BaseException`` that ``except Exception`` cannot swallow; bare
  ``except:``, ``finally:`` and the names of the base exceptions are refused, so nothing runs on once it is raised.
* A script may leave at most ``Limits.data_bytes`` (``SHENPI_SCRIPT_DATA_MAX_BYTES``) of data in the case.
* What a timer expression evaluates to is checked at run time (:class:`RestrictedScriptEngine`) as deploy checks
  the constants of the file (``timer_values.timer_problem``), within ``Limits.timer_max_days``
  (``SHENPI_TIMER_MAX_DAYS``).
"""

from __future__ import annotations

import ast
import functools
import operator
import re
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask

from ..errors import EngineError, InvalidInput, Message
from ..kernel import clock as clock_module
from . import timer_values
from .expression_guards import (
    BASE_EXCEPTIONS,
    BINOP_GUARDS,
    BUILTINS,
    GUARDS,
    MAX_LENGTH,
    REFUSED_ATTRS,
    ExpressionError,
    attr_refusal,
)

# --- bounds ----------------------------------------------------------------------------------------------------

DEFAULT_STEP_LIMIT = 100_000
DEFAULT_SECONDS = 5.0
DEFAULT_DATA_BYTES = 1024 * 1024
DEFAULT_TIMER_MAX_DAYS = 3660


@dataclass(frozen=True)
class Limits:
    """The settings an evaluation runs under (``engine.config``): lines one evaluation may run and the seconds it
    may take (checked at each line), bytes of data a script may leave in the case, days a timer may wait."""

    steps: int = DEFAULT_STEP_LIMIT
    seconds: float = DEFAULT_SECONDS
    data_bytes: int = DEFAULT_DATA_BYTES
    timer_max_days: int = DEFAULT_TIMER_MAX_DAYS


class StepLimitExceeded(BaseException):
    """Raised inside restricted code when its evaluation has used up its steps."""


class _BoundedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's checks, and the bounded operators as calls of their guards."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        name = ast.copy_location(ast.Name(id=guard[0], ctx=ast.Load()), node)
        return ast.copy_location(ast.Call(func=name, args=[node.left, node.right], keywords=[]), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        name = ast.copy_location(ast.Name(id="_shenpi_printable_", ctx=ast.Load()), node)
        text = ast.copy_location(ast.Constant(value="f-string"), node)
        node.value = ast.copy_location(ast.Call(func=name, args=[node.value, text], keywords=[]), node)
        return node


class _Budget(threading.local):
    """The evaluation running in this thread: lines it may still run, and the monotonic instant it must end by."""

    left: int | None = None
    deadline: float = 0.0


_budget = _Budget()
_monotonic = time.monotonic  # a test may count instead


def _trace_calls(frame: FrameType, event: str, arg: Any) -> Any:
    """The thread's trace function during an evaluation: lines of the restricted code count, nothing else does."""
    if frame.f_code.co_filename != "<string>":
        return None
    return _count_lines


def _count_lines(frame: FrameType, event: str, arg: Any) -> Any:
    if event == "line" and _budget.left is not None:
        _budget.left -= 1
        if _budget.left < 0:
            raise StepLimitExceeded("steps")
        if _monotonic() > _budget.deadline:
            raise StepLimitExceeded("seconds")
    return _count_lines


@functools.lru_cache(maxsize=8192)
def _loops(code: CodeType) -> bool:
    """Whether an expression's code can run Python code repeatedly: only through code of its own (a comprehension,
    a generator expression, a lambda). One without runs a bounded number of operations on bounded operands, and
    needs no budget (scripts, with their loops, always run under one)."""
    return any(isinstance(const, CodeType) for const in code.co_consts)


def _run_bounded(code: CodeType, namespace: dict[str, Any], limits: Limits, evaluate: bool) -> Any:
    if evaluate and not _loops(code):
        return eval(code, namespace)
    previous, outer = sys.gettrace(), (_budget.left, _budget.deadline)
    _budget.left, _budget.deadline = limits.steps, _monotonic() + limits.seconds
    sys.settrace(_trace_calls)
    try:
        return eval(code, namespace) if evaluate else exec(code, namespace)
    except StepLimitExceeded as stop:
        if stop.args == ("seconds",):
            raise ExpressionError(Message("expr_time_limit", limit=limits.seconds)) from None
        raise ExpressionError(Message("expr_step_limit", limit=limits.steps)) from None
    finally:
        sys.settrace(previous)
        _budget.left, _budget.deadline = outer


def _data_size(value: Any, limit: int) -> int:
    """About the bytes ``value`` takes as JSON, counted until past ``limit``."""
    size, stack, seen = 0, [value], 0
    while stack and size <= limit:
        item = stack.pop()
        seen += 1
        if isinstance(item, str):
            size += len(item.encode("utf-8", "surrogatepass")) + 2
        elif isinstance(item, (bytes, bytearray)):
            size += len(item) * 2
        elif isinstance(item, dict):
            size += 2
            for key, entry in item.items():
                stack.append(key)
                stack.append(entry)
        elif isinstance(item, (list, tuple, set, frozenset)):
            size += 2 + len(item)
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            size += item.bit_length() // 3 + 2
        else:
            size += 16
    return size


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
        *BASE_EXCEPTIONS,
    }
)
# Plausible task-data keys ("type", "input" ...): only *calling* them is refused (data is never callable).
_REFUSED_CALLS = frozenset({"type", "dir", "help", "input", "object", "property"})
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


def _refuse(source: str, line: int | None, what: str) -> ExpressionError:
    return ExpressionError(Message("expr_at_line", line=line, what=what) if line else what, source, line)


_NOT_CONSTANT = object()
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
_FOLDED = {
    **{op: guard for op, (_, guard) in BINOP_GUARDS.items()},
    ast.Sub: operator.sub,
    ast.FloorDiv: operator.floordiv,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}


def _constant(node: ast.AST, folded: dict[int, Any]) -> Any:
    """The value of an operation on constants alone, computed through the guards (so a refusal is raised here);
    ``_NOT_CONSTANT`` for anything else or an operation that fails otherwise (left to run time)."""
    key = id(node)
    if key in folded:
        return folded[key]
    value: Any = _NOT_CONSTANT
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bytes)):
        value = node.value
    elif isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) <= 100:
        items = [_constant(element, folded) for element in node.elts]
        if all(item is not _NOT_CONSTANT for item in items):
            value = items if isinstance(node, ast.List) else tuple(items)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        operand = _constant(node.operand, folded)
        if operand is not _NOT_CONSTANT:
            value = _folded(_UNARY[type(node.op)], operand)
    elif isinstance(node, ast.BinOp) and type(node.op) in _FOLDED:
        left, right = _constant(node.left, folded), _constant(node.right, folded)
        if left is not _NOT_CONSTANT and right is not _NOT_CONSTANT:
            value = _folded(_FOLDED[type(node.op)], left, right)
    folded[key] = value
    return value


def _folded(function: Any, *operands: Any) -> Any:
    try:
        return function(*operands)
    except ExpressionError:
        raise
    except Exception:
        return _NOT_CONSTANT


def _check_format_spec(spec: ast.expr) -> Message | None:
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    if not all(isinstance(part, ast.Constant) for part in parts):
        return Message("expr_format_spec_computed")
    text = "".join(str(part.value) for part in parts if isinstance(part, ast.Constant))
    if any(len(number) > 9 or int(number) > MAX_LENGTH for number in re.findall(r"\d+", text)):
        return Message("expr_result_too_long", operator="f-string", limit=MAX_LENGTH)
    return None


def _check_tree(tree: ast.AST, source: str) -> None:
    folded: dict[int, Any] = {}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            raise _refuse(source, line, Message("expr_handler_refused", statement="except:"))
        if isinstance(node, (ast.Try, ast.TryStar)) and node.finalbody:
            raise _refuse(source, line, Message("expr_handler_refused", statement="finally:"))
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            problem = _check_format_spec(node.format_spec)
            if problem is not None:
                raise _refuse(source, line, problem)
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            try:
                _constant(node, folded)
            except ExpressionError as exc:
                raise _refuse(source, line, exc.message) from None
        if type(node) in _REFUSED_STATEMENTS:
            raise _refuse(
                source, line, Message("expr_statement_refused", statement=repr(_REFUSED_STATEMENTS[type(node)]))
            )
        if isinstance(node, ast.Name) and node.id in _REFUSED_NAMES:
            raise _refuse(source, line, Message("expr_name_refused", name=repr(node.id)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REFUSED_CALLS:
            raise _refuse(source, line, Message("expr_call_refused", name=repr(node.func.id)))
        if isinstance(node, ast.Attribute) and node.attr in REFUSED_ATTRS:
            raise _refuse(source, line, attr_refusal(node.attr))


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
    result = compiler(text, "<string>", policy=_BoundedTransformer)
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
    if isinstance(exc, EngineError):  # a function offered to expressions refused its arguments
        return ExpressionError(exc.message, source, line)
    return _refuse(source, line, Message("expr_failed", error=type(exc).__name__, detail=str(exc)))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment running everything as RestrictedPython bytecode, within ``limits``."""

    def __init__(self, functions: dict[str, Any] | None = None, limits: Limits | None = None) -> None:
        super().__init__(dict(functions or {}))
        self.limits = limits or Limits()

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
            return _run_bounded(code, self._namespace(context, external_context), self.limits, evaluate=True)
        except Exception as exc:
            raise _failure(expression, exc) from exc

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = _compile_script(script)
        namespace = self._namespace(context, external_context)
        try:
            _run_bounded(code, namespace, self.limits, evaluate=False)
        except Exception as exc:
            raise _failure(script, exc) from exc
        hidden = set(self.globals) | set(external_context or ())
        kept = {
            name: value
            for name, value in namespace.items()
            if not (name.startswith("_") or name in hidden or callable(value))
        }
        size = _data_size(kept, self.limits.data_bytes)
        if size > self.limits.data_bytes:
            raise ExpressionError(Message("script_data_too_large", limit=self.limits.data_bytes), script)
        for name in [name for name in context if name not in namespace]:
            del context[name]  # `del x` in the script
        context.update(kept)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ExpressionError(Message("expr_service_task"))


class RestrictedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose validation applies the restrictions, which reports our line numbers, and which
    checks what a timer expression gives (``timer_values.timer_problem``) before SpiffWorkflow reads it."""

    def __init__(self, environment: RestrictedEnvironment) -> None:
        super().__init__(environment=environment)
        self.limits = environment.limits

    def validate(self, expression: str) -> None:
        check_expression(expression)

    def evaluate(self, task: SpiffTask, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        timer = timer_values.timer_of(task.task_spec)
        if timer is not None and timer.expression == expression:
            kind = timer_values.timer_kind(timer)
            problem = timer_values.timer_problem(kind, value, clock_module.now(), self.limits.timer_max_days)
            if problem is not None:
                refusal = ExpressionError(problem, expression)
                raise WorkflowTaskException(str(problem), task=task, exception=refusal) from refusal
        return value

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


def check_waiting_timer(task: SpiffTask) -> None:
    """Refuse to go on with a cycle timer that waits with an interval of zero or less (``"R/PT0S"`` started before
    timer values were checked): SpiffWorkflow would fire it without end. Raised as SpiffWorkflow's own failure, so
    the step is refused like any other over a bound."""
    timer = timer_values.timer_of(task.task_spec)
    if not isinstance(timer, CycleTimerEventDefinition):
        return
    value = task.internal_data.get("event_value")
    if isinstance(value, dict) and value.get("cycles") != 0 and not _positive(value.get("duration")):
        problem = Message("timer_cycle_not_positive", kind="timeCycle", value=repr(timer.expression))
        refusal = ExpressionError(problem, timer.expression)
        raise WorkflowTaskException(str(problem), task=task, exception=refusal) from refusal


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def make_script_engine(functions: dict[str, Any] | None = None, limits: Limits | None = None) -> PythonScriptEngine:
    return RestrictedScriptEngine(environment=RestrictedEnvironment(functions, limits))


# Refusals of a bound: a step that meets one is refused with this reason (and the element), not a generic failure.
BOUND_REASONS = frozenset(
    {
        "expr_number_too_large",
        "expr_result_too_long",
        "expr_step_limit",
        "expr_time_limit",
        "script_data_too_large",
        "timer_value_invalid",
        "timer_cycle_not_positive",
        "timer_too_long",
        "timer_date_out_of_range",
        "timer_date_unrepresentable",
        "timer_working_time_too_long",
    }
)


def step_refusal(exc: WorkflowException) -> InvalidInput | None:
    """The engine error for a step SpiffWorkflow could not run because an expression or timer went over its
    bounds: ``step_over_bounds`` naming the element, the bound (its reason) and its wording; None for any other
    failure."""
    inner: BaseException | None = exc
    while inner is not None and not isinstance(inner, ExpressionError):
        inner = inner.__cause__ or inner.__context__
    message = inner.message if isinstance(inner, ExpressionError) else None
    while isinstance(message, Message) and message.reason == "expr_at_line":
        message = message.params.get("what")
    if isinstance(message, Message) and message.reason in BOUND_REASONS:
        task = getattr(exc, "task", None)
        element = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or getattr(exc, "task_spec", None)
        return InvalidInput(
            "step_over_bounds", element=str(element) if element else "?", bound=message.reason, detail=message
        )
    return None
