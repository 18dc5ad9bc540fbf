"""Dependencies as `Annotated` aliases: sessions, the clock, the current principal, permissions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from core import users as user_service
from core.clock import Clock
from core.config import Settings
from core.errors import Forbidden, Unauthenticated
from core.users import ApiToken, Permission, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    factory = request.app.state.session_factory
    with factory(write=request.method not in SAFE_METHODS) as session:
        yield session


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Principal:
    user: User
    token: ApiToken

    @property
    def name(self) -> str:
        return self.user.username


def current_principal(
    session: SessionDep,
    clock: ClockDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not token:
        raise Unauthenticated("a bearer token is required")
    user, record = user_service.user_for_token(session, token=token, now=clock.now())
    return Principal(user=user, token=record)


class Require:
    """Dependency that admits only roles holding `permission` (see core.users.ROLE_PERMISSIONS)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not user_service.allowed(principal.user.role, self.permission):
            raise Forbidden(
                f"role {principal.user.role.value!r} may not use {self.permission.value}"
            )
        return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
UserAdmin = Annotated[Principal, Depends(Require(Permission.users_manage))]
DirectoryReader = Annotated[Principal, Depends(Require(Permission.directory_read))]
DirectoryWriter = Annotated[Principal, Depends(Require(Permission.directory_write))]
CalendarReader = Annotated[Principal, Depends(Require(Permission.calendar_read))]
CalendarWriter = Annotated[Principal, Depends(Require(Permission.calendar_write))]
AuditReader = Annotated[Principal, Depends(Require(Permission.audit_read))]
RosterReader = Annotated[Principal, Depends(Require(Permission.roster_read))]
RosterWriter = Annotated[Principal, Depends(Require(Permission.roster_write))]
SwapRequester = Annotated[Principal, Depends(Require(Permission.swap_request))]
IncidentReader = Annotated[Principal, Depends(Require(Permission.incident_read))]
IncidentWriter = Annotated[Principal, Depends(Require(Permission.incident_write))]
OutboxUser = Annotated[Principal, Depends(Require(Permission.outbox_use))]
OncallReader = Annotated[Principal, Depends(Require(Permission.oncall_read))]
DutyLogReader = Annotated[Principal, Depends(Require(Permission.dutylog_read))]
DutyLogWriter = Annotated[Principal, Depends(Require(Permission.dutylog_write))]
