"""The administration API the admin pages use: guards on an admin's own account and the last
administrator (409 naming the field)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.audit import list_entries
from core.users import Role
from tests.conftest import make_token, make_user


def _bearer(session: Session, username: str, role: Role) -> dict[str, str]:
    user = make_user(session, role=role, username=username)
    return {"Authorization": f"Bearer {make_token(session, user)}"}


def test_an_admin_cannot_deactivate_their_own_account(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.admin, username="other-admin")
    me = _bearer(session, "root", Role.admin)
    own_id = client.get("/api/v1/auth/me", headers=me).json()["id"]
    before = len(list_entries(session, entity_type="user", entity_id=str(own_id)))
    refused = client.patch(f"/api/v1/users/{own_id}", json={"is_active": False}, headers=me)
    assert refused.status_code == 409, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["is_active"]
    assert client.get("/api/v1/auth/me", headers=me).status_code == 200  # still signed in
    assert len(list_entries(session, entity_type="user", entity_id=str(own_id))) == before


def test_removing_the_last_admin_names_the_field(client: TestClient, session: Session) -> None:
    me = _bearer(session, "root", Role.admin)
    for user in client.get("/api/v1/users", headers=me).json():  # others the database holds
        if user["role"] == "admin" and user["username"] != "root":
            client.patch(f"/api/v1/users/{user['id']}", json={"role": "viewer"}, headers=me)
    own_id = client.get("/api/v1/auth/me", headers=me).json()["id"]
    refused = client.patch(f"/api/v1/users/{own_id}", json={"role": "planner"}, headers=me)
    assert refused.status_code == 409, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["role"]
