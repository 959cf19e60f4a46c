"""Evaluation months: ``YYYY-MM`` in Asia/Shanghai, as a half-open range of UTC instants."""

from __future__ import annotations

import datetime as _dt
import re

from ..errors import InvalidInput
from ..kernel.clock import SHANGHAI, UTC

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse(text: object) -> str:
    match = MONTH.match(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput("month_format", field="month")
    return f"{match.group(1)}-{match.group(2)}"


def bounds(month: str) -> tuple[_dt.datetime, _dt.datetime]:
    """The first instant of the month and of the next, in UTC (months begin at 00:00 Beijing time)."""
    year, number = (int(part) for part in parse(month).split("-"))
    start = _dt.datetime(year, number, 1, tzinfo=SHANGHAI)
    following = _dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=SHANGHAI)
    return start.astimezone(UTC), following.astimezone(UTC)


def of(instant: _dt.datetime) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m")


def is_over(month: str, now: _dt.datetime) -> bool:
    """True once the month has ended by ``now``."""
    return bounds(month)[1] <= now


QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR = re.compile(r"^(\d{4})$")


def period_months(period: object) -> tuple[str, list[str]]:
    """A quarter (``YYYY-Qn``) or a year (``YYYY``) and its months (000 三(五) "季度和年度绩效考评情况"); a month
    is a period of one month."""
    text = period.strip() if isinstance(period, str) else ""
    if MONTH.match(text):
        return parse(text), [parse(text)]
    quarter, year = QUARTER.match(text), YEAR.match(text)
    if quarter and 2000 <= int(quarter.group(1)) <= 2100:
        first = (int(quarter.group(2)) - 1) * 3 + 1
        return text, [f"{quarter.group(1)}-{n:02d}" for n in range(first, first + 3)]
    if year and 2000 <= int(year.group(1)) <= 2100:
        return text, [f"{text}-{n:02d}" for n in range(1, 13)]
    raise InvalidInput("period_format", field="period")


def quarter_of(month: str) -> str:
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


def begun(months: list[str], now: _dt.datetime) -> list[str]:
    """The months that have begun by ``now``."""
    return [month for month in months if bounds(month)[0] <= now]
