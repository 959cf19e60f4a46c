"""The file store of case materials on its three backends (a folder, a database table, an S3 bucket on a local
S3 server): reading and writing through the materials, the digest checked on read, a missing file as a clear
refusal, the rollback case of each backend with the orphan cleanup, and ``shenpi files migrate`` moving the files
folder → database → S3 with a case's materials and documents read after each move."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from engine.bootstrap import Shenpi
from engine.casefiles.uploads import admit
from engine.config import InvalidSettings, Settings
from engine.errors import TooLarge
from engine.identity.actors import ENGINE
from engine.kernel import DatabaseStore, FileSystemStore, S3Store, StoredFileDamaged
from engine.models import FileBlob
from web import cli, create_app

from ..helpers import PDF, PG_URL, complete, open_task
from ..web.helpers import api_client, auth

FILES = ["folder", "db", "s3"]
_blobs = FileBlob.__table__


def pdf(n: int) -> bytes:
    return PDF + f"% {n}\n".encode()


def on_files(engine: Shenpi, url: str) -> Shenpi:
    """Another engine on the same database and clock, its file store at ``url``."""
    return Shenpi(engine.settings.model_copy(update={"files_url": url}), database=engine.db, clock=engine.clock)


@pytest.fixture(params=FILES)
def files_url(request, tmp_path):
    if request.param == "folder":
        return (tmp_path / "store").as_uri()
    if request.param == "db":
        return "db:"
    return request.getfixturevalue("s3_url")


@pytest.fixture
def stored(five_step_engine, files_url):
    return on_files(five_step_engine, files_url)


def apply(engine, files):
    citizen = engine.identity.actor("citizen")
    return engine.cases.start_case("TEST-0001", {"name": "张三"}, {}, citizen, materials=files)


def materials_of(engine, case_id):
    return engine.materials.list(case_id, ENGINE)["materials"]


def blob_rows(engine):
    with engine.db.reading() as session:
        return sorted(session.execute(sa.select(_blobs.c.sha256)).scalars())


def test_each_url_chooses_its_backend(five_step_engine, tmp_path, s3_url):
    files = five_step_engine.files
    assert isinstance(files.store, FileSystemStore) and files.store.root == tmp_path / "files"  # the default
    assert isinstance(files.at(str(tmp_path / "plain")), FileSystemStore)
    assert files.at((tmp_path / "uri").as_uri()).root == tmp_path / "uri"
    shared = files.at("db:")
    assert isinstance(shared, DatabaseStore) and shared.joins_transaction
    same = files.at(five_step_engine.db.bind.url.render_as_string(hide_password=False))
    assert isinstance(same, DatabaseStore) and same.joins_transaction
    bucket = files.at(s3_url)
    assert isinstance(bucket, S3Store) and bucket.prefix == "materials" and not bucket.joins_transaction
    password = files.at("postgresql://shenpi:secret@files.example/files")
    assert password.url == "postgresql+psycopg://shenpi:***@files.example/files"  # what the commands print
    for wrong in ("ftp://host/x", "s3:///no-bucket", "mysql://db"):
        with pytest.raises(InvalidSettings) as refused:
            Settings(files_url=wrong)
        assert "files_url" in str(refused.value)


def test_the_store_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SHENPI_FILES_URL", "db:")
    monkeypatch.setenv("SHENPI_FILES_ORPHAN_GRACE", "600")
    settings = Settings()
    assert settings.files_url == "db:" and settings.files_orphan_grace_seconds == 600
    monkeypatch.setenv("SHENPI_FILES_URL", "gopher://x")
    with pytest.raises(InvalidSettings) as refused:
        Settings()
    assert "SHENPI_FILES_URL" in str(refused.value) and "s3://bucket" in str(refused.value)


def test_materials_are_written_and_read_back_on_every_backend(stored, files_url):
    case = apply(stored, [("申请书.pdf", pdf(1)), ("副本.pdf", pdf(1))])  # in the case's first step
    citizen = stored.identity.actor("citizen")
    stored.materials.add(case["id"], [("照片.pdf", pdf(2))], citizen)  # in a service's own transaction
    views = materials_of(stored, case["id"])
    assert len(views) == 3 and len({v["sha256"] for v in views}) == 2  # one stored copy per content
    assert [stored.materials.open(v["id"], citizen)[1] for v in views] == [pdf(1), pdf(1), pdf(2)]
    assert sorted(stored.files.store.digests()) == sorted({v["sha256"] for v in views})
    assert bool(blob_rows(stored)) == (files_url == "db:")  # only the database store uses the table


def test_a_large_file_streams_in_chunks(stored, monkeypatch):
    from engine.kernel import blob_store

    monkeypatch.setattr(blob_store, "CHUNK", 1000)
    content = PDF + bytes(range(256)) * 20  # 5 KB read as six chunks of at most 1,000 bytes
    upload = admit("大.pdf", content, 10_000)
    stored.files.store.put(content, upload.sha256)
    chunks = list(stored.files.store.chunks(upload.sha256))
    assert len(chunks) == 6 and max(map(len, chunks)) == 1000 and b"".join(chunks) == content
    assert stored.files.store.get(upload.sha256) == content


def test_uploads_keep_their_size_limit(stored):
    case = apply(stored, None)
    big = PDF + b"0" * stored.materials.max_file_bytes
    with pytest.raises(TooLarge):
        stored.materials.add(case["id"], [("大.pdf", big)], stored.identity.actor("citizen"))
    assert list(stored.files.store.digests()) == []


def damage(engine, digest, how):
    """Lose or change the stored content behind the engine's back."""
    store = engine.files.store
    if isinstance(store, FileSystemStore):
        path = store.path(digest)
        path.unlink() if how == "lose" else path.write_bytes(b"%PDF-1.7 changed")
    elif isinstance(store, DatabaseStore):
        table = store.table
        with engine.db.transaction() as session:
            if how == "lose":
                session.execute(table.delete().where(table.c.sha256 == digest))
            else:
                session.execute(table.update().where(table.c.sha256 == digest).values(content=b"%PDF-1.7 changed"))
    elif how == "lose":
        store.client.delete_object(Bucket=store.bucket, Key=store.key(digest))
    else:
        store.client.put_object(Bucket=store.bucket, Key=store.key(digest), Body=b"%PDF-1.7 changed")


@pytest.mark.parametrize("how, reason", [("lose", "stored_file_missing"), ("change", "stored_file_changed")])
def test_a_lost_or_changed_file_is_a_clear_refusal_not_a_server_error(stored, how, reason):
    case = apply(stored, [("申请书.pdf", pdf(3))])
    [view] = materials_of(stored, case["id"])
    damage(stored, view["sha256"], how)
    with pytest.raises(StoredFileDamaged) as refused:
        stored.materials.open(view["id"], stored.identity.actor("citizen"))
    assert refused.value.reason == reason and refused.value.params["sha256"] == view["sha256"]
    api = api_client(create_app(shenpi=stored, testing=True))
    answer = api.get(f"/api/v1/materials/{view['id']}/content", headers=auth(api, "citizen"))
    assert answer.status_code == 404
    body = answer.get_json()["error"]
    assert body["code"] == "stored_file_damaged" and body["reason"] == reason and view["sha256"] in body["message"]


def test_a_rolled_back_step_leaves_no_file_on_the_database_and_an_orphan_the_cleanup_removes_elsewhere(
    stored, files_url, clock
):
    case = apply(stored, [("申请书.pdf", pdf(4))])
    [kept] = materials_of(stored, case["id"])
    orphan = admit("补充.pdf", pdf(5), 10_000).sha256
    with pytest.raises(RuntimeError), stored.stepper.step(case["id"], "citizen") as ctx:
        stored.materials.record_in(ctx, [("补充.pdf", pdf(5))], "application")
        raise RuntimeError("the step fails after its file was written")
    assert [m["sha256"] for m in materials_of(stored, case["id"])] == [kept["sha256"]]
    store = stored.files.store
    if files_url == "db:":  # written in the step's transaction: rolled back with it
        assert not store.exists(orphan) and blob_rows(stored) == [kept["sha256"]]
    else:  # written before the commit: left unreferenced until the cleanup's grace period has passed
        assert store.exists(orphan)
    clock.advance(hours=23)
    young = stored.files.cleanup()
    assert young["deleted"] == 0 and store.exists(kept["sha256"])
    assert young["unreferenced"] == young["kept_young"] == (0 if files_url == "db:" else 1)
    clock.advance(hours=2)  # past the default grace of a day
    assert stored.files.cleanup()["deleted"] == (0 if files_url == "db:" else 1)
    assert not store.exists(orphan) and store.exists(kept["sha256"])
    assert stored.materials.open(kept["id"], stored.identity.actor("citizen"))[1] == pdf(4)  # referenced: kept


def test_writing_the_same_content_again_renews_its_grace(stored, clock):
    digest = admit("a.pdf", pdf(6), 10_000).sha256
    store = stored.files.store
    assert store.put(pdf(6), digest) is True
    first = store.written_at(digest)
    clock.advance(hours=20)
    assert store.put(pdf(6), digest) is False  # already there: not written twice, its instant renewed
    assert store.written_at(digest) - first == dt.timedelta(hours=20)
    clock.advance(hours=20)
    assert stored.files.cleanup()["kept_young"] == 1 and store.exists(digest)
    assert stored.files.cleanup(dt.timedelta(hours=1))["deleted"] == 1 and not store.exists(digest)


def run(engine, monkeypatch, *args):
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    return CliRunner().invoke(cli.main, list(args))


def read_everything(engine, case_id, expected):
    """The case's materials byte for byte and its documents rendered, through this engine's file store."""
    clerk = engine.identity.actor("clerk")
    contents = [engine.materials.open(m["id"], clerk)[1] for m in materials_of(engine, case_id)]  # officials read all
    assert contents == expected
    documents = engine.documents.for_case(case_id, clerk)
    assert [d["kind"] for d in documents] == ["acceptance_notice"]
    number, rendered = engine.documents.render_pdf(documents[0]["id"], clerk)
    assert rendered.startswith(b"%PDF") and number == documents[0]["number"]


def test_migrate_moves_every_file_from_folder_to_database_to_s3(five_step_engine, monkeypatch, s3_url, tmp_path):
    folder = five_step_engine
    case = apply(folder, [("申请书.pdf", pdf(10)), ("营业执照.pdf", pdf(11))])
    clerk = folder.identity.actor("clerk")
    complete(folder, case["id"], {})  # accepted at the window, with an attachment on the next step
    folder.tasks.complete(open_task(folder, case["id"])["id"], clerk, {}, attachments=[("意见.pdf", pdf(12))])
    expected = [pdf(10), pdf(11), pdf(12)]  # the acceptance issued the 受理通知书 by itself
    read_everything(folder, case["id"], expected)
    stray = folder.files.store
    stray.put(pdf(13), admit("x.pdf", pdf(13), 10_000).sha256)  # not referenced: not migrated

    # the folder → a database: the application's (db:), or on the SQLite run another database (PostgreSQL)
    database_url = "db:" if folder.db.dialect == "postgresql" or not PG_URL else PG_URL
    moved = run(folder, monkeypatch, "files", "migrate", "--to", database_url)
    assert moved.exit_code == 0, moved.output
    assert "referenced=3 copied=3 present=0 missing=0 damaged=0" in moved.output
    on_database = on_files(folder, database_url)
    for path in sorted(stray.root.rglob("*"), reverse=True):  # the folder is gone: the files come from the database
        path.unlink() if path.is_file() else path.rmdir()
    read_everything(on_database, case["id"], expected)
    again = run(folder, monkeypatch, "files", "migrate", "--from", database_url, "--to", database_url, "--verify")
    assert "referenced=3 copied=0 present=3" in again.output and again.exit_code == 0  # idempotent

    # the database → S3, interrupted after the first file and run again: it finishes without copying twice
    target = on_database.files.at(s3_url)
    calls = {"n": 0}
    real_put = type(target).put

    def failing_put(self, content, sha256, executor=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("the network went away")
        return real_put(self, content, sha256, executor)

    monkeypatch.setattr(S3Store, "put", failing_put)
    interrupted = run(on_database, monkeypatch, "files", "migrate", "--to", s3_url)
    assert interrupted.exit_code != 0 and isinstance(interrupted.exception, ConnectionError)
    monkeypatch.setattr(S3Store, "put", real_put)
    resumed = run(on_database, monkeypatch, "files", "migrate", "--to", s3_url)
    assert resumed.exit_code == 0 and "referenced=3 copied=2 present=1" in resumed.output
    on_s3 = on_files(folder, s3_url)
    read_everything(on_s3, case["id"], expected)
    assert sorted(on_s3.files.store.digests()) == sorted({m["sha256"] for m in materials_of(on_s3, case["id"])})

    # a source that lost a file: the others are copied, the lost one is named, and the command fails
    damage(on_s3, materials_of(on_s3, case["id"])[0]["sha256"], "lose")
    elsewhere = (tmp_path / "elsewhere").as_uri()
    partial = run(on_s3, monkeypatch, "files", "migrate", "--to", elsewhere)
    assert partial.exit_code == 1 and "copied=2 present=0 missing=1" in partial.output
    assert "is missing" in partial.output


def test_cleanup_command_and_the_periodic_task(five_step_engine, monkeypatch, clock):
    from engine import scheduler

    store = five_step_engine.files.store
    digest = admit("x.pdf", pdf(20), 10_000).sha256
    store.put(pdf(20), digest)
    clock.advance(hours=2)
    result = run(five_step_engine, monkeypatch, "files", "cleanup", "--grace", "3600")
    assert result.exit_code == 0 and "unreferenced=1 deleted=1" in result.output and not store.exists(digest)
    store.put(pdf(20), digest)
    clock.advance(days=2)
    scheduler.bind_engine(five_step_engine)
    try:
        assert scheduler.files_cleanup()["deleted"] == 1
    finally:
        scheduler.bind_engine(None)
    beat = scheduler.make_celery(five_step_engine.settings.model_copy(update={"broker_url": "memory://"}))
    assert beat.conf.beat_schedule["files-cleanup"]["task"] == "shenpi.files_cleanup"


def test_migrate_refuses_an_address_it_does_not_know(five_step_engine, monkeypatch):
    result = run(five_step_engine, monkeypatch, "files", "migrate", "--to", "ftp://files.example/x")
    assert result.exit_code == 1 and "invalid_input: ftp://files.example/x is not a file store address" in result.output
