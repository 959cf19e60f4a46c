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
