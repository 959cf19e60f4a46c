"""The engine fixtures, for every kind of test: an engine on SQLite (always) and on PostgreSQL (when
SHENPI_TEST_DATABASE_URL is set), on the fixed test clock. The web fixtures (app, api) are in web/conftest.py, the
browser's in browser/conftest.py; what tests share besides fixtures is in helpers.py.

Each folder marks its tests (unit, integration, web, browser; browser tests are slow too), and every test that runs
on PostgreSQL is marked postgres: ``-m "not slow"``, ``-m web``, ``-m "not postgres"`` select by them."""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path

import pytest

from engine.bootstrap import Shenpi
from engine.config import PROJECT_ROOT
from engine.kernel import clock as clock_module

from .databases import BACKENDS, PG_URL, WORKER, create_worker_database
from .helpers import START, make_engine, october_figures, publish_five_step

TESTS = Path(__file__).parent
FOLDER_MARKERS = {"unit": ("unit",), "integration": ("integration",), "web": ("web",), "browser": ("browser", "slow")}


def pytest_configure(config):
    """Under pytest-xdist each worker runs on a PostgreSQL database of its own (databases.database_for_worker): create
    it when missing. A plain run uses the database given, which must exist."""
    if WORKER and PG_URL:
        create_worker_database(PG_URL)


def pytest_collection_modifyitems(items):
    for item in items:
        try:
            folder = item.path.relative_to(TESTS).parts[0]
        except ValueError:
            continue
        for name in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(name)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(
            value == "postgresql" for value in callspec.params.values() if isinstance(value, str)
        ):
            item.add_marker("postgres")


@pytest.fixture
def clock():
    """The engine's clock fixed at START (Monday 23 November 2026, 09:00 in Shanghai); tests move it on."""
    fixed = clock_module.FixedClock(START)
    previous = clock_module.current()
    clock_module.install(fixed)
    yield fixed
    clock_module.install(previous)


@pytest.fixture(params=BACKENDS)
def bare_engine(request, tmp_path, clock) -> Shenpi:
    """An engine on an empty database: no process, no matter, no department, no people. Once on SQLite and once
    on PostgreSQL."""
    engine = make_engine(request.param, tmp_path, clock)
    yield engine
    if request.param == "sqlite":
        engine.db.bind.dispose()


@pytest.fixture
def bare_sqlite_engine(tmp_path, clock) -> Shenpi:
    """An engine on an empty database, on SQLite only."""
    engine = make_engine("sqlite", tmp_path, clock)
    yield engine
    engine.db.bind.dispose()


@pytest.fixture
def five_step_engine(bare_engine) -> Shenpi:
    """An engine with the five-step test flow (fixtures/five_step.bpmn) published as matter TEST-0001 of 测试局, and
    the test departments and people of helpers.add_people (clerk, clerk2, outsider, admin, supervisor,
    far_supervisor, citizen). Once on SQLite and once on PostgreSQL."""
    return publish_five_step(bare_engine)


@pytest.fixture
def october(five_step_engine, clock):
    """The five-step engine with October 2026's known figures for the performance evaluation
    (helpers.october_figures); the case ids on_time, late and running."""
    return october_figures(five_step_engine, clock)


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
            partial = mo.with_name(f"{mo.name}.{os.getpid()}")  # xdist workers may compile at once: replace whole
            with partial.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=True)
            os.replace(partial, mo)


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3-compatible server (moto's, on a free port) for the S3 file store, with test credentials in the
    standard AWS variables; skipped when moto is not installed (``pip install -e .[test]`` installs it)."""
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    pytest.importorskip("boto3", reason="boto3 is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_buckets = itertools.count(1)


@pytest.fixture
def s3_url(s3_endpoint):
    """The ``SHENPI_FILES_URL`` of a new, empty bucket on the local S3 server, with a prefix."""
    import boto3

    bucket = f"shenpi-test-{next(_buckets)}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/materials?endpoint={s3_endpoint}&region=us-east-1"
