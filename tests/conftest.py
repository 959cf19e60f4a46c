"""Fixtures: an engine on SQLite (always) and on PostgreSQL (when SHENPI_TEST_DATABASE_URL is set)."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.kernel import clock as clock_module
from engine.config import PROJECT_ROOT, Settings
from engine.kernel.db import Base, Database, create_db_engine
from engine.identity.actors import ADMIN, APPLICANT, OFFICIAL, SUPERVISOR
from engine.models import Department, User
from engine.bootstrap import Shenpi

FIXTURES = Path(__file__).parent / "fixtures"
PROCESSES = PROJECT_ROOT / "processes"
PG_URL = os.environ.get("SHENPI_TEST_DATABASE_URL")
BROKER_URL = os.environ.get("SHENPI_TEST_BROKER_URL")
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock_module.SHANGHAI)

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture
def clock():
    fixed = clock_module.FixedClock(START)
    previous = clock_module.current()
    clock_module.install(fixed)
    yield fixed
    clock_module.install(previous)


_pg_engine = None


def _postgres_database() -> Database:
    if _pg_engine is None:
        reset_postgres_schema()
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with _pg_engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return Database(engine=_pg_engine)


def reset_postgres_schema() -> None:
    """Empty the PostgreSQL test database (whatever an earlier build or another test left) and create the tables."""
    global _pg_engine
    if _pg_engine is None:
        _pg_engine = create_db_engine(PG_URL)
    from engine import models  # noqa: F401

    with _pg_engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    Base.metadata.create_all(_pg_engine)


def make_engine(backend: str, tmp_path: Path, clock) -> Shenpi:
    if backend == "postgresql":
        database = _postgres_database()
    else:
        database = Database(f"sqlite:///{tmp_path / 'shenpi.db'}")
    settings = Settings(database_url=str(database.engine.url), broker_url="memory://", processes_dir=PROCESSES,
                        files_dir=tmp_path / "files")
    engine = Shenpi(settings, database=database, clock=clock)
    engine.init_db()
    return engine


@pytest.fixture(params=BACKENDS)
def shenpi(request, tmp_path, clock) -> Shenpi:
    engine = make_engine(request.param, tmp_path, clock)
    yield engine
    if request.param == "sqlite":
        engine.db.engine.dispose()


@pytest.fixture
def sqlite_shenpi(tmp_path, clock) -> Shenpi:
    engine = make_engine("sqlite", tmp_path, clock)
    yield engine
    engine.db.engine.dispose()


def add_people(engine: Shenpi, department: str = "测试局", posts=("受理窗口", "承办人", "审核人", "批准人", "制证发证")):
    with engine.db.transaction() as session:
        session.add(Department(id="T00", name="测试市人民政府", level="city"))
        session.add(Department(id="TJC", name="测试市监察局", level="city", parent_id="T00"))
        session.add(Department(id="T01", name=department, level="city", parent_id="T00"))
        session.add(Department(id="T02", name="其他局", level="city", parent_id="T00"))
        session.add(Department(id="X00", name="外县人民政府", level="district"))
        session.add(Department(id="XJC", name="外县监察局", level="district", parent_id="X00"))
        session.flush()
        session.add(User(id="clerk", name="窗口甲", department_id="T01", posts=list(posts), roles=[OFFICIAL]))
        session.add(User(id="clerk2", name="窗口乙", department_id="T01", posts=list(posts), roles=[OFFICIAL]))
        session.add(User(id="outsider", name="他局人员", department_id="T02", posts=list(posts), roles=[OFFICIAL]))
        session.add(User(id="admin", name="管理员", department_id="T01", posts=[], roles=[ADMIN]))
        session.add(User(id="supervisor", name="监察员", department_id="TJC", posts=[], roles=[SUPERVISOR]))
        session.add(User(id="far_supervisor", name="外县监察员", department_id="XJC", posts=[], roles=[SUPERVISOR]))
        session.add(User(id="citizen", name="张三", department_id=None, posts=[], roles=[APPLICANT]))


FIVE_STEP_ENTRY = dict(
    code="TEST-0001", key="five_step", name="测试事项", department="测试局", type="行政许可",
    legal_basis=["《中华人民共和国行政许可法》"], statutory_limit_days=20, promised_limit_days=10,
    handling="承诺件", star_level=3, process_file="five_step.bpmn", conditions=["测试"], materials=[],
)


@pytest.fixture
def five_step(shenpi):
    """An engine with the five-step test flow published as matter TEST-0001 and a few officials."""
    shenpi.repository.deploy((FIXTURES / "five_step.bpmn").read_bytes(), "five_step.bpmn", actor="admin")
    shenpi.catalogue.publish(FIVE_STEP_ENTRY, "admin")
    add_people(shenpi)
    return shenpi


@contextlib.contextmanager
def refused(kind, reason: str, **params):
    """``pytest.raises(kind)`` that also checks the error's reason (and the given params)."""
    with pytest.raises(kind) as caught:
        yield caught
    assert caught.value.reason == reason, caught.value
    assert {k: caught.value.params.get(k) for k in params} == params, caught.value.params


@pytest.fixture(autouse=True, scope="session")
def compiled_catalogues():
    """The pages and the API word messages from compiled catalogues: compile any .po newer than its .mo (as
    `make install` does), so tests run right after a catalogue changed."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (PROJECT_ROOT / "web" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)
