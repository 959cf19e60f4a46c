"""Demo history: cases that came in over the last four weeks, run through the engine on a clock set back to
their days (timers fire as they fall due), so the supervision cockpit has trends, lights and escalations to
show. Some concluded on time, some late; some are still running, now yellow or red. Most
results are published when the case ends; the rest show the supervision rules at work. A backlog of food licence
applications gives the food department's officials, and the supervisors who watch them, several pages of work."""

from __future__ import annotations

import datetime as _dt

from engine.identity import ENGINE
from engine.kernel import SHANGHAI, FixedClock

FOOD, GRAIN, ETHNIC, TOBACCO = "410104-XK-SP-001", "410104-XK-LS-001", "410104-QR-MZ-001", "410104-XK-YC-001"
# (matter, days ago the application came in, days later it concluded or None while it runs)
PLAN = [
    (ETHNIC, 27, 8),
    (FOOD, 25, 12),
    (FOOD, 22, None),
    (GRAIN, 20, 4),
    (TOBACCO, 18, 6),
    (FOOD, 16, 3),
    (GRAIN, 14, None),
    (TOBACCO, 13, None),
    (ETHNIC, 11, 9),
    (FOOD, 9, None),
    (GRAIN, 7, 5),
    (ETHNIC, 5, None),
    (TOBACCO, 3, 2),
    (FOOD, 2, None),
]
BACKLOG = [(FOOD, 1 + index // 4, None) for index in range(44)]  # four a day over the last eleven days
NAMES = ["孙伟", "马丽", "朱涛", "胡敏", "郭亮", "何洁", "高峰", "林芳", "罗斌", "梁静", "宋杰", "谢颖", "韩冰", "唐宁"]


def seed_past_cases(engine) -> list[int]:
    """Run PLAN on a clock set back to each event's day; returns the case ids. Call before any other case."""
    from demo.seed import drive
    from engine.bootstrap import Shenpi

    published = {matter["code"] for matter in engine.catalogue.list_matters()}
    plan = [entry for entry in PLAN + BACKLOG if entry[0] in published]
    if not plan:
        return []
    today = engine.clock.now().astimezone(SHANGHAI).date()
    events = []
    for index, (_matter, ago, lasted) in enumerate(plan):
        day = today - _dt.timedelta(days=ago)
        events.append((_dt.datetime.combine(day, _dt.time(10, 0), SHANGHAI), "start", index))
        if lasted is not None:
            events.append(
                (_dt.datetime.combine(day + _dt.timedelta(days=lasted), _dt.time(15, 0), SHANGHAI), "finish", index)
            )
    past = FixedClock(events[0][0])
    past_engine = Shenpi(engine.settings, database=engine.db, clock=past)  # its own clock; ours is untouched
    started: dict[int, int] = {}
    for instant, action, index in sorted(events):
        past.set(instant)
        past_engine.sweep()
        if action == "start":
            applicant = {
                "name": NAMES[index % len(NAMES)],
                "id_number": f"41010419900101{index:04d}",
                "phone": f"1390371{index:04d}",
            }
            case = past_engine.cases.start_case(plan[index][0], applicant, {"channel": "window"}, ENGINE)
            started[index] = case["id"]
            drive(past_engine, case["id"], steps=1)  # accepted the same day
        else:
            drive(past_engine, started[index], signers=["d01a", "d01b", "d02a"])
            if index % 3:  # most results are published on the day; the others raise their signal
                past_engine.violations.fees.publish_result(started[index], ENGINE)
    engine.sweep()
    return [started[i] for i in sorted(started)]
