"""Every page route the app serves × every role, the expectation derived from the permission
the route declares (`web.session.RequirePage`), not from a hand-kept list: signed out → the
sign-in page, a role without the permission → 403, a role with it → neither. A page route
that declares no permission must be one of the few deliberately open or any-role ones."""

from __future__ import annotations

import re

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import ROLE_PERMISSIONS, Permission, Role
from tests.api.test_auth_matrix import api_routes
from tests.conftest import TEST_PASSWORD, make_user
from web.session import RequirePage, signed_in

# no page permission, on purpose: (method, path) → why
OPEN = {
    ("GET", "/login"): "the sign-in page",
    ("POST", "/login"): "signing in",
    ("POST", "/logout"): "signing out (needs the session's CSRF token)",
    ("GET", "/lang/{locale}"): "the language switch only sets a cookie",
    ("GET", "/favicon.ico"): "static",
    ("GET", "/docs"): "API documentation (the API itself checks permissions)",
    ("GET", "/docs/oauth2-redirect"): "API documentation",
    ("GET", "/redoc"): "API documentation",
    ("GET", "/ical/{token}.ics"): "the secret token is the credential",
    ("POST", "/twilio/sms"): "Twilio signature",
    ("POST", "/twilio/voice/gather"): "Twilio signature",
    ("POST", "/twilio/status"): "Twilio signature",
}
OPEN311 = "/open311/v2/"  # Open311 clients: public reads, API key for POST (tests/api/test_open311)


def _page_permission(dependant: Dependant) -> tuple[bool, Permission | None]:
    """(whether the route needs a signed-in user, the permission it declares)."""
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, RequirePage):
            return True, dependency.call.permission
        if dependency.call is signed_in:
            return True, None
        found = _page_permission(dependency)
        if found[0]:
            return found
    return False, None


def _pages() -> list[tuple[str, str, bool, Permission | None]]:
    pages = []
    for route in api_routes():
        if not isinstance(route, APIRoute) or route.path.startswith(("/api/", OPEN311)):
            continue
        for method in sorted(route.methods or ()):
            needs_user, permission = _page_permission(route.dependant)
            pages.append((method, route.path, needs_user, permission))
    return pages


PAGES = _pages()
GUARDED = [(m, p, perm) for m, p, needs, perm in PAGES if needs]


def test_every_page_route_is_guarded_or_deliberately_open() -> None:
    unguarded = {(m, p) for m, p, needs, _ in PAGES if not needs}
    assert unguarded == set(OPEN)
    assert len(GUARDED) >= 25


def _url(path: str) -> str:
    return re.sub(r"\{\w+\}", "1", path)


@pytest.fixture
def cookies(client: TestClient, session: Session) -> dict[Role, str]:
    """A signed-in browser session (its cookie) per role."""
    found = {}
    for role in Role:
        make_user(session, role=role, username=f"matrix-{role.value}")
        client.cookies.clear()
        response = client.post(
            "/login",
            data={"username": f"matrix-{role.value}", "password": TEST_PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        found[role] = response.cookies["dutydesk_session"]
    client.cookies.clear()
    return found


@pytest.mark.parametrize(
    ("method", "path", "permission"), GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED]
)
def test_page_route_enforces_its_roles(
    client: TestClient,
    cookies: dict[Role, str],
    method: str,
    path: str,
    permission: Permission | None,
) -> None:
    url = _url(path)
    client.cookies.clear()
    anonymous = client.request(method, url, follow_redirects=False)
    assert anonymous.status_code in (303, 401), anonymous.text
    for role in Role:
        client.cookies.set("dutydesk_session", cookies[role])
        response = client.request(method, url, follow_redirects=False)
        may = permission is None or role in ROLE_PERMISSIONS[permission]
        if may:
            assert response.status_code not in (401, 403), (role, response.status_code)
        else:
            assert response.status_code == 403, (role, response.status_code)
    client.cookies.clear()
