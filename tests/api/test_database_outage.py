"""A database that does not answer (down, dropped, a path that cannot be opened): health
says so with a 503, so a load balancer takes the instance out of rotation, and every other
request is a 503 problem with Retry-After instead of a 500 "internal error". A request whose
transaction PostgreSQL rolled back to settle a race is a 409 to retry."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.deps import SessionDep
from core.config import RunMode, Settings
from core.db import make_engine


@pytest.fixture
def unreachable(tmp_path: Path) -> TestClient:
    settings = Settings(
        env=RunMode.test, database_url=f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}"
    )
    app = create_app(settings, engine=make_engine(settings.database_url))
    return TestClient(app, raise_server_exceptions=False)  # no lifespan: no ticker


def test_health_is_503_while_the_database_does_not_answer(
    unreachable: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = unreachable.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "unavailable"
    assert "unable to open database file" in caplog.text
    assert "Traceback" not in caplog.text


def test_a_request_needing_the_database_is_a_503_problem_to_retry(
    unreachable: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = unreachable.post(
            "/api/v1/auth/token", data={"username": "admin", "password": "a-long-password"}
        )
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["code"] == "database_unavailable" and body["request_id"]
    assert "sqlite" not in body["detail"] and "SELECT" not in response.text
    assert f"request_id={body['request_id']}" in caplog.text


@pytest.mark.skipif(
    not os.environ.get("DUTYDESK_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL settles races by rolling back a deadlock victim",
)
@pytest.mark.parametrize(("sqlstate", "what"), [("40P01", "deadlock"), ("40001", "serialization")])
def test_a_transaction_rolled_back_to_settle_a_race_is_a_409_to_retry(
    app: FastAPI, client: TestClient, sqlstate: str, what: str, caplog: pytest.LogCaptureFixture
) -> None:
    # a route that meets the driver's own error, as a request losing a race would
    def losing(session: SessionDep) -> None:
        session.execute(
            text(f"DO $$ BEGIN RAISE EXCEPTION '{what}' USING ERRCODE = '{sqlstate}'; END $$")
        )

    app.add_api_route("/api/v1/test-race", losing, methods=["POST"])
    with caplog.at_level(logging.WARNING):
        response = client.post("/api/v1/test-race")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "concurrent_change" and "try again" in body["detail"]
    assert "concurrent change" in caplog.text and "Traceback" not in caplog.text
