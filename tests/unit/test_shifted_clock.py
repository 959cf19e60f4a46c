"""SHENPI_CLOCK: a deployment's processes on one clock moved to another date (bench/http_load.py, the crash tests)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from engine.bootstrap import Shenpi
from engine.config import InvalidSettings, Settings
from engine.kernel import SHANGHAI, Clock, ShiftedClock, clock_from_setting, clock_setting

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def test_two_processes_given_the_same_setting_read_the_same_instant_and_the_clock_runs():
    anchor = time.time() - 120  # the deployment started two minutes ago
    value = clock_setting(START, anchor)
    first, second = clock_from_setting(value), clock_from_setting(value)
    assert isinstance(first, ShiftedClock)
    a, b = first.now(), second.now()
    assert abs((b - a).total_seconds()) < 1
    assert dt.timedelta(seconds=119) < a - START < dt.timedelta(seconds=125)  # it ran on from START
    time.sleep(0.02)
    assert first.now() > a


def test_empty_is_the_system_clock_and_an_engine_takes_the_setting(tmp_path):
    assert type(clock_from_setting("")) is Clock
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}", broker_url="memory://", clock=clock_setting(START, time.time())
    )
    engine = Shenpi(settings)
    assert abs((engine.clock.now() - START).total_seconds()) < 60
    engine.db.bind.dispose()


@pytest.mark.parametrize("value", ["tomorrow", "2026-11-23T09:00+08:00@soon", "@1"])
def test_a_value_that_names_no_clock_is_refused_at_start(value):
    with pytest.raises(InvalidSettings) as refused:
        Settings(clock=value)
    assert "instant@unix-seconds" in repr(refused.value).lower() and "clock" in repr(refused.value)
