"""The cockpit's summary (驾驶舱汇总): running cases and open steps counted per department and light, kept by
database triggers in the transaction of every change to a case or a step, so the cockpit never counts the case table.

Each change appends signed rows (``n`` = +1 / -1, or a statement's count on PostgreSQL's bulk inserts): appends never
wait on each other, so concurrent steps of one department do not queue on a counter row. The sweep folds a
department's rows into one per bucket (``engine/cockpit/summary.py``); a count is the sum of ``n`` over a bucket.
Buckets: ``kind`` 'case' (a running case: its light, or 'paused' while its clock stands) and 'task' (an open step:
its light). The same triggers are made by the tables' creation and by migration 0013.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base

CASE_BUCKET = "CASE WHEN {row}.paused_since IS NOT NULL THEN 'paused' ELSE COALESCE({row}.light, 'none') END"
TASK_BUCKET = "COALESCE({row}.light, 'none')"


class CockpitTally(Base):
    __tablename__ = "cockpit_tally"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # 'case' or 'task'
    department: Mapped[str | None] = mapped_column(sa.String(200), nullable=True, index=True)
    light: Mapped[str] = mapped_column(sa.String(8))
    n: Mapped[int] = mapped_column(sa.Integer)


def _pg_function(name: str, kind: str, alive: str, bucket: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.{alive} THEN
            INSERT INTO cockpit_tally (kind, department, light, n)
            VALUES ('{kind}', OLD.department, {bucket.format(row="OLD")}, -1);
        END IF;
        IF NEW.{alive} THEN
            INSERT INTO cockpit_tally (kind, department, light, n)
            VALUES ('{kind}', NEW.department, {bucket.format(row="NEW")}, 1);
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO cockpit_tally (kind, department, light, n)
        SELECT '{kind}', r.department, {bucket.format(row="r")}, count(*) FROM inserted r
        WHERE r.{alive} GROUP BY 1, 2, 3;
    ELSE
        INSERT INTO cockpit_tally (kind, department, light, n)
        SELECT '{kind}', r.department, {bucket.format(row="r")}, -count(*) FROM deleted r
        WHERE r.{alive} GROUP BY 1, 2, 3;
    END IF;
    RETURN NULL;
END
$$;
"""


def _pg_triggers(table: str, name: str, alive: str, columns: tuple[str, ...], changed: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name}_insert ON {table}",
        f"DROP TRIGGER IF EXISTS {name}_update ON {table}",
        f"DROP TRIGGER IF EXISTS {name}_delete ON {table}",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS inserted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {', '.join(columns)} ON {table} FOR EACH ROW "
        f"WHEN ({changed}) EXECUTE FUNCTION {name}()",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS deleted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite_triggers(
    table: str, name: str, kind: str, alive: str, bucket: str, columns: tuple[str, ...], changed: str
) -> list[str]:
    def add(row: str, sign: int) -> str:
        return (
            f"INSERT INTO cockpit_tally (kind, department, light, n) "
            f"SELECT '{kind}', {row}.department, {bucket.format(row=row)}, {sign} WHERE {row}.{alive};"
        )

    return [
        f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {table} BEGIN {add('NEW', 1)} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"WHEN {changed} BEGIN {add('OLD', -1)} {add('NEW', 1)} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {table} BEGIN {add('OLD', -1)} END",
    ]


_CASE_CHANGED = (
    "OLD.status {ne} NEW.status OR OLD.department {ne} NEW.department OR OLD.light {ne} NEW.light "
    "OR (OLD.paused_since IS NULL) <> (NEW.paused_since IS NULL)"
)
_TASK_CHANGED = "OLD.state {ne} NEW.state OR OLD.department {ne} NEW.department OR OLD.light {ne} NEW.light"
_CASE_ALIVE, _TASK_ALIVE = "status = 'running'", "state = 'open'"

POSTGRESQL_DDL: list[str] = [
    _pg_function("cockpit_tally_case", "case", _CASE_ALIVE, CASE_BUCKET),
    _pg_function("cockpit_tally_task", "task", _TASK_ALIVE, TASK_BUCKET),
    *_pg_triggers(
        "case_record",
        "cockpit_tally_case",
        _CASE_ALIVE,
        ("status", "department", "light", "paused_since"),
        _CASE_CHANGED.format(ne="IS DISTINCT FROM"),
    ),
    *_pg_triggers(
        "task_record",
        "cockpit_tally_task",
        _TASK_ALIVE,
        ("state", "department", "light"),
        _TASK_CHANGED.format(ne="IS DISTINCT FROM"),
    ),
]
SQLITE_DDL: list[str] = [
    *_sqlite_triggers(
        "case_record",
        "cockpit_tally_case",
        "case",
        _CASE_ALIVE,
        CASE_BUCKET,
        ("status", "department", "light", "paused_since"),
        _CASE_CHANGED.format(ne="IS NOT"),
    ),
    *_sqlite_triggers(
        "task_record",
        "cockpit_tally_task",
        "task",
        _TASK_ALIVE,
        TASK_BUCKET,
        ("state", "department", "light"),
        _TASK_CHANGED.format(ne="IS NOT"),
    ),
]
# The summary counted afresh from the tables (a new table, a rebuild).
RECOUNT = f"""
INSERT INTO cockpit_tally (kind, department, light, n)
SELECT 'case', c.department, {CASE_BUCKET.format(row="c")}, count(*) FROM case_record c
WHERE c.{_CASE_ALIVE} GROUP BY 1, 2, 3
UNION ALL
SELECT 'task', t.department, {TASK_BUCKET.format(row="t")}, count(*) FROM task_record t
WHERE t.{_TASK_ALIVE} GROUP BY 1, 2, 3
"""


def trigger_ddl(dialect: str) -> list[str]:
    return POSTGRESQL_DDL if dialect == "postgresql" else SQLITE_DDL if dialect == "sqlite" else []


@sa.event.listens_for(Base.metadata, "after_create")
def _after_create(
    _metadata: sa.MetaData, connection: sa.Connection, tables: Sequence[sa.Table] = (), **_kw: object
) -> None:
    """The triggers (idempotent: create_all runs on every start); a table made now is filled by a recount."""
    inspector = sa.inspect(connection)
    if not all(inspector.has_table(name) for name in ("case_record", "task_record", CockpitTally.__tablename__)):
        return
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
    if any(t.name == CockpitTally.__tablename__ for t in tables):
        connection.exec_driver_sql(RECOUNT)
