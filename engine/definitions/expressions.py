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

Bounds (no expression can hang a thread or fill the memory; issue 15)
----------------------------------------------------------------------
* ``**``, ``*``, ``<<``, ``+`` and ``%`` are rewritten into calls of guards that check their operands *before*
  computing: an integer result of at most ``MAX_INT_BITS`` bits, a text or list of at most ``MAX_LENGTH`` items,
  ``%`` formatting with widths written out and adding up to at most ``MAX_LENGTH``. The builtin ``pow`` and the
  text methods that pad, join, replace or translate are guarded the same way, and so are f-string format specs
  (written out, widths at most ``MAX_LENGTH``). An operation on constants alone is checked when the source is
  compiled, so deploy (and the modeler's check) refuse ``9 ** 9 ** 9 > 0`` at once.
* Every script, and every expression with code of its own (a comprehension, generator or lambda: the only way an
  expression loops), runs under a step budget and a wall-clock limit (``Limits.steps``/``seconds``,
  ``SHENPI_EXPRESSION_STEP_LIMIT``/``_TIME_LIMIT``): a trace function of the evaluating thread (``sys.settrace``:
  any thread, no signals) counts the lines the restricted code runs, reads the monotonic clock at each, and stops
  it with :class:`StepLimitExceeded`, a ``BaseException`` that ``except Exception`` cannot swallow; bare
  ``except:``, ``finally:`` and the names of the base exceptions are refused, so nothing runs on once it is raised.
* ``[x] * n`` and ``sum(lists, [])`` count every reference: repeating a list that holds a big list is as big as
  the copies would be (printing or comparing it goes through all of them). Writing a list or dict as text
  (``str``, ``repr``, an f-string field, ``%``) counts the same way first.
* A script may leave at most ``Limits.data_bytes`` (``SHENPI_SCRIPT_DATA_MAX_BYTES``) of data in the case.
* Timer values are checked by :func:`timer_problem` — at deploy for the constants of the file, and at run time
  (:class:`RestrictedScriptEngine`) for what a timer expression evaluates to: a duration never negative nor
  longer than ``Limits.timer_max_days`` (``SHENPI_TIMER_MAX_DAYS``), a date within that many days of now, a
  cycle with a positive interval and at least one repetition.
"""

from __future__ import annotations

import ast
import datetime as _dt
import functools
import math
import operator
import re
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType, FrameType
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
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask

from ..errors import EngineError, InvalidInput, Message
from ..kernel import clock as clock_module


class ExpressionError(ValueError):
    """Refused or failing expression/script. ``message`` is a ``Message``: its reason and params let a page say it
    in the reader's language."""

    def __init__(self, message: str, source: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line


# --- bounds ----------------------------------------------------------------------------------------------------

MAX_INT_BITS = 4096  # an integer computed by **, *, << or pow(): about 1,200 decimal digits
MAX_LENGTH = 1_000_000  # characters of a text, items of a list, computed by *, +, %, padding, join ...
DEFAULT_STEP_LIMIT = 100_000
DEFAULT_SECONDS = 5.0
DEFAULT_DATA_BYTES = 1024 * 1024
DEFAULT_TIMER_MAX_DAYS = 3660
# Exceptions only the engine raises: a script naming them could catch what stops it.
_BASE_EXCEPTIONS = frozenset({"BaseException", "GeneratorExit", "KeyboardInterrupt", "SystemExit"})


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


def _number_too_large(operator: str) -> ExpressionError:
    return ExpressionError(Message("expr_number_too_large", operator=operator, limit=MAX_INT_BITS))


def _too_long(operator: str) -> ExpressionError:
    return ExpressionError(Message("expr_result_too_long", operator=operator, limit=MAX_LENGTH))


def _is_int(value: object) -> bool:
    return isinstance(value, int)  # bool included


_SIZED = (str, bytes, bytearray, list, tuple)


def _pow(base: Any, exponent: Any, modulus: Any = None) -> Any:
    if modulus is not None:
        return pow(base, exponent, modulus)  # modular: as large as the modulus, computed in log(exponent) steps
    big = _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1
    if big and (exponent > MAX_INT_BITS or math.log2(abs(base)) * exponent > MAX_INT_BITS):
        raise _number_too_large("**")
    return base**exponent


def _mul(left: Any, right: Any) -> Any:
    _check_mul(left, right)
    return left * right


def _check_mul(left: Any, right: Any) -> None:
    if _is_int(left) and _is_int(right):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
            raise _number_too_large("*")
    elif _is_int(right) and isinstance(left, _SIZED) or _is_int(left) and isinstance(right, _SIZED):
        sequence, times = (left, right) if _is_int(right) else (right, left)
        if times > 0 and len(sequence) * times > MAX_LENGTH:
            raise _too_long("*")
        nested = times > 1 and isinstance(sequence, (list, tuple)) and any(isinstance(e, _NESTED) for e in sequence)
        if nested and _items(sequence, MAX_LENGTH) * times > MAX_LENGTH:  # [big_list] * n: n references to it
            raise _too_long("*")


_NESTED = (str, bytes, bytearray, list, tuple, dict, set, frozenset)


def _items(value: Any, cap: int) -> int:
    """The items ``value`` holds, every reference counted (a list held twice counts twice), counted until past
    ``cap``: what printing or comparing it would go through."""
    count, stack = 0, [value]
    while stack and count <= cap:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            count += len(item)
        elif isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            count += len(item)
            stack.extend(item)
        else:
            count += 1
    return count


def _sum(iterable: Any, start: Any = 0) -> Any:
    if isinstance(start, _SIZED):  # sum(lists, []) concatenates
        items = list(iterable)
        if len(start) + sum(len(item) for item in items if isinstance(item, _SIZED)) > MAX_LENGTH:
            raise _too_long("sum")
        return sum(items, start)
    return sum(iterable, start)


def _lshift(left: Any, right: Any) -> Any:
    if _is_int(left) and _is_int(right) and left and right > 0 and left.bit_length() + right > MAX_INT_BITS:
        raise _number_too_large("<<")
    return left << right


def _add(left: Any, right: Any) -> Any:
    _check_add(left, right)
    return left + right


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, _SIZED) and isinstance(right, _SIZED) and len(left) + len(right) > MAX_LENGTH:
        raise _too_long("+")


# One %-conversion: flags, width, precision (RestrictedPython's operands are text written in the script or data).
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


def _mod(left: Any, right: Any) -> Any:
    if isinstance(left, (str, bytes)):
        text = left.decode("latin-1") if isinstance(left, bytes) else left
        widths = 0
        for match in _PERCENT_SPEC.finditer(text):
            for number in match.groups():
                if number == "*":
                    raise _too_long("%")
                widths += int(number) if number and len(number) <= 9 else (MAX_LENGTH + 1 if number else 0)
        if widths > MAX_LENGTH:
            raise _too_long("%")
        for value in right if isinstance(right, tuple) else (right,):
            _printable(value, "%")
    return left % right


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _printable(value: Any, operator: str) -> Any:
    """``value``, if writing it as text stays within the bound (a list holding a big list many times does not)."""
    if isinstance(value, _CONTAINERS) and _items(value, MAX_LENGTH) > MAX_LENGTH:
        raise _too_long(operator)
    return value


def _repr(value: Any) -> str:
    return repr(_printable(value, "repr"))


class _StrType(type):
    """``str`` in expressions: converting checks the bound first; ``isinstance(x, str)`` and ``str.upper`` as ever."""

    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, str)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, str)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if args:
            _printable(args[0], "str")
        return str(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(str, name)


class _Str(metaclass=_StrType):
    pass


def _checked_width(name: str, width: Any) -> None:
    if _is_int(width) and width > MAX_LENGTH:
        raise _too_long(name)


def _text_method(obj: str | bytes, name: str, method: Any) -> Any:
    """The padding, joining and replacing methods of text with their result's length checked first."""

    def padded(width: Any, *args: Any) -> Any:
        _checked_width(name, width)
        return method(width, *args)

    def expandtabs(tabsize: Any = 8) -> Any:
        if _is_int(tabsize) and tabsize > 0:
            tabs = obj.count("\t" if isinstance(obj, str) else b"\t")  # type: ignore[arg-type]
            _checked_width(name, len(obj) + tabs * tabsize)
        return method(tabsize)

    def join(items: Any) -> Any:
        items = list(items)
        size = len(obj) * max(len(items) - 1, 0)
        for item in items:
            size += len(item) if isinstance(item, _SIZED) else 0
        _checked_width(name, size)
        return method(items)

    def replace(old: Any, new: Any, count: Any = -1) -> Any:
        if isinstance(old, (str, bytes)) and isinstance(new, (str, bytes)) and len(new) > len(old):
            found = obj.count(old) if old else len(obj) + 1  # type: ignore[arg-type]
            if _is_int(count) and count >= 0:
                found = min(found, count)
            _checked_width(name, len(obj) + found * (len(new) - len(old)))
        return method(old, new, count)

    def translate(table: Any) -> Any:
        values = table.values() if isinstance(table, dict) else ()
        longest = max((len(v) for v in values if isinstance(v, (str, bytes))), default=1)
        _checked_width(name, len(obj) * longest)
        return method(table)

    wrappers = {"expandtabs": expandtabs, "join": join, "replace": replace, "translate": translate}
    return wrappers.get(name, padded)


_TEXT_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "join", "replace", "translate"})


def _extend(target: list[Any], method: Any) -> Any:
    def extend(items: Any) -> Any:
        if isinstance(items, _SIZED) and len(target) + len(items) > MAX_LENGTH:
            raise _too_long("extend")
        return method(items)

    return extend


_BINOP_GUARDS: dict[type[ast.operator], tuple[str, Any]] = {
    ast.Pow: ("_shenpi_pow_", _pow),
    ast.Mult: ("_shenpi_mul_", _mul),
    ast.LShift: ("_shenpi_lshift_", _lshift),
    ast.Add: ("_shenpi_add_", _add),
    ast.Mod: ("_shenpi_mod_", _mod),
}


class _BoundedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's checks, and the bounded operators as calls of their guards."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
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


# --- timers ----------------------------------------------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.IGNORECASE,
)
_DAYS_PER = (366, 31, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)  # years ... seconds, generously
MAX_TIMER_TEXT = 100


def duration_days(value: str) -> float | None:
    """The days an ISO 8601 duration lasts at most (a year as 366 days, a month as 31), or None if ``value`` is not
    a duration SpiffWorkflow reads the same way (no sign, weeks alone, a time part after T)."""
    match = _DURATION.fullmatch(value.strip())
    if match is None or not any(match.groups()) or value.strip().upper().endswith("T"):
        return None
    if match.group(3) and any(match.group(i) for i in (1, 2, 4, 5, 6, 7)):
        return None
    try:
        TimerEventDefinition.parse_iso_duration(value.strip())  # only the last part may have a fraction, ...
    except Exception:
        return None
    numbers = [float(g.replace(",", ".")) if g else 0.0 for g in match.groups()]
    return sum(n * per for n, per in zip(numbers, _DAYS_PER, strict=True))


def _instant(value: str) -> _dt.datetime | None:
    try:
        instant = _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    try:
        return (instant if instant.tzinfo else instant.replace(tzinfo=_dt.UTC)).astimezone(_dt.UTC)
    except OverflowError:
        return None


def timer_problem(kind: str, value: object, now: _dt.datetime | None, max_days: int) -> Message | None:
    """What is wrong with a timer's value (``kind`` is ``timeDuration``, ``timeDate`` or ``timeCycle``), or None.
    Dates must lie within ``max_days`` of ``now`` (when known) and be representable; durations and cycle intervals
    at most ``max_days`` long; a cycle repeats at least once with an interval above zero."""
    if not isinstance(value, str) or len(value) > MAX_TIMER_TEXT or not value.strip():
        return Message("timer_value_invalid", kind=kind, value=repr(value)[:MAX_TIMER_TEXT])
    text = value.strip()
    if kind == "timeDuration":
        return _duration_problem(kind, text, max_days, allow_zero=True)
    if kind == "timeDate":
        return _date_problem(kind, text, now, max_days)
    match = re.fullmatch(r"R(\d*)/([^/]+)(?:/([^/]+))?", text, re.IGNORECASE)
    if match is None:
        return Message("timer_value_invalid", kind=kind, value=repr(text))
    count, first, second = match.groups()
    if count and int(count[:9]) == 0:
        return Message("timer_cycle_not_positive", kind=kind, value=repr(text))
    if second is None:
        interval, dates = first, []
    elif first.upper().startswith("P"):
        interval, dates = first, [second]
    else:
        interval, dates = second, [first]
    problem = _duration_problem(kind, interval, max_days, allow_zero=False)
    for date in dates:
        problem = problem or _date_problem(kind, date, now, max_days)
    if problem is None:
        try:
            TimerEventDefinition.parse_iso_recurring_interval(text)
        except Exception:  # SpiffWorkflow's own reading of what passed ours
            return Message("timer_value_invalid", kind=kind, value=repr(text))
    return problem


def _duration_problem(kind: str, text: str, max_days: int, allow_zero: bool) -> Message | None:
    days = duration_days(text)
    if days is None:
        return Message("timer_value_invalid", kind=kind, value=repr(text))
    if days <= 0 and not allow_zero:
        return Message("timer_cycle_not_positive", kind=kind, value=repr(text))
    if days > max_days:
        return Message("timer_too_long", kind=kind, value=repr(text), limit=max_days)
    return None


def _date_problem(kind: str, text: str, now: _dt.datetime | None, max_days: int) -> Message | None:
    instant = _instant(text)
    if instant is None or "W" in text.upper():
        return Message("timer_value_invalid", kind=kind, value=repr(text))
    if instant.year >= 9999 or instant.year <= 1:
        return Message("timer_date_unrepresentable", kind=kind, value=repr(text))
    if now is not None and abs(instant - now) > _dt.timedelta(days=max_days):
        return Message("timer_date_out_of_range", kind=kind, value=repr(text), limit=max_days)
    return None


_TIMER_KINDS: tuple[tuple[type[TimerEventDefinition], str], ...] = (
    (TimeDateEventDefinition, "timeDate"),
    (DurationTimerEventDefinition, "timeDuration"),
    (CycleTimerEventDefinition, "timeCycle"),
)


_EXTRA_BUILTINS = {
    f.__name__: f
    for f in (all, any, dict, enumerate, filter, frozenset, list, map, max, min, reversed, set, sorted, sum, tuple, zip)
}
BUILTINS = {
    name: value
    for name, value in {**safe_builtins, **limited_builtins, **_EXTRA_BUILTINS}.items()
    if name not in {"setattr", "delattr", "__build_class__", "_getattr_"} | _BASE_EXCEPTIONS
}
BUILTINS["pow"] = _pow
BUILTINS["sum"] = _sum
BUILTINS["repr"] = _repr
BUILTINS["str"] = _Str

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
        *_BASE_EXCEPTIONS,
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
    found = safer_getattr(obj, name, default)
    if name in _TEXT_METHODS and isinstance(obj, (str, bytes)) and callable(found):
        return _text_method(obj, name, found)
    if name == "extend" and isinstance(obj, list) and callable(found):
        return _extend(obj, found)
    if name == "to_bytes" and isinstance(obj, int) and callable(found):
        return _to_bytes(found)
    return found


def _to_bytes(method: Any) -> Any:
    def to_bytes(length: Any = 1, *args: Any, **kwargs: Any) -> Any:
        _checked_width("to_bytes", length)
        return method(length, *args, **kwargs)

    return to_bytes


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


_INPLACE_GUARDED: dict[str, Callable[[Any, Any], Any]] = {
    "**=": _pow,
    "*=": _mul,
    "<<=": _lshift,
    "+=": _add,
    "%=": _mod,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE:
        raise ExpressionError(Message("expr_operator_refused", operator=op))
    if isinstance(x, list) and op in ("+=", "*="):  # in place: the same list grows
        (_check_add if op == "+=" else _check_mul)(x, y)
        return _INPLACE[op](x, y)
    guard = _INPLACE_GUARDED.get(op)
    return guard(x, y) if guard is not None else _INPLACE[op](x, y)


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
    **dict(_BINOP_GUARDS.values()),
    "_shenpi_printable_": _printable,
}


def _refuse(source: str, line: int | None, what: str) -> ExpressionError:
    return ExpressionError(Message("expr_at_line", line=line, what=what) if line else what, source, line)


_NOT_CONSTANT = object()
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}
_FOLDED = {
    ast.Pow: _pow,
    ast.Mult: _mul,
    ast.LShift: _lshift,
    ast.Add: _add,
    ast.Mod: _mod,
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
    checks what a timer expression gives (:func:`timer_problem`) before SpiffWorkflow reads it."""

    def __init__(self, environment: RestrictedEnvironment) -> None:
        super().__init__(environment=environment)
        self.limits = environment.limits

    def validate(self, expression: str) -> None:
        check_expression(expression)

    def evaluate(self, task: SpiffTask, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        timer = getattr(task.task_spec, "event_definition", None)
        if isinstance(timer, TimerEventDefinition) and timer.expression == expression:
            kind = next((k for cls, k in _TIMER_KINDS if isinstance(timer, cls)), "timeDate")
            problem = timer_problem(kind, value, clock_module.now(), self.limits.timer_max_days)
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
    timer = getattr(task.task_spec, "event_definition", None)
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
