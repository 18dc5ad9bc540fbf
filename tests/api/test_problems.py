"""Bad input gets a 4xx problem naming the field, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role, User
from tests.conftest import T0, make_user

Headers = Callable[[Role], dict[str, str]]


def _assert_problem(response_status: int, body: dict[str, object], status: int, code: str) -> None:
    assert response_status == status, body
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"/problems/{code}" and body["title"]


def test_malformed_json(client: TestClient, auth_headers: Headers) -> None:
    response = client.post(
        "/api/v1/units",
        content=b'{"code": ',
        headers={**auth_headers(Role.admin), "content-type": "application/json"},
    )
    assert response.headers["content-type"] == "application/problem+json"
    _assert_problem(response.status_code, response.json(), 400, "malformed_json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "x", "name": "n", "kind": "galaxy"}, "kind"),
        ({"code": "x", "name": 42, "kind": "section"}, "name"),
        ({"code": "x", "name": "n" * 201, "kind": "section"}, "name"),
        ({"code": "x", "name": "a\x00b", "kind": "section"}, "name"),
        ({"code": "UPPER case", "name": "n", "kind": "section"}, "code"),
        ({"name": "n", "kind": "section"}, "code"),
        ({"code": "x", "name": "n", "kind": "section", "parent_id": 2**40}, "parent_id"),
        ({"code": "x", "name": "n", "kind": "section", "parent_id": 999}, "parent_id"),
    ],
)
def test_invalid_fields_are_named(
    client: TestClient, auth_headers: Headers, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/units", json=body, headers=auth_headers(Role.admin))
    _assert_problem(response.status_code, response.json(), 422, "validation_failed")
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/units/0", "/api/v1/units/99999999999999999999", "/api/v1/units/abc"],
)
def test_bad_path_ids(client: TestClient, auth_headers: Headers, url: str) -> None:
    response = client.get(url, headers=auth_headers(Role.viewer))
    _assert_problem(response.status_code, response.json(), 422, "validation_failed")
    assert response.json()["errors"][0]["field"] == "unit_id"


def test_missing_record_is_404(client: TestClient, auth_headers: Headers) -> None:
    response = client.get("/api/v1/units/4242", headers=auth_headers(Role.viewer))
    _assert_problem(response.status_code, response.json(), 404, "not_found")


def test_unknown_route_and_method(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    _assert_problem(missing.status_code, missing.json(), 404, "not_found")
    wrong = client.put("/api/v1/health")
    _assert_problem(wrong.status_code, wrong.json(), 405, "method_not_allowed")


def test_nul_in_query_string(client: TestClient, auth_headers: Headers) -> None:
    response = client.get("/api/v1/people?skill=fo%00od", headers=auth_headers(Role.viewer))
    _assert_problem(response.status_code, response.json(), 400, "nul_character")


def test_calendar_dates_out_of_range(client: TestClient, auth_headers: Headers) -> None:
    response = client.get(
        "/api/v1/calendar/add-working-days?start=9999-12-31&days=5",
        headers=auth_headers(Role.viewer),
    )
    _assert_problem(response.status_code, response.json(), 422, "validation_failed")
    assert response.json()["errors"][0]["field"] == "start"


def test_every_problem_carries_a_request_id(client: TestClient) -> None:
    response = client.get("/api/v1/units", headers={"X-Request-ID": "trace-123"})
    assert response.json()["request_id"] == "trace-123"
    assert response.headers["x-request-id"] == "trace-123"


def test_type_errors_carry_pydantic_type_and_context_without_value_error_prefix(
    client: TestClient, auth_headers: Headers
) -> None:
    response = client.post(
        "/api/v1/units",
        json={"code": "x", "name": "n" * 201, "kind": "section", "phone": "12345"},
        headers=auth_headers(Role.admin),
    )
    _assert_problem(response.status_code, response.json(), 422, "validation_failed")
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["name"]["type"] == "string_too_long"
    assert errors["name"]["ctx"] == {"max_length": 200}
    assert errors["phone"] == {
        "field": "phone",
        "reason": "must be an E.164 number such as +8613800001234",
        "type": "value_error",
    }


def test_a_database_error_logs_no_stored_values(
    app: FastAPI, client: TestClient, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    """A write the database refuses is a 409 problem; its log line names the constraint, never
    the row's values (here a phone number in a name, and a password hash)."""
    make_user(session, username="dup")

    def clash(request: Request) -> None:
        with request.app.state.session_factory(write=True) as db:
            db.add(
                User(
                    username="dup",
                    full_name="刘女士 13812345678",
                    role=Role.viewer,
                    password_hash="$argon2id$v=19$secret-hash",
                    created_at=T0,
                )
            )
            db.commit()

    app.add_api_route("/test/clash", clash, methods=["POST"])
    with caplog.at_level(logging.INFO):
        response = client.post("/test/clash")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert "integrity error on /test/clash" in caplog.text
    for secret in ("13812345678", "secret-hash"):
        assert secret not in caplog.text and secret not in response.text
