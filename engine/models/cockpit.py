"""The cockpit's summary (驾驶舱汇总): what the cockpit counts, per department, kept by database triggers in the
transaction of every change, so the cockpit never counts a table that grows with history.

Each change appends signed rows (``n`` = +1 / -1, or a statement's count on PostgreSQL's bulk inserts): appends never
wait on each other, so concurrent steps of one department do not queue on a counter row. The sweep folds a
department's rows into one per bucket (``engine/cockpit/summary.py``); a count is the sum of ``n`` over a bucket.
Buckets (``kind``, department, ``light``, ``state``):

- 'case': a running case — its light, or 'paused' while its clock stands;
- 'task': an open step — its light;
- 'signal': a correction signal, whatever its status — its colour, its status (open, corrected, closed);
- 'item': a 督办 item not closed — its light;
- 'complain': a complaint, whatever its status — its status (light '').

The case and step triggers are made by the tables' creation and by migration 0013, the others by migration 0019.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..kernel.db import Base


class CockpitTally(Base):
    __tablename__ = "cockpit_tally"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # 'case', 'task', 'signal', 'item', 'complain'
    department: Mapped[str | None] = mapped_column(sa.String(200), nullable=True, index=True)
    light: Mapped[str] = mapped_column(sa.String(8))
    state: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    n: Mapped[int] = mapped_column(sa.Integer)


@dataclass(frozen=True)
class Source:
    """A table the summary counts: which rows (``alive``), into which bucket (``light``, ``state``: expressions of
    ``{row}``; ``state`` None leaves the column to its default), and the changes that move a row between buckets
    (``columns`` updated, ``changed``: a condition on OLD and NEW with ``{ne}`` for the dialect's null-safe ≠)."""

    table: str
    name: str  # of its triggers (and PostgreSQL function)
    kind: str
    alive: str
    light: str
    state: str | None
    columns: tuple[str, ...]
    changed: str

    def columns_of_tally(self) -> str:
        return "kind, department, light, n" if self.state is None else "kind, department, light, state, n"

    def bucket(self, row: str) -> str:
        light = self.light.format(row=row)
        return light if self.state is None else f"{light}, {self.state.format(row=row)}"

    def groups(self) -> str:
        return "1, 2, 3" if self.state is None else "1, 2, 3, 4"


CASES = Source(
    "case_record",
    "cockpit_tally_case",
    "case",
    "{row}.status = 'running'",
    "CASE WHEN {row}.paused_since IS NOT NULL THEN 'paused' ELSE COALESCE({row}.light, 'none') END",
    None,
    ("status", "department", "light", "paused_since"),
    "OLD.status {ne} NEW.status OR OLD.department {ne} NEW.department OR OLD.light {ne} NEW.light "
    "OR (OLD.paused_since IS NULL) <> (NEW.paused_since IS NULL)",
)
TASKS = Source(
    "task_record",
    "cockpit_tally_task",
    "task",
    "{row}.state = 'open'",
    "COALESCE({row}.light, 'none')",
    None,
    ("state", "department", "light"),
    "OLD.state {ne} NEW.state OR OLD.department {ne} NEW.department OR OLD.light {ne} NEW.light",
)
SIGNALS = Source(
    "violation_signal",
    "cockpit_tally_signal",
    "signal",
    "{row}.id IS NOT NULL",
    "{row}.color",
    "{row}.status",
    ("color", "status", "department"),
    "OLD.color {ne} NEW.color OR OLD.status {ne} NEW.status OR OLD.department {ne} NEW.department",
)
ITEMS = Source(
    "supervision_item",
    "cockpit_tally_item",
    "item",
    "{row}.status <> 'closed'",
    "COALESCE({row}.light, 'none')",
    None,
    ("status", "light", "department"),
    "(OLD.status = 'closed') <> (NEW.status = 'closed') OR OLD.light {ne} NEW.light "
    "OR OLD.department {ne} NEW.department",
)
COMPLAINTS = Source(
    "complaint",
    "cockpit_tally_complaint",
    "complain",
    "{row}.id IS NOT NULL",
    "''",
    "{row}.status",
    ("status", "department"),
    "OLD.status {ne} NEW.status OR OLD.department {ne} NEW.department",
)
CASES_AND_STEPS = (CASES, TASKS)  # migration 0013
SUPERVISION = (SIGNALS, ITEMS, COMPLAINTS)  # migration 0019
SOURCES = CASES_AND_STEPS + SUPERVISION


def _pg_function(s: Source) -> str:
    def add(row: str) -> str:
        return (
            f"INSERT INTO cockpit_tally ({s.columns_of_tally()}) VALUES ('{s.kind}', {row}.department, "
            f"{s.bucket(row)}, {-1 if row == 'OLD' else 1});"
        )

    def add_all(table: str, sign: str) -> str:
        return (
            f"INSERT INTO cockpit_tally ({s.columns_of_tally()}) SELECT '{s.kind}', r.department, {s.bucket('r')}, "
            f"{sign}count(*) FROM {table} r WHERE {s.alive.format(row='r')} GROUP BY {s.groups()};"
        )

    return f"""
CREATE OR REPLACE FUNCTION {s.name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF {s.alive.format(row="OLD")} THEN
            {add("OLD")}
        END IF;
        IF {s.alive.format(row="NEW")} THEN
            {add("NEW")}
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        {add_all("inserted", "")}
    ELSE
        {add_all("deleted", "-")}
    END IF;
    RETURN NULL;
END
$$;
"""


def _pg_triggers(s: Source) -> list[str]:
    return [
        _pg_function(s),
        *_pg_drops(s, function=False),
        f"CREATE TRIGGER {s.name}_insert AFTER INSERT ON {s.table} REFERENCING NEW TABLE AS inserted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s.name}()",
        f"CREATE TRIGGER {s.name}_update AFTER UPDATE OF {', '.join(s.columns)} ON {s.table} FOR EACH ROW "
        f"WHEN ({s.changed.format(ne='IS DISTINCT FROM')}) EXECUTE FUNCTION {s.name}()",
        f"CREATE TRIGGER {s.name}_delete AFTER DELETE ON {s.table} REFERENCING OLD TABLE AS deleted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s.name}()",
    ]


def _pg_drops(s: Source, function: bool = True) -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {s.name}_{event} ON {s.table}" for event in ("insert", "update", "delete")]
    return drops + ([f"DROP FUNCTION IF EXISTS {s.name}()"] if function else [])


def _sqlite_triggers(s: Source) -> list[str]:
    def add(row: str, sign: int) -> str:
        return (
            f"INSERT INTO cockpit_tally ({s.columns_of_tally()}) "
            f"SELECT '{s.kind}', {row}.department, {s.bucket(row)}, {sign} WHERE {s.alive.format(row=row)};"
        )

    return [
        f"CREATE TRIGGER IF NOT EXISTS {s.name}_insert AFTER INSERT ON {s.table} BEGIN {add('NEW', 1)} END",
        f"CREATE TRIGGER IF NOT EXISTS {s.name}_update AFTER UPDATE OF {', '.join(s.columns)} ON {s.table} "
        f"WHEN {s.changed.format(ne='IS NOT')} BEGIN {add('OLD', -1)} {add('NEW', 1)} END",
        f"CREATE TRIGGER IF NOT EXISTS {s.name}_delete AFTER DELETE ON {s.table} BEGIN {add('OLD', -1)} END",
    ]


def trigger_ddl(dialect: str, sources: Sequence[Source] = SOURCES) -> list[str]:
    """The triggers that keep the summary of ``sources`` (idempotent)."""
    make = _pg_triggers if dialect == "postgresql" else _sqlite_triggers if dialect == "sqlite" else None
    return [statement for s in sources for statement in make(s)] if make else []


def drop_ddl(dialect: str, sources: Sequence[Source]) -> list[str]:
    """Those triggers dropped (a downgrade)."""
    if dialect == "postgresql":
        return [statement for s in sources for statement in _pg_drops(s)]
    return [f"DROP TRIGGER IF EXISTS {s.name}_{event}" for s in sources for event in ("insert", "update", "delete")]


def recount(sources: Sequence[Source] = SOURCES) -> list[str]:
    """The summary of ``sources`` counted afresh from their tables (a new table, a rebuild): one statement each."""
    return [
        f"INSERT INTO cockpit_tally ({s.columns_of_tally()}) SELECT '{s.kind}', r.department, {s.bucket('r')}, "
        f"count(*) FROM {s.table} r WHERE {s.alive.format(row='r')} GROUP BY {s.groups()}"
        for s in sources
    ]


@sa.event.listens_for(Base.metadata, "after_create")
def _after_create(
    _metadata: sa.MetaData, connection: sa.Connection, tables: Sequence[sa.Table] = (), **_kw: object
) -> None:
    """The triggers (idempotent: create_all runs on every start); a table made now is filled by a recount."""
    inspector = sa.inspect(connection)
    if not all(inspector.has_table(name) for name in (CockpitTally.__tablename__, *(s.table for s in SOURCES))):
        return
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
    if any(t.name == CockpitTally.__tablename__ for t in tables):
        for statement in recount():
            connection.exec_driver_sql(statement)
