"""Property-based run of every operation in the OpenAPI schema (schemathesis): whatever it
sends, the server answers without a 5xx. Runs as an admin so every route is reachable.

The app is built once at import (schemathesis needs the schema then); its sessions are bound
to the current test's rolled-back connection through `_bind_connection`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from sqlalchemy import Connection
from sqlmodel import Session

from api.app import create_app
from core.clock import FakeClock
from core.config import RunMode, Settings
from core.users import Role
from tests import fuzz_stats
from tests.conftest import T0

MAX_EXAMPLES = 40
_bound: dict[str, Connection] = {}


@contextmanager
def _session_factory(*, write: bool) -> Iterator[Session]:
    with Session(
        bind=_bound["connection"], join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


APP = create_app(Settings(env=RunMode.test), clock=FakeClock(T0), session_factory=_session_factory)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(autouse=True)
def _bind_connection(connection: Connection) -> Iterator[None]:
    _bound["connection"] = connection
    yield
    _bound.clear()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_errors(case: Case[Any], auth_headers: Callable[[Role], dict[str, str]]) -> None:
    response = case.call(headers=auth_headers(Role.admin))
    fuzz_stats.record(case.operation.label, response.status_code)
    case.validate_response(response, checks=[not_a_server_error])
