"""deploy/backup.py: a backup of a running system's database, file store and checkpoint file restores into a fresh
database (PostgreSQL: the test database's name + ``_restore``, created and dropped here) where `shenpi trail verify`
passes — and fails once a restored trail row is changed."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from engine.config import PROJECT_ROOT
from web import create_app, schema

from ..helpers import PG_URL, ended_case, operator_env

BACKUP = PROJECT_ROOT / "deploy" / "backup.py"
RESTORE_DB = f"{sa.engine.make_url(PG_URL).database}_restore" if PG_URL else None  # one per test database
pytestmark = pytest.mark.slow


def run(args, env, check=True):
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=env["SHENPI_STATE_DIR"])
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def fresh_target(backend: str, tmp_path):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'shenpi.db'}", lambda: None
    server = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with server.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {RESTORE_DB}"))

    def drop():
        with server.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        server.dispose()

    url = sa.engine.make_url(PG_URL).set(database=RESTORE_DB)
    return url.render_as_string(hide_password=False), drop


def test_a_backup_restores_into_a_fresh_database_where_the_trail_verifies(five_step_engine, tmp_path):
    engine = five_step_engine
    backend = engine.db.dialect
    for _ in range(2):
        ended_case(engine)
    stored = engine.settings.files_dir / "ab" / "cd" / "abcd-material"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"%PDF-1.4 a material")
    app = create_app(engine.settings, engine, testing=True)
    with app.app_context():
        stamp(directory=schema.MIGRATIONS, revision="head")  # as `shenpi init-db` leaves a database
    source = engine.db.bind.url.render_as_string(hide_password=False)
    (tmp_path / "state").mkdir()
    env = {
        **operator_env(tmp_path),
        "SHENPI_DATABASE_URL": source,
        "SHENPI_FILES_DIR": str(engine.settings.files_dir),
    }
    run([sys.executable, str(BACKUP), "backup", str(tmp_path / "backup")], env)
    assert (tmp_path / "backup" / ("database.dump" if backend == "postgresql" else "database.sqlite")).exists()

    target, drop = fresh_target(backend, tmp_path)
    try:
        restored_files = tmp_path / "restored-files"
        run(
            [
                sys.executable,
                str(BACKUP),
                "restore",
                str(tmp_path / "backup"),
                "--database-url",
                target,
                "--files-dir",
                str(restored_files),
            ],
            env,
        )
        assert (restored_files / "ab" / "cd" / "abcd-material").read_bytes() == b"%PDF-1.4 a material"
        restored = {**env, "SHENPI_DATABASE_URL": target, "SHENPI_FILES_DIR": str(restored_files)}
        verified = run([sys.executable, "-m", "web.cli", "trail", "verify"], restored)
        assert "trail intact" in verified.stdout
        rows = int(verified.stdout.split("trail intact: ")[1].split()[0])
        with engine.db.reading() as session:
            assert rows == session.execute(sa.text("SELECT count(*) FROM trail_entry")).scalar() > 10

        # a restore into a database that already holds tables is refused
        again = run(
            [
                sys.executable,
                str(BACKUP),
                "restore",
                str(tmp_path / "backup"),
                "--database-url",
                target,
                "--files-dir",
                str(tmp_path / "other-files"),
            ],
            env,
            check=False,
        )
        assert again.returncode != 0

        changed = sa.create_engine(target, poolclass=sa.pool.NullPool)
        with changed.begin() as connection:
            connection.execute(sa.text("UPDATE trail_entry SET actor = 'someone' WHERE seq = 3"))
        changed.dispose()
        broken = run([sys.executable, "-m", "web.cli", "trail", "verify"], restored, check=False)
        assert broken.returncode == 1 and "TRAIL BROKEN" in broken.stderr
    finally:
        drop()


def test_a_damaged_backup_is_refused(five_step_engine, tmp_path):
    engine = five_step_engine
    if engine.db.dialect != "sqlite":
        pytest.skip("the digest check does not depend on the database")
    (tmp_path / "state").mkdir()
    env = {**operator_env(tmp_path), "SHENPI_DATABASE_URL": str(engine.db.bind.url)}
    run([sys.executable, str(BACKUP), "backup", str(tmp_path / "backup")], env)
    with (tmp_path / "backup" / "files.tar.gz").open("ab") as handle:
        handle.write(b"x")
    done = run(
        [
            sys.executable,
            str(BACKUP),
            "restore",
            str(tmp_path / "backup"),
            "--database-url",
            f"sqlite:///{tmp_path / 'r.db'}",
            "--files-dir",
            str(tmp_path / "r"),
        ],
        env,
        check=False,
    )
    assert done.returncode != 0 and "does not match its digest" in done.stderr
    assert not (tmp_path / "r.db").exists()
