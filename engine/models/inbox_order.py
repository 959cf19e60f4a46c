"""The inbox's order kept on each open step, so a department's queue is read from an index in its order and never
sorted whole: ``inbox_rank`` (-3 red, -2 yellow, 0 none: the worse of the step's and its case's light) and
``inbox_due`` (the nearer of the step's deadline and the case's promised limit). Database triggers keep them in the
transaction of every change to a step (its state, light, deadline) or to its case (its light, its promised limit).
Made by the tables' creation and by migration 0013; the rank redefined without the old green light by 0019."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..kernel.db import Base

RANK = (
    "CASE WHEN {t}.light = 'red' OR {c}.light = 'red' THEN -3 WHEN {t}.light = 'yellow' OR {c}.light = 'yellow' "
    "THEN -2 ELSE 0 END"
)
DUE = (
    "CASE WHEN {t}.due_at IS NULL THEN {c}.promised_due_at WHEN {c}.promised_due_at IS NULL THEN {t}.due_at "
    "WHEN {t}.due_at < {c}.promised_due_at THEN {t}.due_at ELSE {c}.promised_due_at END"
)
_TASK_COLUMNS = "state, light, due_at, case_id"
_CASE_WHEN = "OLD.light {ne} NEW.light OR OLD.promised_due_at {ne} NEW.promised_due_at"

POSTGRESQL_DDL: list[str] = [
    f"""
CREATE OR REPLACE FUNCTION inbox_order_task() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c record;
BEGIN
    SELECT light, promised_due_at INTO c FROM case_record WHERE id = NEW.case_id;
    NEW.inbox_rank := {RANK.format(t="NEW", c="c")};
    NEW.inbox_due := {DUE.format(t="NEW", c="c")};
    RETURN NEW;
END
$$;
""",
    f"""
CREATE OR REPLACE FUNCTION inbox_order_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE task_record t SET inbox_rank = {RANK.format(t="t", c="NEW")}, inbox_due = {DUE.format(t="t", c="NEW")}
    WHERE t.case_id = NEW.id AND t.state = 'open';
    RETURN NULL;
END
$$;
""",
    "DROP TRIGGER IF EXISTS inbox_order_task ON task_record",
    "DROP TRIGGER IF EXISTS inbox_order_case ON case_record",
    f"CREATE TRIGGER inbox_order_task BEFORE INSERT OR UPDATE OF {_TASK_COLUMNS} ON task_record FOR EACH ROW "
    "WHEN (NEW.state = 'open') EXECUTE FUNCTION inbox_order_task()",
    "CREATE TRIGGER inbox_order_case AFTER UPDATE OF light, promised_due_at ON case_record FOR EACH ROW "
    f"WHEN ({_CASE_WHEN.format(ne='IS DISTINCT FROM')}) EXECUTE FUNCTION inbox_order_case()",
]

_SQLITE_SET_ONE = (
    f"UPDATE task_record SET inbox_rank = (SELECT {RANK.format(t='NEW', c='c')} FROM case_record c "
    f"WHERE c.id = NEW.case_id), inbox_due = (SELECT {DUE.format(t='NEW', c='c')} FROM case_record c "
    "WHERE c.id = NEW.case_id) WHERE id = NEW.id;"
)
SQLITE_DDL: list[str] = [
    "CREATE TRIGGER IF NOT EXISTS inbox_order_task_insert AFTER INSERT ON task_record WHEN NEW.state = 'open' "
    f"BEGIN {_SQLITE_SET_ONE} END",
    f"CREATE TRIGGER IF NOT EXISTS inbox_order_task_update AFTER UPDATE OF {_TASK_COLUMNS} ON task_record "
    f"WHEN NEW.state = 'open' BEGIN {_SQLITE_SET_ONE} END",
    "CREATE TRIGGER IF NOT EXISTS inbox_order_case AFTER UPDATE OF light, promised_due_at ON case_record "
    f"WHEN {_CASE_WHEN.format(ne='IS NOT')} BEGIN UPDATE task_record SET "
    f"inbox_rank = {RANK.format(t='task_record', c='NEW')}, inbox_due = {DUE.format(t='task_record', c='NEW')} "
    "WHERE case_id = NEW.id AND state = 'open'; END",
]
# Every open step's order counted afresh (a new column, a bulk load made with the triggers off).
RECOUNT = f"""
UPDATE task_record SET
    inbox_rank = (SELECT {RANK.format(t="task_record", c="c")} FROM case_record c WHERE c.id = task_record.case_id),
    inbox_due = (SELECT {DUE.format(t="task_record", c="c")} FROM case_record c WHERE c.id = task_record.case_id)
WHERE state = 'open'
"""


def trigger_ddl(dialect: str) -> list[str]:
    return POSTGRESQL_DDL if dialect == "postgresql" else SQLITE_DDL if dialect == "sqlite" else []


@sa.event.listens_for(Base.metadata, "after_create")
def _after_create(
    _metadata: sa.MetaData, connection: sa.Connection, tables: Sequence[sa.Table] = (), **_kw: object
) -> None:
    """The triggers (idempotent: create_all runs on every start)."""
    inspector = sa.inspect(connection)
    if not all(inspector.has_table(name) for name in ("case_record", "task_record")):
        return
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
