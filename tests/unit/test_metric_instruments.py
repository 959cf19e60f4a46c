"""web/metrics.py makes its Prometheus metrics once per process, also when gunicorn's threads ask for them first at
the same moment (a second registration of the same names raised DuplicateTimeseries: a 500 for a committed step)."""

from __future__ import annotations

import threading
import time

from web import metrics


def test_threads_asking_at_once_make_the_metrics_once(monkeypatch):
    made = []

    def slow_build():
        made.append(threading.get_ident())
        time.sleep(0.05)  # wide enough for every thread to arrive while the first builds
        return {"task_completions": object()}

    monkeypatch.setattr(metrics, "_made", None)
    monkeypatch.setattr(metrics, "_build_instruments", slow_build)
    start = threading.Barrier(8)
    seen = []

    def ask():
        start.wait()
        seen.append(metrics._instruments())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert len(seen) == 8 and all(found is seen[0] for found in seen)
