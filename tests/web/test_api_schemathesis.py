"""Schemathesis against the generated OpenAPI document, through the WSGI application, signed in as an
administrator over a seeded engine, on SQLite and on PostgreSQL: a few valid and a few invalid requests per operation, with a fixed seed; a
500 or a response that breaks its schema fails. Most generated ids are swapped for ids of objects that exist, so
that valid requests reach the engine's answers and not only "not found"."""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from engine.config import Settings
from engine.kernel import clock as clock_module
from web import create_app
from web.api.contract import document

from ..helpers import BACKENDS, START
from .api_seed import seeded_api

SEED = 20261123
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
CHECKS = [not_a_server_error, response_schema_conformance]
# "METHOD /path" → the bug that makes the operation answer 500 or break its schema (expected to fail until fixed).
KNOWN_BUGS: dict[str, str] = {}


def _operations() -> list[str]:
    app = create_app(Settings(database_url="sqlite://", broker_url="memory://"), testing=True)
    with app.test_request_context():
        paths = document()["paths"]
    return [f"{method.upper()} {path}" for path, operations in paths.items() for method in operations]


def _param(label: str):
    if label in KNOWN_BUGS:
        return pytest.param(label, marks=pytest.mark.xfail(reason=KNOWN_BUGS[label], strict=True))
    return label


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """The seeded application, on SQLite and (when SHENPI_TEST_DATABASE_URL is set) on PostgreSQL, whose
    column types (INTEGER ids, text without NUL) are the stricter."""
    previous = clock_module.current()
    clock = clock_module.FixedClock(START)
    clock_module.install(clock)
    api = seeded_api(tmp_path_factory.mktemp("schemathesis"), clock, request.param)
    yield api
    clock_module.install(previous)
    if request.param == "sqlite":
        api.engine.db.bind.dispose()


@pytest.fixture(scope="module")
def api_schema(seeded):
    config = schemathesis.Config.from_dict({"seed": SEED, "generation": {"database": "none"}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded.app, config=config)

    @schema.hook("map_path_parameters")
    def existing_objects(context, path_parameters):
        """Three ids in four name an existing object, chosen from the generated value (so runs repeat)."""
        chosen = dict(path_parameters or {})
        for name, value in chosen.items():
            known = seeded.ids.get(name)
            digest = zlib.crc32(str(value).encode())
            if known and digest % 4:
                chosen[name] = known[digest // 4 % len(known)]
        return chosen or path_parameters

    return schema


@pytest.mark.slow
@pytest.mark.parametrize("label", [_param(label) for label in _operations()])
def test_operation_keeps_its_contract(api_schema, seeded, label):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the document"
    headers = {"Authorization": f"Bearer {seeded.token}", "X-Shenpi-Sms-Secret": seeded.sms_secret}
    for mode, examples in EXAMPLES.items():

        @seed(SEED)
        @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(mode, hooks=api_schema.hooks))
        def call(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise  # no invalid request exists for an operation whose every part takes anything
