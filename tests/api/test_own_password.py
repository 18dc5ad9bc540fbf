"""A user changes their own password: the current one is needed (a wrong one counts as a failed
sign-in, and enough of them are refused like sign-ins), the new one is checked and named in
the problem when it is refused, the user's other sessions end while the one in use stays, and
the change is audited without the password."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from core.audit import AuditEntry
from core.login_throttle import LOGIN_FAILURES_ALLOWED
from core.users import Role
from tests.conftest import TEST_PASSWORD, make_token, make_user

NEW = "a-new-passphrase"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _change(client: TestClient, token: str, **body: object) -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/auth/password", json=body, headers=_bearer(token))
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
    return response.status_code, response.json()


def _fields(problem: dict[str, object]) -> list[object]:
    errors = problem.get("errors")
    assert isinstance(errors, list)
    return [e["field"] for e in errors]


def _signs_in(client: TestClient, password: str) -> bool:
    response = client.post("/api/v1/auth/token", data={"username": "chen", "password": password})
    return response.status_code == 200


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, role=Role.coordinator, username="chen")
    here, elsewhere = make_token(session, user), make_token(session, user)

    status, body = _change(
        client, here, current_password=TEST_PASSWORD, new_password=NEW, new_password_again=NEW
    )
    assert (status, body) == (200, {"sessions_ended": 1})
    assert client.get("/api/v1/auth/me", headers=_bearer(here)).status_code == 200
    assert client.get("/api/v1/auth/me", headers=_bearer(elsewhere)).status_code == 401
    assert _signs_in(client, NEW) and not _signs_in(client, TEST_PASSWORD)

    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == "user.password_change")
    ).one()
    assert (entry.actor, entry.entity_type, entry.entity_id) == ("chen", "user", str(user.id))
    assert json.loads(entry.after or "{}") == {"password": "changed", "sessions_ended": 1}
    assert NEW not in (entry.after or "") and TEST_PASSWORD not in (entry.after or "")


def test_the_repeat_may_be_left_out_by_an_api_client(client: TestClient, session: Session) -> None:
    token = make_token(session, make_user(session, username="chen"))
    assert _change(client, token, current_password=TEST_PASSWORD, new_password=NEW)[0] == 200
    assert _signs_in(client, NEW)


def test_refusals_name_their_field_and_change_nothing(client: TestClient, session: Session) -> None:
    token = make_token(session, make_user(session, username="chen"))
    cases = [
        ({"current_password": "not-it-at-all", "new_password": NEW}, "current_password"),
        ({"current_password": TEST_PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": TEST_PASSWORD, "new_password": TEST_PASSWORD}, "new_password"),
        (
            {"current_password": TEST_PASSWORD, "new_password": NEW, "new_password_again": "x"},
            "new_password_again",
        ),
        (  # the web form sends an empty repeat as null
            {"current_password": TEST_PASSWORD, "new_password": NEW, "new_password_again": None},
            "new_password_again",
        ),
        ({"new_password": NEW}, "current_password"),
    ]
    for body, field in cases:
        status, problem = _change(client, token, **body)
        assert status == 422, (body, problem)
        assert _fields(problem) == [field], body
    assert _signs_in(client, TEST_PASSWORD)
    assert client.get("/api/v1/auth/me", headers=_bearer(token)).status_code == 200
    assert not session.exec(
        select(AuditEntry).where(AuditEntry.action == "user.password_change")
    ).all()


def test_a_wrong_current_password_counts_as_a_failed_sign_in(
    client: TestClient, session: Session
) -> None:
    token = make_token(session, make_user(session, username="chen"))
    for _ in range(LOGIN_FAILURES_ALLOWED):
        assert _change(client, token, current_password="guess-guess", new_password=NEW)[0] == 422
    failures = session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "auth.login_failed", col(AuditEntry.actor) == "chen"
        )
    ).all()
    assert len(failures) == LOGIN_FAILURES_ALLOWED

    status, problem = _change(client, token, current_password=TEST_PASSWORD, new_password=NEW)
    assert status == 429 and problem["code"] == "too_many_attempts"
    assert not _signs_in(client, NEW)


def test_a_password_change_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": NEW}
    )
    assert response.status_code == 401
