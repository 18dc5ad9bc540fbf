"""Every /api/v1 route × every role: 401 without a token, 403 for a role without the
route's permission, anything but 401/403 for a role with it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.deps import Require
from core.config import RunMode, Settings
from core.users import ROLE_PERMISSIONS, Permission, Role

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/duty-phones"),  # published for accident reports (DOMAIN.md §5)
}
PATH_VALUES = {"day": "2026-12-01"}


@contextmanager
def _no_session(*, write: bool) -> Iterator[Session]:  # only route metadata is needed here
    raise RuntimeError("not used")
    yield


def _permission(dependant: Dependant) -> Permission | None:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Require):
            return dependency.call.permission
        found = _permission(dependency)
        if found is not None:
            return found
    return None


def api_routes() -> list[APIRoute]:
    """The app's effective API routes (FastAPI ≥ 0.16x nests included routers)."""
    app = create_app(Settings(env=RunMode.test), session_factory=_no_session)
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI flattens included routers itself
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [c.route for c in iter_route_contexts(app.routes) if isinstance(c.route, APIRoute)]


def _routes() -> list[tuple[str, str, Permission | None]]:
    routes = []
    for route in api_routes():
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/v1"):
            continue
        for method in sorted(route.methods or ()):
            if (method, route.path) not in PUBLIC:
                routes.append((method, route.path, _permission(route.dependant)))
    return routes


ROUTES = _routes()


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)


def test_every_protected_route_is_in_the_matrix() -> None:
    assert len(ROUTES) >= 20
    assert {p for _, _, p in ROUTES if p is not None} == set(Permission)


@pytest.mark.parametrize(
    ("method", "path", "permission"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_route_enforces_its_roles(
    client: TestClient,
    auth_headers: Callable[[Role], dict[str, str]],
    method: str,
    path: str,
    permission: Permission | None,
) -> None:
    url = _url(path)
    anonymous = client.request(method, url, json={})
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["content-type"] == "application/problem+json"
    for role in Role:
        response = client.request(method, url, json={}, headers=auth_headers(role))
        may = permission is None or role in ROLE_PERMISSIONS[permission]
        if may:
            assert response.status_code not in (401, 403), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["code"] == "forbidden"
