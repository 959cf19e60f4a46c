"""Demo data for each official's own score page (/me/score, seed 002 §1 三是 "所有工作人员均可以看到每日、每月加、
减分情况"): the supervisor's manual daily points with their reasons, and the window's record of an applicant's
on-site visit (跑动次数)."""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

from engine.errors import EngineError

POINTS = [  # (official, days before today, points, reason)
    ("d06a", 0, 1.0, "窗口服务获群众书面表扬"),
    ("d06a", 1, -0.5, "工作时间未按规定佩戴工牌"),
    ("d01a", 0, 0.5, "主动为群众延时服务"),
]


def seed_scores(engine, case_ids: list[int]) -> None:
    supervisor = engine.identity.actor("supervisor")
    today = engine.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    for official, back, points, reason in POINTS:
        day = (today - _dt.timedelta(days=back)).isoformat()
        engine.performance.record_points(official, day, points, reason, supervisor)
    clerk = engine.identity.actor("d06a")
    for case_id in case_ids:  # the first case of d06a's department: the applicant came to the window once
        try:
            engine.visits.record(case_id, clerk, "到窗口当面签字确认")
        except EngineError:
            continue
        break
