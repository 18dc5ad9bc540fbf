"""The signed-in browser user of a page, and the permission a page needs.

Pages read the same opaque session token as the API (`api.deps.SESSION_COOKIE`). A page
whose visitor is not signed in raises `SignInRequired` (→ redirect to the sign-in page);
one the role may not use raises `PageForbidden` (→ a 403 page). Both are turned into
responses by the handlers in `web.pages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.deps import SESSION_COOKIE, ClockDep, SessionDep, SettingsDep, csrf_token
from core import users as user_service
from core.errors import Unauthenticated
from core.users import Permission, Role, allowed
from oncall import user_link


class SignInRequired(Exception):
    """The visitor has no valid session."""


class PageForbidden(Exception):
    def __init__(self, permission: Permission, user: WebUser) -> None:
        super().__init__(permission.value)
        self.permission = permission
        self.user = user


@dataclass(frozen=True)
class WebUser:
    user_id: int
    username: str
    full_name: str
    role: Role
    csrf: str
    person_id: int | None
    person_name: str | None

    def can(self, permission: Permission | str) -> bool:
        return allowed(self.role, Permission(permission))

    @property
    def display_name(self) -> str:
        return self.person_name or self.full_name or self.username


def session_user(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> WebUser | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user, _ = user_service.user_for_token(session, token=token, now=clock.now())
    except Unauthenticated:
        return None
    assert user.id is not None
    person = user_link.person_of(session, user_id=user.id)
    return WebUser(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        csrf=csrf_token(settings, token),
        person_id=person.id if person else None,
        person_name=person.name if person else None,
    )


MaybeUser = Annotated[WebUser | None, Depends(session_user)]


def signed_in(user: MaybeUser) -> WebUser:
    if user is None:
        raise SignInRequired()
    return user


class RequirePage:
    """Dependency: a signed-in user whose role holds `permission` (None: any role)."""

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission

    def __call__(self, user: Annotated[WebUser, Depends(signed_in)]) -> WebUser:
        if self.permission is not None and not user.can(self.permission):
            raise PageForbidden(self.permission, user)
        return user


SignedIn = Annotated[WebUser, Depends(signed_in)]
