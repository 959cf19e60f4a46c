"""Issue 15 §1: no condition, script or timer value can hang a thread, fill the memory or give a server error.
Every bound is checked by counting (operand sizes, steps, bytes), never by timing; a thread that would hang is
caught by a generous join timeout only."""

from __future__ import annotations

import datetime as dt
import sys
import threading

import pytest

from engine.definitions import expressions
from engine.definitions.expression_guards import MAX_INT_BITS, MAX_LENGTH, ExpressionError
from engine.definitions.expressions import Limits, RestrictedEnvironment, check_expression, check_script
from engine.definitions.timer_values import timer_problem

ENV = RestrictedEnvironment()
NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def reason(exc: ExpressionError) -> str:
    """The refusal's own reason, under the "Line N:" wrapper of a refusal found when compiling."""
    message = exc.message
    while getattr(message, "reason", None) == "expr_at_line":
        message = message.params["what"]
    return message.reason


def refused_at_compile(check, source: str) -> str:
    with pytest.raises(ExpressionError) as caught:
        check(source)
    return reason(caught.value)


def refused_at_run(source: str, data: dict | None = None, env: RestrictedEnvironment = ENV, script=False) -> str:
    with pytest.raises(ExpressionError) as caught:
        (env.execute if script else env.evaluate)(source, dict(data or {}))
    return reason(caught.value)


# --- the attacks of the issue, refused when the source is checked (deploy, the modeler's check) ---------------


def test_the_issues_expressions_are_refused_before_anything_runs():
    assert refused_at_compile(check_expression, "9 ** 9 ** 9 > 0") == "expr_number_too_large"
    assert refused_at_compile(check_script, "x = 9 ** 9 ** 6") == "expr_number_too_large"
    assert refused_at_compile(check_script, "x = 'a' * 200000000") == "expr_result_too_long"
    assert refused_at_compile(check_expression, "1 << 100000 > 0") == "expr_number_too_large"
    assert refused_at_compile(check_expression, "-(9 ** 99999) < 0") == "expr_number_too_large"
    assert refused_at_compile(check_script, "x = [0] * 10 ** 7") == "expr_result_too_long"


def test_the_same_operations_on_case_data_are_refused_before_computing():
    assert refused_at_run("n ** n ** n > 0", {"n": 9}) == "expr_number_too_large"
    assert refused_at_run("pow(n, n ** 6)", {"n": 9}) == "expr_number_too_large"
    assert refused_at_run("x = s * n", {"s": "a", "n": 200_000_000}, script=True) == "expr_result_too_long"
    assert refused_at_run("n * s", {"s": ["a"], "n": MAX_LENGTH + 1}) == "expr_result_too_long"
    assert refused_at_run("1 << n", {"n": MAX_INT_BITS + 1}) == "expr_number_too_large"
    assert refused_at_run("n * n", {"n": 2 ** (MAX_INT_BITS // 2 + 8)}) == "expr_number_too_large"
    assert refused_at_run("x = n\nx **= n", {"n": 10**6}, script=True) == "expr_number_too_large"
    assert refused_at_run("x = [1]\nfor i in range(60):\n    x += x", script=True) == "expr_result_too_long"
    assert refused_at_run("x = 'ab'\nfor i in range(60):\n    x = x + x", script=True) == "expr_result_too_long"


def test_text_grows_only_within_the_bound():
    big = {"n": 10**9, "s": "a" * 2000}
    assert refused_at_run("'%*d' % (n, 1)", big) == "expr_result_too_long"
    assert refused_at_run("'%1000000000d' % 1", big) == "expr_result_too_long"
    for source in ("s.ljust(n)", "s.center(n)", "s.zfill(n)", "'\\t'.expandtabs(n)"):
        assert refused_at_run(source, big) == "expr_result_too_long", source
    assert refused_at_run("s.join([s] * 1001)", big) == "expr_result_too_long"
    assert refused_at_run("s.replace('a', s)", big) == "expr_result_too_long"
    assert refused_at_run("s.translate({97: 'b' * 999})", big) == "expr_result_too_long"
    assert refused_at_run("x = [0] * 999\nx.extend(x * 999)\nfor i in range(20):\n    x.extend(x)", script=True) == (
        "expr_result_too_long"
    )
    assert refused_at_run("n.to_bytes(n, 'big')", big) == "expr_result_too_long"
    assert ENV.evaluate("(258).to_bytes(2, 'big')", {}) == b"\x01\x02"
    assert refused_at_compile(check_expression, 'f"{1:>1000000000}"') == "expr_result_too_long"
    assert refused_at_compile(check_expression, 'f"{1:>{n}}"') == "expr_format_spec_computed"


def test_ordinary_arithmetic_and_text_are_untouched():
    data = {"amount": 12, "name": "张三", "items": [1, 2]}
    assert ENV.evaluate("2 ** 100 == 1267650600228229401496703205376", data) is True
    assert ENV.evaluate("amount * 3 + 1, '-' * 20, [0] * 3, items * 2, 1 << 10", data) == (
        37,
        "-" * 20,
        [0, 0, 0],
        [1, 2, 1, 2],
        1024,
    )
    assert ENV.evaluate("'%05.1f|%s' % (2.25, name), name.ljust(4, '*'), ','.join(['a', 'b'])", data) == (
        "002.2|张三",
        "张三**",
        "a,b",
    )
    assert ENV.evaluate("2 ** -2, (-2) ** 3, 2.5 ** 2, pow(3, 10 ** 9, 7), amount % 5", data) == (
        0.25,
        -8,
        6.25,
        pow(3, 10**9, 7),
        2,
    )
    assert ENV.evaluate('f"{amount:>6}|{2.5:.2f}"', data) == "    12|2.50"
    context = {"items": [1]}
    ENV.execute("items += [2]\ntotal = 0\nfor i in items:\n    total += i", context)
    assert context == {"items": [1, 2], "total": 3, "i": 2}


# --- the step budget -----------------------------------------------------------------------------------------


def test_an_endless_loop_is_stopped_by_the_step_budget():
    assert refused_at_run("while True:\n    pass", script=True) == "expr_step_limit"
    assert refused_at_run("sum(1 for a in range(999) for b in range(999))") == "expr_step_limit"
    assert refused_at_run("def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)", script=True) == (
        "expr_step_limit"
    )


def test_the_budget_counts_lines_and_is_the_setting():
    loop = "total = 0\nfor i in range(400):\n    total += i"  # about 800 lines run
    roomy = RestrictedEnvironment(limits=Limits(steps=2000))
    context: dict = {}
    roomy.execute(loop, context)
    assert context["total"] == sum(range(400))
    tight = RestrictedEnvironment(limits=Limits(steps=500))
    assert refused_at_run(loop, env=tight, script=True) == "expr_step_limit"


def test_the_wall_clock_limit_is_checked_at_every_line(monkeypatch):
    """Counted, not timed: a fake monotonic clock moves one second at every reading."""
    ticks = iter(range(10**6))
    monkeypatch.setattr(expressions, "_monotonic", lambda: float(next(ticks)))
    slow = RestrictedEnvironment(limits=Limits(seconds=3.0))
    assert refused_at_run("x = 1\ny = 2\nz = 3\nw = 4\nv = 5", env=slow, script=True) == "expr_time_limit"
    context: dict = {}
    slow.execute("x = 1\ny = 2", context)  # within three readings
    assert context == {"x": 1, "y": 2}


def test_shared_references_count_every_time():
    big = {"a": [0] * 999}
    assert refused_at_run("[a] * 1002", big) == "expr_result_too_long"  # a million references to 999 items
    assert refused_at_run("[[a] * 999] * 999", big) == "expr_result_too_long"
    assert refused_at_run("['x' * 999999] * 2") == "expr_result_too_long"
    assert refused_at_run("sum([a] * 1002, [])", big) == "expr_result_too_long"
    assert ENV.evaluate("len([a] * 3), sum([[1], [2]], []), sum([1, 2, 3]), [[0] * 2] * 2", big) == (
        3,
        [1, 2],
        6,
        [[0, 0], [0, 0]],
    )


def test_a_structure_built_step_by_step_is_not_written_out_beyond_the_bound():
    build = (
        "a = [0] * 999\nb = []\nfor i in range(999):\n    b.append(a)\nc = []\nfor i in range(999):\n    c.append(b)\n"
    )
    for write in ("x = str(c)", "x = repr(c)", 'x = f"{c}"', "x = '%s' % (c,)", "x = '%s' % c"):
        assert refused_at_run(build + write, script=True) == "expr_result_too_long", write
    assert ENV.evaluate("str([1, 2]), repr({'a': 1}), f'{[1]}', '%s' % ([1],), str(3), str(b'a', 'ascii')", {}) == (
        "[1, 2]",
        "{'a': 1}",
        "[1]",
        "[1]",
        "3",
        "a",
    )
    assert ENV.evaluate("isinstance(name, str) and list(map(str.upper, ['a']))", {"name": "x"}) == ["A"]


def test_a_script_cannot_catch_what_stops_it():
    caught = "try:\n    while True:\n        pass\nexcept Exception:\n    x = 1"
    assert refused_at_run(caught, script=True) == "expr_step_limit"
    assert refused_at_compile(check_script, "try:\n    x = 1\nexcept:\n    x = 2") == "expr_handler_refused"
    assert refused_at_compile(check_script, "try:\n    x = 1\nfinally:\n    x = 2") == "expr_handler_refused"
    assert refused_at_compile(check_script, "E = BaseException") == "expr_name_refused"
    context: dict = {}
    ENV.execute("try:\n    x = int('a')\nexcept ValueError:\n    x = 0", context)
    assert context == {"x": 0}


def test_the_budget_leaves_the_threads_tracing_as_it_was():
    before = sys.gettrace()
    refused_at_run("while True:\n    pass", script=True)
    assert ENV.evaluate("1 + 1", {}) == 2
    assert sys.gettrace() is before


def test_the_budget_works_in_any_thread():
    outcome: list = []

    def worker():
        try:
            ENV.execute("while True:\n    pass", {})
        except ExpressionError as exc:
            outcome.append(reason(exc))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)  # only catches a hang
    assert outcome == ["expr_step_limit"] * 3


# --- the data a script leaves in the case -------------------------------------------------------------------


def test_a_script_leaves_at_most_the_configured_bytes_in_the_case():
    context = {"kept": "before"}
    assert refused_at_run("x = 'a' * 900000\ny = 'b' * 900000", context, script=True) == "script_data_too_large"
    with pytest.raises(ExpressionError):
        ENV.execute("x = 'a' * 900000\ny = 'b' * 900000", context)
    assert context == {"kept": "before"}  # nothing of the refused script is written
    small = RestrictedEnvironment(limits=Limits(data_bytes=2048))
    assert refused_at_run("x = '汉' * 1000", env=small, script=True) == "script_data_too_large"
    assert refused_at_run("x = [[1, 2, 3]] * 1000", env=small, script=True) == "script_data_too_large"
    context = {}
    small.execute("x = 'a' * 1000", context)
    assert context == {"x": "a" * 1000}


# --- timer values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, value, expected",
    [
        ("timeCycle", "R/PT0S", "timer_cycle_not_positive"),
        ("timeCycle", "R/P0D", "timer_cycle_not_positive"),
        ("timeCycle", "R0/PT1H", "timer_cycle_not_positive"),
        ("timeCycle", "R/P99999999Y", "timer_too_long"),
        ("timeCycle", "R3/9999-12-31T23:59:59+14:00/PT1H", "timer_date_unrepresentable"),
        ("timeCycle", "R3/2026-12-01T09:00:00+08:00/2026-12-02T09:00:00+08:00", "timer_value_invalid"),
        ("timeDuration", "P99999999Y", "timer_too_long"),
        ("timeDuration", "PT-1S", "timer_value_invalid"),
        ("timeDuration", "P1000000000000D", "timer_too_long"),
        ("timeDuration", "P", "timer_value_invalid"),
        ("timeDuration", "PT", "timer_value_invalid"),
        ("timeDuration", "P1W2D", "timer_value_invalid"),
        ("timeDuration", "2026-12-01", "timer_value_invalid"),
        ("timeDate", "9999-12-31T23:59:59+14:00", "timer_date_unrepresentable"),
        ("timeDate", "2046-12-01T09:00:00+08:00", "timer_date_out_of_range"),
        ("timeDate", "PT1H", "timer_value_invalid"),
        ("timeDate", "2026W481", "timer_value_invalid"),
        ("timeDate", 3, "timer_value_invalid"),
    ],
)
def test_timer_values_out_of_bounds(kind, value, expected):
    assert timer_problem(kind, value, NOW, 3660).reason == expected


@pytest.mark.parametrize(
    "kind, value",
    [
        ("timeDuration", "PT1H"),
        ("timeDuration", "PT0S"),
        ("timeDuration", "P3D"),
        ("timeDuration", "P2W"),
        ("timeDuration", "PT1.5S"),
        ("timeDuration", "P10Y"),
        ("timeCycle", "R/PT1H"),
        ("timeCycle", "R3/PT10M"),
        ("timeCycle", "R2/2026-12-01T09:00:00+08:00/P1D"),
        ("timeDate", "2026-12-01T09:00:00+08:00"),
        ("timeDate", "2026-12-01T09:00:00"),
        ("timeDate", "2020-01-01T00:00:00+00:00"),
    ],
)
def test_timer_values_within_bounds(kind, value):
    assert timer_problem(kind, value, NOW, 3660) is None


def test_the_timer_maximum_is_the_setting():
    assert timer_problem("timeDuration", "P30D", NOW, 10).reason == "timer_too_long"
    assert timer_problem("timeDate", "2026-12-31T00:00:00+08:00", NOW, 10).reason == "timer_date_out_of_range"
    assert timer_problem("timeCycle", "R/P11D", NOW, 10).reason == "timer_too_long"
    assert timer_problem("timeDuration", "P10D", NOW, 10) is None
