"""What one API request costs, by kind, without the noise of a whole deployment: CPU of this process and of PostgreSQL.

    .venv/bin/python bench/api_cost.py [--cases 100] [--pg URL]

The application runs in this process (Flask's test client, no HTTP server) on an emptied PostgreSQL database (default
``test_bench_api``, created if missing; ``--pg`` or SHENPI_BENCH_PG_URL) seeded as ``bench/http_load.py`` seeds it: the
five-step matter and one official with an API token. After 20 warm-up cases, ``--cases`` cases are started
(``POST /api/v1/cases``) and completed step by step (``POST /api/v1/tasks/{id}/complete``) by that official. Prints, per
kind of request:

    api: start requests=N cpu_ms=.. postgresql_ms=.. statements=..

cpu_ms is this process's CPU per request (``time.process_time``: Flask, the API layer and the engine), postgresql_ms
the CPU of the database's server processes serving it (``/proc``, when PostgreSQL runs on this host), statements the
statements SQLAlchemy ran per request (the hot path's raw statements, ``engine/kernel/fast_sql.py``, not counted).
Everything runs on the engine's fixed clock (Monday 2026-11-23 09:00, Shanghai): no figure depends on today's date.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.deployment import MATTER, STEP_DATA, reset_database, scratch_folder, seed, seed_engine  # noqa: E402
from bench.engine_throughput import ServerClock  # noqa: E402
from web import create_app  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench_api"
WARM_UP_CASES = 20


class Costs:
    """CPU, server CPU and statements per kind of request."""

    def __init__(self, engine, server: ServerClock) -> None:
        self.server = server
        self.requests: collections.Counter[str] = collections.Counter()
        self.cpu: collections.Counter[str] = collections.Counter()
        self.server_cpu: collections.Counter[str] = collections.Counter()
        self.statements: collections.Counter[str] = collections.Counter()
        self.kind: str | None = None
        sa.event.listen(engine.db.bind, "before_cursor_execute", self._statement)

    def _statement(self, *_args) -> None:
        if self.kind:
            self.statements[self.kind] += 1

    def measure(self, kind: str, call):
        before = self.server.read()
        self.kind = kind
        started = time.process_time()
        try:
            return call()
        finally:
            self.cpu[kind] += time.process_time() - started
            self.kind = None
            self.requests[kind] += 1
            spent = self.server.spent(before, self.server.read())
            self.server_cpu[kind] += spent or 0.0

    def clear(self) -> None:
        for counter in (self.requests, self.cpu, self.server_cpu, self.statements):
            counter.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--pg", default=os.environ.get("SHENPI_BENCH_PG_URL", DEFAULT_PG))
    args = parser.parse_args()
    with scratch_folder("shenpi-api-cost-") as tmp:
        folder = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SHENPI_")},
            "SHENPI_DATABASE_URL": args.pg,
            "SHENPI_STATE_DIR": str(folder / "state"),
            "SHENPI_FILES_DIR": str(folder / "files"),
            "SHENPI_BROKER_URL": "memory://",
        }
        reset_database(args.pg, env)
        engine = seed_engine(args.pg, folder)
        token = next(iter(seed(engine, 1).values()))
        client = create_app(shenpi=engine).test_client()
        headers = {"Authorization": f"Bearer {token}"}
        server = ServerClock(args.pg)
        costs = Costs(engine, server)

        def post(kind: str, path: str, body: dict) -> dict:
            response = costs.measure(kind, lambda: client.post(path, json=body, headers=headers))
            if response.status_code >= 300:
                raise SystemExit(f"{kind}: {response.status_code} {response.get_data(as_text=True)[:300]}")
            return response.get_json()

        def one_case() -> None:
            case = post("start", "/api/v1/cases", {"matter": MATTER, "applicant": {"name": "基准申请人"}})
            tasks = case["tasks"]
            while tasks:
                task = tasks[0]
                body = {"data": STEP_DATA.get(task["element"], {}), "opinion": "同意"}
                tasks = post("complete", f"/api/v1/tasks/{task['id']}/complete", body)["next_tasks"]

        for _ in range(WARM_UP_CASES):
            one_case()
        costs.clear()
        for _ in range(args.cases):
            one_case()
        for kind, count in costs.requests.items():
            postgresql = f"{costs.server_cpu[kind] * 1000 / count:.2f}" if server.available else "-"
            print(
                f"api: {kind} requests={count} cpu_ms={costs.cpu[kind] * 1000 / count:.2f} "
                f"postgresql_ms={postgresql} statements={costs.statements[kind] / count:.1f}"
            )
        engine.db.bind.dispose()
        server.bind.dispose()


if __name__ == "__main__":
    main()
