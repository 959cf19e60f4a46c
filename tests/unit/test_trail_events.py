"""Every kind of trail event the engine can write has its words on the pages, in Chinese and in English.

Event codes are collected from the engine's source with ``ast``: the first argument of every ``trail.event(...)`` and
``item_event(...)`` call, the literal codes handed to the ``_record`` helpers that pass theirs on to
``trail.event``, a module's ``EVENT`` constant, and the codes the complaint procedure's steps return to the one
place that writes them. A new event written in any of these ways joins the check by itself. When a test here fails:
add the code's words to ``web/trail_events.py`` ``EVENTS``, run ``make translations`` and give the new entry its
English in web/translations/en/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

from web.trail_events import EVENTS, OTHER, PUBLIC_EVENTS

ROOT = Path(__file__).resolve().parents[2]
EN_PO = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
WRITERS = {"event", "item_event"}  # functions whose first argument is the event code
PASSING_ON = {"_record"}  # helpers that hand a literal code among their arguments on to trail.event
# where the code comes back from the procedure's step functions as the first element of a returned tuple
RETURNED = {"engine/complaints/service.py"}


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def engine_event_codes() -> dict[str, str]:
    """Every event code the engine's source writes → the first file writing it."""
    codes: dict[str, str] = {}
    for path in sorted((ROOT / "engine").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: list[str] = []
            if isinstance(node, ast.Call) and _name(node.func) in WRITERS and node.args:
                found += _strings(node.args[0])
            elif isinstance(node, ast.Call) and _name(node.func) in PASSING_ON:
                for argument in node.args:
                    found += _strings(argument)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EVENT" for t in node.targets):
                found += _strings(node.value)
            elif where in RETURNED and isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                found += _strings(node.value.elts[0])
            for code in found:
                codes.setdefault(code, where)
    return codes


def test_the_scan_finds_the_engines_events():
    codes = engine_event_codes()
    # one of each way an event is written: directly, through item_event, through _record, EVENT, returned
    for code in (
        "case_started",
        "supervision_escalated",
        "task_transferred",
        "evaluation_archived",
        "complaint_closed",
    ):
        assert code in codes, code
    assert len(codes) > 60


def test_every_event_the_engine_writes_has_words():
    missing = {code: where for code, where in engine_event_codes().items() if code not in EVENTS}
    assert not missing, f"event codes without words in web/trail_events.py EVENTS: {missing}"


def test_the_timeline_reads_words_for_step_completions():
    # the timeline turns the stepper's "task" rows into these two
    assert {"task_completed", "task_skipped"} <= set(EVENTS)


def test_every_label_has_its_english():
    with EN_PO.open("rb") as handle:
        catalogue = read_po(handle)
    labels = [*EVENTS.values(), *PUBLIC_EVENTS.values(), OTHER]
    untranslated = []
    for label in labels:
        message = catalogue.get(label._args[0])
        if message is None or not message.string or message.fuzzy:
            untranslated.append(label._args[0])
    assert not untranslated, (
        f"labels without English in messages.po (make translations, then translate): {untranslated}"
    )


def test_a_code_never_shows_raw():
    from web.trail_events import event_label

    assert event_label("material_added") == "提交材料"
    assert event_label("no_such_event_kind") == str(OTHER)
    assert event_label("case_accepted", public=True) != event_label("case_accepted")
