"""Every reason the engine can give has its English wording and its Chinese translation.

Reasons are collected from the source with ``ast``: the first argument of every call to an ``EngineError`` class
(and its subclasses, wherever they are defined), to ``Message`` and to the ``_refuse`` helpers in engine/,
integrations/ and web/, and the literal reason a fixed-reason error passes to ``super().__init__``. A new raise site
joins the check by itself. When a test here fails after adding a refusal: add its English wording to
``engine.error_messages.MESSAGES``, run ``make translations`` and translate the new entry in
web/translations/zh/LC_MESSAGES/engine.po.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

from babel.messages.pofile import read_po

from engine.error_messages import MESSAGES
from engine.errors import InvalidInput, Message, NotFound, ProcessValidationError, english

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("engine", "integrations", "web")
ZH_PO = ROOT / "web" / "translations" / "zh" / "LC_MESSAGES" / "engine.po"
POT = ROOT / "web" / "translations" / "engine.pot"
BASE_ERRORS = {
    "EngineError",
    "InvalidInput",
    "TooLarge",
    "InvalidCatalogue",
    "NotFound",
    "PermissionDenied",
    "Conflict",
    "InvalidState",
    "ProcessValidationError",
}
HELPERS = {"Message", "_refuse"}
# Functions that pass a reason on in a variable (helpers), or pick it from literals of their own body.
PASSING_ON = {
    ("engine/definitions/bpmn_validation.py", "_refuse"),
    ("engine/definitions/forms.py", "_refuse"),
    ("engine/definitions/step_settings.py", "_refuse"),
    ("engine/organisation/service.py", "_blockers"),
}
REASON = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
NEUTRAL = {"file_type_pdf"}  # the same word in both languages


def _sources():
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "node_modules" not in path.parts and "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _error_classes(trees) -> tuple[set, set]:
    """Every EngineError class, and those whose constructor takes no reason (they pass their own)."""
    classes, fixed = set(BASE_ERRORS), set()
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in classes
                    and any(_name(base) in classes for base in node.bases)
                ):
                    classes.add(node.name)
                    changed = True
                    init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
                    if init is not None and [a.arg for a in init.args.args[1:2]] != ["reason"]:
                        fixed.add(node.name)
    return classes, fixed


def _literals(node) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


class _Collector(ast.NodeVisitor):
    def __init__(self, path, classes, fixed, found, dynamic):
        self.path, self.classes, self.fixed, self.found, self.dynamic = path, classes, fixed, found, dynamic
        self.functions = []

    def visit_FunctionDef(self, node):
        self.functions.append(node.name)
        if (self.path, node.name) in PASSING_ON:
            for const in ast.walk(node):
                if isinstance(const, ast.Constant) and isinstance(const.value, str) and REASON.match(const.value):
                    self.found.setdefault(const.value, []).append(f"{self.path}:{const.lineno}")
        self.generic_visit(node)
        self.functions.pop()

    def visit_Call(self, node):
        func = node.func
        name = _name(func)
        is_super_init = (
            isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and _name(func.value.func) == "super"
        )
        if is_super_init and node.args and _literals(node.args[0]):
            self._add(_literals(node.args[0]), node)
        elif (
            name in self.classes | HELPERS
            and name not in self.fixed
            and not (name == "_refuse" and self.path.endswith("expressions.py"))
        ):  # that one wraps a Message
            reasons = _literals(node.args[0]) if node.args else None
            if reasons is not None:
                self._add(reasons, node)
            elif (self.path, self.functions[-1] if self.functions else None) not in PASSING_ON:
                self.dynamic.append(f"{self.path}:{node.lineno} {ast.unparse(node)[:80]}")
        self.generic_visit(node)

    def _add(self, reasons, node):
        for reason in reasons:
            self.found.setdefault(reason, []).append(f"{self.path}:{node.lineno}")


def raised_reasons() -> tuple[dict[str, list[str]], list[str]]:
    """Reason → its sites, and the calls whose reason is not a literal (outside the helpers that pass one on)."""
    trees = dict(_sources())
    classes, fixed = _error_classes(trees)
    found, dynamic = {}, []
    for path, tree in trees.items():
        if path != "engine/errors.py":
            _Collector(path, classes, fixed, found, dynamic).visit(tree)
    return found, dynamic


def _zh_catalog():
    with ZH_PO.open("rb") as f:
        return read_po(f, locale="zh")


def test_every_raised_reason_is_a_literal_with_english_wording():
    found, dynamic = raised_reasons()
    assert len(found) > 450
    assert not dynamic, f"give these errors a literal reason: {dynamic}"
    unknown = {reason: sites for reason, sites in found.items() if reason not in MESSAGES}
    assert not unknown, f"reasons without English wording in engine.error_messages.MESSAGES: {unknown}"


def test_every_wording_belongs_to_a_raised_reason():
    found, _dynamic = raised_reasons()
    assert not sorted(set(MESSAGES) - set(found)), "MESSAGES holds reasons nothing raises"


def test_english_wording_is_english_with_named_placeholders():
    for reason, template in MESSAGES.items():
        assert REASON.match(reason) or reason.isalpha(), reason
        assert not CJK.search(template), f"Chinese in the English wording of {reason}"
        assert "%" not in PLACEHOLDER.sub("", template), f"only %(name)s placeholders: {reason}"
        params = dict.fromkeys(PLACEHOLDER.findall(template), "x")
        assert "%(" not in english(reason, params)


def test_chinese_catalogue_translates_every_reason_with_the_same_placeholders():
    catalog = _zh_catalog()
    entries = {m.context: m for m in catalog if m.id}
    assert set(entries) == set(MESSAGES), (
        "run `make translations` and translate: missing "
        f"{sorted(set(MESSAGES) - set(entries))}, stale {sorted(set(entries) - set(MESSAGES))}"
    )
    assert not catalog.obsolete, "obsolete entries left in engine.po"
    for reason, template in MESSAGES.items():
        entry = entries[reason]
        assert entry.id == template, f"{reason}: the English wording changed; run `make translations` and review"
        assert entry.string and not entry.fuzzy, f"{reason} is untranslated or fuzzy"
        assert CJK.search(entry.string) or reason in NEUTRAL, f"{reason} is not translated into Chinese"
        assert sorted(PLACEHOLDER.findall(entry.string)) == sorted(PLACEHOLDER.findall(template)), reason
        assert "%" not in PLACEHOLDER.sub("", entry.string), reason


def test_template_is_in_step_with_the_wording():
    with POT.open("rb") as f:
        template = {m.context: m.id for m in read_po(f) if m.id}
    assert template == MESSAGES, "run `make translations`"


def test_engine_knows_nothing_of_flask_or_babel():
    for path, tree in _sources():
        if not path.startswith("engine/"):
            continue
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] in ("flask", "flask_babel", "babel", "web") for n in names), path


def test_errors_read_in_english_and_carry_reason_and_params():
    exc = NotFound("case_not_found", case=7)
    assert str(exc) == exc.message == "case 7 does not exist"
    assert (exc.code, exc.status, exc.reason, exc.params) == ("not_found", 404, "case_not_found", {"case": 7})
    assert exc.to_dict() == {
        "code": "not_found",
        "reason": "case_not_found",
        "message": "case 7 does not exist",
        "params": {"case": 7},
    }

    exc = InvalidInput("too_long", field="opinion", max=2000)
    assert str(exc) == "opinion is longer than 2000 characters"
    assert exc.details == {"field": "opinion"} and exc.params == {"field": "opinion", "max": 2000}
    assert exc.to_dict() == {
        "code": "invalid_input",
        "reason": "too_long",
        "field": "opinion",
        "message": "opinion is longer than 2000 characters",
        "params": {"max": 2000},
    }

    problem = ProcessValidationError("bpmn_reserved_id", element="Task_1", line=3, id="Task_1")
    assert problem.to_dict()["element"] == "Task_1" and problem.to_dict()["line"] == 3
    assert str(problem) == "the id Task_1 is reserved by the engine; rename the element"


def test_messages_are_text_that_keeps_its_reason():
    message = Message("materials_not_in_guide", materials=["身份证", "营业执照"])
    assert message == "the service guide does not list these materials: 身份证, 营业执照"
    assert isinstance(message, str) and message.reason == "materials_not_in_guide"
    copy = pickle.loads(pickle.dumps(message))
    assert copy == message and copy.reason == message.reason and copy.params == message.params
    nested = Message("unit_has_dependants", name="测试局", blockers=[Message("unit_open_cases", count=2)])
    assert str(nested) == "测试局 still has 2 open case(s) and cannot be deactivated"
    assert str(Message("not a reason at all")) == "not a reason at all"
