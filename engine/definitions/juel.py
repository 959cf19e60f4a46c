"""The common JUEL forms Camunda Modeler users write, translated into the engine's sandboxed expressions.

``${approved}``, ``${!approved}``, ``${amount > 1000}``, ``${type == 'A'}``, ``${a && b}``, ``${a || !b}``, the word
operators (``and or not eq ne lt gt le ge``), ``true``/``false``/``null``, numbers, quoted text, parentheses and
``+ - * /``. Anything else (method calls, properties ``a.b``, ``empty``, the ternary, ``#{…}``) is not translated:
``translate`` answers None and the caller refuses the element, naming it.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<text>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()+\-*/])
    )""",
    re.VERBOSE,
)
_WORDS = {
    "and": "and",
    "or": "or",
    "not": "not",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "true": "True",
    "false": "False",
    "null": "None",
}
_UNSUPPORTED_WORDS = {"empty", "div", "mod", "instanceof", "new", "execution", "task"}
_OPS = {"&&": "and", "||": "or", "!": "not"}


def is_juel(source: str) -> bool:
    text = source.strip()
    return (text.startswith("${") or text.startswith("#{")) and text.endswith("}")


def translate(source: str) -> str | None:
    """The sandboxed expression for a JUEL ``${…}`` value, or None when it uses a form not translated."""
    text = source.strip()
    if not text.startswith("${") or not text.endswith("}"):
        return None
    inner = text[2:-1]
    if "${" in inner or not inner.strip():
        return None
    out: list[str] = []
    position = 0
    while position < len(inner):
        if inner[position:].strip() == "":
            break
        match = _TOKEN.match(inner, position)
        if match is None:
            return None
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind or "")
        if kind == "name":
            if value in _UNSUPPORTED_WORDS:
                return None
            out.append(_WORDS.get(value, value))
            if position < len(inner) and inner[position] in ".[":
                return None  # properties and indexes are not translated
        elif kind == "op":
            out.append(_OPS.get(value, value))
        else:
            out.append(value)
    return " ".join(out)
