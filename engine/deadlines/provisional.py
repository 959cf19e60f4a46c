"""The provisional calendar: for a year without the State Council's arrangement, the statutory holidays in force.

《全国年节及纪念日放假办法》 as amended in 2024 gives every citizen these days off: New Year's Day 1 day, the Spring
Festival 4 (New Year's Eve and the first three days of the first lunar month), Qingming 1 (the day of the solar
term), Labour Day 2 (1–2 May), the Dragon Boat Festival 1 (5th of the 5th lunar month), Mid-Autumn 1 (15th of the
8th lunar month) and National Day 3 (1–3 October). Lunar dates and the solar term come from ``lunar_python``.
Weekends are off as usual; the arrangement the State Council publishes each year adds bridge days and adjusted
working days (调休), which cannot be foreseen: a provisional calendar has none, nor a weekday off for a holiday
that falls on a weekend.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

from lunar_python import Lunar

FIXED = ((1, 1, 1, "元旦"), (5, 1, 2, "劳动节"), (10, 1, 3, "国庆节"))  # (month, first day, days, name)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[_dt.date, str]:
    """The statutory days off of ``year`` with their names (a day two holidays share carries both names)."""
    days: dict[_dt.date, str] = {}

    def add(first: _dt.date, count: int, name: str) -> None:
        for offset in range(count):
            day = first + _dt.timedelta(days=offset)
            days[day] = f"{days[day]}、{name}" if day in days and name not in days[day] else name

    for month, first, count, name in FIXED:
        add(_dt.date(year, month, first), count, name)
    new_year = _lunar(year, 1, 1)
    add(new_year - _dt.timedelta(days=1), 4, "春节")  # 除夕 and 正月初一 to 初三
    add(_solar_term(year, "清明"), 1, "清明节")
    add(_lunar(year, 5, 5), 1, "端午节")
    add(_lunar(year, 8, 15), 1, "中秋节")
    return dict(sorted(days.items()))


def _lunar(year: int, month: int, day: int) -> _dt.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return _dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _solar_term(year: int, name: str) -> _dt.date:
    """The day (Beijing time) of a solar term of the lunar year ``year``; 清明 falls in April of the same year."""
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()[name]
    return _dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
