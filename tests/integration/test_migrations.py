"""Schema migrations (Flask-Migrate): the revisions build exactly the models' schema, and a database made by the
build before migrations existed is upgraded in place with its data kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from engine import models  # noqa: F401
from engine.bootstrap import Shenpi
from engine.config import Settings
from engine.kernel.db import Base, Database
from engine.models import TRIGRAM_INDEXES
from web import create_app, schema

from ..helpers import PG_URL, PROCESSES, complete, publish_five_step, rechain_as_version_1


def _app(url: str):
    settings = Settings(database_url=url, broker_url="memory://")
    return create_app(settings, Shenpi(settings, database=Database(url)), testing=True)


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", schema.MIGRATIONS)
    return ScriptDirectory.from_config(config).get_current_head()


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: not (type_ == "index" and name in TRIGRAM_INDEXES),
            },
        )
        return compare_metadata(context, Base.metadata)


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    engine = sa.create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    yield PG_URL
    from ..databases import reset_postgres_schema

    reset_postgres_schema()


def test_revisions_build_the_models_schema(empty_url):
    app = _app(empty_url)
    with app.app_context():
        upgrade(directory=schema.MIGRATIONS)
    engine = app.extensions["shenpi"].db.bind
    assert _differences(engine) == []
    engine.dispose()


def test_a_database_from_the_build_before_migrations_is_upgraded_keeping_its_data(empty_url):
    app = _app(empty_url)
    engine = app.extensions["shenpi"].db.bind
    with app.app_context():
        upgrade(directory=schema.MIGRATIONS, revision=schema.BASELINE)
    with engine.begin() as connection:  # as create_all made it: no alembic_version table
        connection.execute(sa.text("DROP TABLE alembic_version"))
        connection.execute(sa.text("INSERT INTO department (id, name, level) VALUES ('D1', '测试局', 'city')"))
        connection.execute(
            sa.text(
                "INSERT INTO user_account (id, name, department_id, posts, roles, active) "
                "VALUES ('u1', '甲', 'D1', '[]', '[\"official\"]', true)"
            )
        )
    assert schema.upgrade_database(app) == "upgraded"
    assert _differences(engine) == []
    profile = app.extensions["shenpi"].identity.profile("u1")
    assert profile["name"] == "甲" and profile["phone"] is None
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT active FROM department WHERE id = 'D1'")).scalar() in (True, 1)
    assert schema.upgrade_database(app) == "upgraded"  # again: nothing to do, nothing lost
    engine.dispose()


def test_a_fresh_database_is_created_at_the_newest_revision(empty_url):
    app = _app(empty_url)
    assert schema.upgrade_database(app) == "created"
    engine = app.extensions["shenpi"].db.bind
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == _head()
    engine.dispose()


def test_a_trail_written_before_numbers_were_hashed_still_verifies_after_the_upgrade(empty_url, clock, tmp_path):
    """Rows written by the build before 0007 keep their hashes (version 1, verified by that formula); rows written
    after the upgrade cover their number (version 2) and continue the same chains."""
    from flask_migrate import downgrade

    from engine.identity.actors import ENGINE
    from engine.models import TrailEntry

    settings = Settings(
        database_url=empty_url, broker_url="memory://", processes_dir=PROCESSES, files_dir=tmp_path / "files"
    )
    shenpi = Shenpi(settings, database=Database(empty_url), clock=clock)
    app = create_app(settings, shenpi, testing=True)
    assert schema.upgrade_database(app) == "created"
    publish_five_step(shenpi)
    case = shenpi.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    complete(shenpi, case["id"], {"accept": "accept"})
    rechain_as_version_1(shenpi)  # the trail as the build before wrote it …
    with app.app_context():
        downgrade(directory=schema.MIGRATIONS, revision="0004_integrations")  # … on its schema
    with shenpi.db.bind.connect() as connection:
        assert "hash_version" not in {c["name"] for c in sa.inspect(connection).get_columns("trail_entry")}
    assert schema.upgrade_database(app) == "upgraded"
    with shenpi.db.reading() as session:
        old = session.scalar(sa.select(sa.func.count()).where(TrailEntry.hash_version == 1))
        assert old == session.scalar(sa.select(sa.func.count()).select_from(TrailEntry)) > 3
    assert shenpi.history.verify().ok
    complete(shenpi, case["id"], {})  # the new build goes on writing the same chains
    with shenpi.db.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).where(TrailEntry.hash_version == 2)) > 0
    assert shenpi.history.verify().ok
    with shenpi.db.transaction() as session:  # an old row is still protected by its old hash
        first = session.scalar(
            sa.select(sa.func.min(TrailEntry.seq)).where(TrailEntry.case_id == case["id"], TrailEntry.hash_version == 1)
        )
        session.execute(sa.update(TrailEntry).where(TrailEntry.seq == first).values(actor="forger"))
    assert shenpi.history.verify().broken_seq == first
    shenpi.db.bind.dispose()


def test_the_catalogues_fourth_online_depth_becomes_the_seeds_third(empty_url):
    """003 附件 网上办事深度 has three levels (一级, 二级, 三级): 0014_indicators rewrites a matter at the old level 4
    (全程网办) as level 3 and leaves the others alone."""
    app = _app(empty_url)
    engine = app.extensions["shenpi"].db.bind
    with app.app_context():
        upgrade(directory=schema.MIGRATIONS, revision="0012_search_indexes")
    matter = sa.table(
        "matter",
        *(sa.column(name) for name in ("code", "key", "name", "department", "matter_type", "handling", "process_key")),
        *(sa.column(name) for name in ("statutory_limit_days", "promised_limit_days", "star_level", "published")),
        sa.column("entry", sa.JSON),
    )
    with engine.begin() as connection:
        for code, depth in (("M4", 4), ("M2", 2)):
            connection.execute(
                matter.insert().values(
                    code=code, key=code, name=code, department="测试局", matter_type="行政许可", handling="承诺件",
                    process_key="p", statutory_limit_days=20, promised_limit_days=10, star_level=3, published=True,
                    entry={"code": code, "online_depth": depth},
                )
            )  # fmt: skip
    with app.app_context():
        upgrade(directory=schema.MIGRATIONS, revision="0014_indicators")
    with engine.connect() as connection:
        rows = dict(connection.execute(sa.select(matter.c.code, matter.c.entry)).all())
    assert rows == {"M4": {"code": "M4", "online_depth": 3}, "M2": {"code": "M2", "online_depth": 2}}
    engine.dispose()


OLD_INBOX_CASE_SQLITE = (
    "CREATE TRIGGER inbox_order_case AFTER UPDATE OF light, promised_due_at ON case_record BEGIN "
    "UPDATE task_record SET inbox_rank = CASE WHEN NEW.light = 'green' THEN -1 ELSE 0 END "
    "WHERE case_id = NEW.id AND state = 'open'; END"
)
OLD_INBOX_CASE_PG = """
CREATE OR REPLACE FUNCTION inbox_order_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE task_record t SET inbox_rank = CASE WHEN NEW.light = 'green' THEN -1 ELSE 0 END
    WHERE t.case_id = NEW.id AND t.state = 'open';
    RETURN NULL;
END
$$
"""


def test_the_flat_cockpit_goes_down_and_up_again(empty_url, clock, tmp_path):
    """0019 adds the signals', 督办 items' and complaints' buckets to the cockpit's summary: down to 0015 they are gone
    and the summary of cases and steps still follows each change; up again they are counted afresh, and the inbox's
    trigger that still ranked a green light is made again without it."""
    from flask_migrate import downgrade

    from engine.identity.actors import ENGINE
    from engine.models import Signal

    settings = Settings(
        database_url=empty_url, broker_url="memory://", processes_dir=PROCESSES, files_dir=tmp_path / "files"
    )
    shenpi = Shenpi(settings, database=Database(empty_url), clock=clock)
    app = create_app(settings, shenpi, testing=True)
    assert schema.upgrade_database(app) == "created"
    publish_five_step(shenpi)
    case = shenpi.cases.start_case("TEST-0001", {"name": "张三"}, {}, ENGINE)
    with shenpi.db.transaction() as session:
        session.add(
            Signal(
                rule="manual", level="common", article="11", color="yellow", subject="s1", case_id=case["id"],
                department="测试局", summary="x", raised_at=clock.now(), status="open",
            )
        )  # fmt: skip

    def buckets() -> dict:
        return {(b.kind, b.department, b.light, b.state): b.n for b in shenpi.cockpit.summary.counts(None)}

    assert buckets()[("signal", "测试局", "yellow", "open")] == 1
    with app.app_context():
        downgrade(directory=schema.MIGRATIONS, revision="0015_lights")
    with shenpi.db.bind.connect() as connection:
        assert "state" not in {c["name"] for c in sa.inspect(connection).get_columns("cockpit_tally")}
        kinds = set(connection.execute(sa.text("SELECT kind FROM cockpit_tally")).scalars())
    assert kinds == {"case", "task"}
    complete(shenpi, case["id"], {"accept": "accept"})  # the summary of cases and steps goes on
    with shenpi.db.transaction() as session:
        session.execute(sa.update(Signal).values(status="corrected"))  # no trigger on signals any more
        if shenpi.db.dialect == "sqlite":  # the inbox's trigger as the build before 0019 made it: green ranked
            session.execute(sa.text("DROP TRIGGER inbox_order_case"))
            session.execute(sa.text(OLD_INBOX_CASE_SQLITE))
        else:
            session.execute(sa.text(OLD_INBOX_CASE_PG))
    with app.app_context():
        upgrade(directory=schema.MIGRATIONS)
    assert _differences(shenpi.db.bind) == []
    after = buckets()
    assert (
        after[("signal", "测试局", "yellow", "corrected")] == 1 and ("signal", "测试局", "yellow", "open") not in after
    )
    shenpi.cockpit.summary.rebuild()
    assert buckets() == after
    with shenpi.db.bind.connect() as connection:
        if shenpi.db.dialect == "sqlite":
            definition = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'inbox_order_case'"))
        else:
            definition = connection.scalar(sa.text("SELECT pg_get_functiondef('inbox_order_case'::regproc)"))
    assert "inbox_rank" in definition and "green" not in definition
    shenpi.db.bind.dispose()
