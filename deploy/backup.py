#!/usr/bin/env python3
"""Back up and restore Shenpi: the database, the file store (case materials) and the trail's checkpoint file.

    backup.py backup DEST                 # reads SHENPI_DATABASE_URL, SHENPI_FILES_DIR, SHENPI_TRAIL_CHECKPOINT_FILE
    backup.py restore SRC [--database-url URL] [--files-dir DIR] [--checkpoint-file FILE]

DEST gets ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``, one consistent snapshot) or ``database.sqlite``
(SQLite's online backup), ``files.tar.gz``, ``trail-checkpoints.jsonl`` and ``manifest.json`` with the SHA-256 of
each. ``restore`` checks those digests first, then restores into an **empty** database (``createdb`` it first; on
SQLite a file that does not exist yet) and an empty or missing files folder. Afterwards run ``shenpi init-db`` (a
backup of an older build is upgraded) and ``shenpi trail verify``. See deploy/README.md, "Backup and restore".
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine.config import Settings  # noqa: E402


def _pg(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump/pg_restore without the password (given in PGPASSWORD, never on the command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def backup(dest: Path, settings: Settings) -> dict:
    dest.mkdir(parents=True, exist_ok=True)
    url = sa.engine.make_url(settings.database_url)
    parts: dict[str, str] = {}
    if url.get_backend_name() == "postgresql":
        target, env = _pg(url)
        database = dest / "database.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={database}", target],
            env=env,
            check=True,
        )
    else:
        database = dest / "database.sqlite"
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(database)
        with copy:
            source.backup(copy)  # consistent even while the service writes
        copy.close()
        source.close()
    parts[database.name] = _digest(database)
    files = dest / "files.tar.gz"
    with tarfile.open(files, "w:gz") as archive:
        if settings.files_dir.is_dir():
            archive.add(settings.files_dir, arcname="files")
    parts[files.name] = _digest(files)
    if settings.trail_checkpoint_file.exists():
        checkpoints = dest / "trail-checkpoints.jsonl"
        shutil.copy2(settings.trail_checkpoint_file, checkpoints)
        parts[checkpoints.name] = _digest(checkpoints)
    manifest = {
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),  # noqa: TID251 - the copy's own time
        "database": url.get_backend_name(),
        "parts": parts,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def restore(src: Path, database_url: str, files_dir: Path, checkpoint_file: Path) -> None:
    manifest = json.loads((src / "manifest.json").read_text())
    for name, digest in manifest["parts"].items():
        if _digest(src / name) != digest:
            raise SystemExit(f"{src / name}: does not match its digest in manifest.json; nothing restored")
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != manifest["database"]:
        raise SystemExit(f"the backup is of a {manifest['database']} database, the target is {url.get_backend_name()}")
    if files_dir.exists() and any(files_dir.iterdir()):
        raise SystemExit(f"{files_dir} is not empty; restore into an empty folder")
    if manifest["database"] == "postgresql":
        engine = sa.create_engine(database_url)
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
        engine.dispose()
        if tables:
            raise SystemExit("the target database is not empty; create a fresh one (createdb) and restore into it")
        target, env = _pg(url)
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={target}",
                "--single-transaction",
                str(src / "database.dump"),
            ],
            env=env,
            check=True,
        )
    else:
        path = Path(url.database or "")
        if path.exists():
            raise SystemExit(f"{path} exists; restore into a new file")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / "database.sqlite", path)
    files_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(src / "files.tar.gz", "r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isdir() or member.isfile()) or not member.name.startswith("files"):
                raise SystemExit(f"files.tar.gz: unexpected entry {member.name}; nothing more restored")
            relative = Path(member.name).relative_to("files")
            if ".." in relative.parts:
                raise SystemExit(f"files.tar.gz: unsafe entry {member.name}")
            if member.isfile():
                out = files_dir / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, out.open("wb") as handle:  # type: ignore[union-attr]
                    shutil.copyfileobj(data, handle)
    if (src / "trail-checkpoints.jsonl").exists():
        checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / "trail-checkpoints.jsonl", checkpoint_file)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="copy the database, the file store and the checkpoint file to DEST")
    make.add_argument("dest", type=Path)
    back = commands.add_parser("restore", help="restore a backup into an empty database and files folder")
    back.add_argument("src", type=Path)
    back.add_argument("--database-url", help="default: SHENPI_DATABASE_URL")
    back.add_argument("--files-dir", type=Path, help="default: SHENPI_FILES_DIR")
    back.add_argument("--checkpoint-file", type=Path, help="default: SHENPI_TRAIL_CHECKPOINT_FILE")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "backup":
        manifest = backup(args.dest, settings)
        print(f"backup of the {manifest['database']} database and files in {args.dest}: {', '.join(manifest['parts'])}")
    else:
        restore(
            args.src,
            args.database_url or settings.database_url,
            args.files_dir or settings.files_dir,
            args.checkpoint_file or settings.trail_checkpoint_file,
        )
        print(f"restored {args.src}; now run `shenpi init-db` and `shenpi trail verify`")


if __name__ == "__main__":
    main()
