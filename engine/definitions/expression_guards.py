"""The run time of the expression sandbox (``expressions.py``): the builtins restricted code sees and the guard
functions RestrictedPython's rewritten code calls, each checking its operands *before* computing, and
:class:`ExpressionError`, the refusal they and the evaluator raise.

* ``**``, ``*``, ``<<``, ``+`` and ``%`` become calls of guards (``BINOP_GUARDS``, rewritten by the evaluator's
  transformer): an integer result of at most ``MAX_INT_BITS`` bits, a text or list of at most ``MAX_LENGTH`` items,
  ``%`` formatting with widths written out and adding up to at most ``MAX_LENGTH``. The builtin ``pow`` and the
  text methods that pad, join, replace or translate are guarded the same way (through the attribute guard, which
  also refuses ``format``/``format_map``/``mro``), and so are the in-place operators.
* ``[x] * n`` and ``sum(lists, [])`` count every reference: repeating a list that holds a big list is as big as
  the copies would be (printing or comparing it goes through all of them). Writing a list or dict as text
  (``str``, ``repr``, an f-string field, ``%``) counts the same way first.
* Builtins are ``safe_builtins`` + ``limited_builtins`` + a few pure helpers (all, any, sum, sorted ...), minus
  ``setattr``/``delattr``/``__build_class__`` and the base exceptions.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from RestrictedPython import limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    raise_,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector

from ..errors import Message


class ExpressionError(ValueError):
    """Refused or failing expression/script. ``message`` is a ``Message``: its reason and params let a page say it
    in the reader's language."""

    def __init__(self, message: str, source: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line


MAX_INT_BITS = 4096  # an integer computed by **, *, << or pow(): about 1,200 decimal digits
MAX_LENGTH = 1_000_000  # characters of a text, items of a list, computed by *, +, %, padding, join ...
# Exceptions only the engine raises: a script naming them could catch what stops it.
BASE_EXCEPTIONS = frozenset({"BaseException", "GeneratorExit", "KeyboardInterrupt", "SystemExit"})


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


BINOP_GUARDS: dict[type[ast.operator], tuple[str, Any]] = {
    ast.Pow: ("_shenpi_pow_", _pow),
    ast.Mult: ("_shenpi_mul_", _mul),
    ast.LShift: ("_shenpi_lshift_", _lshift),
    ast.Add: ("_shenpi_add_", _add),
    ast.Mod: ("_shenpi_mod_", _mod),
}


_EXTRA_BUILTINS = {
    f.__name__: f
    for f in (all, any, dict, enumerate, filter, frozenset, list, map, max, min, reversed, set, sorted, sum, tuple, zip)
}
BUILTINS = {
    name: value
    for name, value in {**safe_builtins, **limited_builtins, **_EXTRA_BUILTINS}.items()
    if name not in {"setattr", "delattr", "__build_class__", "_getattr_"} | BASE_EXCEPTIONS
}
BUILTINS["pow"] = _pow
BUILTINS["sum"] = _sum
BUILTINS["repr"] = _repr
BUILTINS["str"] = _Str

# Refused on anything: by the evaluator's check of the source, and again by the attribute guard at run time.
REFUSED_ATTRS = frozenset({"format", "format_map", "mro"})


def attr_refusal(name: str) -> Message:
    return Message("expr_format_refused" if name.startswith("format") else "expr_attribute_refused", name=repr(name))


def _guarded_getattr(obj: object, name: str, default: Any = raise_) -> Any:
    if name in REFUSED_ATTRS:
        raise ExpressionError(attr_refusal(name))
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
    **dict(BINOP_GUARDS.values()),
    "_shenpi_printable_": _printable,
}
