"""Schemathesis against the app's own OpenAPI schema, in-process: no input gives a 5xx.

Each operation gets a bounded, derandomized number of examples (positive and negative), on a
seeded database with a valid editor token, so the authenticated operations are exercised
past the 401; half the generated resource and run ids are replaced by real ones so actions
reach real rows. No network: the app's checker is the test stand-in.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.schemas import BaseSchema

from api.app import create_app
from curator.settings import Settings
from curator.store.base import utcnow
from tests.api.seed import Seeded, seed
from tests.executors import FakeExecutor
from tests.seeding import stored

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def seeded_sync(settings: Settings) -> Seeded:
    """The seeded state, stored before schemathesis starts the app in its own thread."""
    return asyncio.run(stored(settings.database_url, seed))


@pytest.fixture
def api_schema(settings: Settings, seeded_sync: Seeded) -> Iterator[BaseSchema]:
    """The app's schema, loaded from the app itself (its lifespan started by schemathesis)."""
    app = create_app(settings, executor=FakeExecutor())
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        shutdown_lifespans()


def _operations() -> list[tuple[str, str]]:
    """Every operation of the app's schema (read without starting the app)."""
    spec = create_app(Settings()).openapi()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops]


OPERATIONS = _operations()
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_input_gives_a_server_error(
    api_schema: BaseSchema, seeded_sync: Seeded, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]
    real = {
        "resource_id": [seeded_sync.ok_id, seeded_sync.moved_id, seeded_sync.flaky_id],
        "run_id": [seeded_sync.run_id],
        "slug": [seeded_sync.guide],
    }
    turn = itertools.count()
    headers = {"Authorization": f"Bearer {seeded_sync.token}"}

    def make_real(case: schemathesis.Case) -> None:
        """Every other case aims at rows that exist, so success paths run too."""
        if next(turn) % 2:
            return
        for name, values in real.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = values[len(str(case.body)) % len(values)]
        if isinstance(case.body, dict):
            if path == "/v1/reports":
                case.body.update(guide=seeded_sync.guide, resource_id="ceop")
            if path.endswith("/snooze"):
                case.body["until"] = (utcnow() + timedelta(days=7)).isoformat()

    @given(case=operation.as_strategy(mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        make_real(case)
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
