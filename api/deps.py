"""Dependencies as `Annotated` aliases: sessions, the clock, the current principal, permissions.

A principal is authenticated by a bearer token (API clients) or by the browser's session
cookie (the web pages, see docs/adr/0004). The cookie holds an opaque token of the same kind;
when it is the credential, unsafe methods also need the `X-CSRF-Token` header, an HMAC of the
session token under SECRET_KEY that the pages embed. Bearer clients are unaffected.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
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
SESSION_COOKIE = "dutydesk_session"
CSRF_HEADER = "X-CSRF-Token"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


# Dependencies that only read app state are `async def`: FastAPI runs every plain `def`
# dependency in its thread pool, a hand-off to a worker thread and back for each.


def get_session(request: Request) -> Iterator[Session]:
    factory = request.app.state.session_factory
    with factory(write=request.method not in SAFE_METHODS) as session:
        yield session


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_waker(request: Request) -> Callable[[], None]:
    """Starts a dispatcher pass now: call it after committing a new incident."""
    wake: Callable[[], None] = request.app.state.dispatcher.wake
    return wake


def client_address(request: Request) -> str | None:
    """The address the request came from: the peer, or behind a proxy the address uvicorn
    takes from X-Forwarded-For when the proxy is trusted (FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else None


SessionDep = Annotated[Session, Depends(get_session)]
DispatcherWaker = Annotated[Callable[[], None], Depends(get_waker)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class CsrfRejected(Forbidden):
    code = "csrf_failed"
    title = "CSRF check failed"


def csrf_token(settings: Settings, session_token: str) -> str:
    """The CSRF token that goes with a browser session: HMAC-SHA256 of its token."""
    key = settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, b"csrf:" + session_token.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_matches(settings: Settings, session_token: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(settings, session_token), given or "")


@dataclass(frozen=True)
class Principal:
    user: User
    token: ApiToken
    via_cookie: bool = False

    @property
    def name(self) -> str:
        return self.user.username


def _user_for_token(
    request: Request, session: Session, token: str, clock: Clock
) -> tuple[User, ApiToken]:
    """The token's user. On SQLite a request that writes holds the write lock from its first
    query on, so it looks the token up in a short read transaction of its own instead."""
    if request.method in SAFE_METHODS or session.get_bind().dialect.name != "sqlite":
        return user_service.user_for_token(session, token=token, now=clock.now())
    with request.app.state.session_factory(write=False) as reader:
        return user_service.user_for_token(reader, token=token, now=clock.now())


def current_principal(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if token:
        user, record = _user_for_token(request, session, token, clock)
        return Principal(user=user, token=record)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthenticated("a bearer token or a signed-in browser session is required")
    user, record = _user_for_token(request, session, cookie, clock)
    if request.method not in SAFE_METHODS and not csrf_matches(
        settings, cookie, request.headers.get(CSRF_HEADER)
    ):
        raise CsrfRejected(f"a signed-in browser session needs a valid {CSRF_HEADER} header")
    return Principal(user=user, token=record, via_cookie=True)


class Require:
    """Dependency that admits only roles holding `permission` (see core.users.ROLE_PERMISSIONS)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
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
SwapDecider = Annotated[Principal, Depends(Require(Permission.swap_decide))]
IncidentReader = Annotated[Principal, Depends(Require(Permission.incident_read))]
IncidentWriter = Annotated[Principal, Depends(Require(Permission.incident_write))]
OutboxUser = Annotated[Principal, Depends(Require(Permission.outbox_use))]
OncallReader = Annotated[Principal, Depends(Require(Permission.oncall_read))]
DutyLogReader = Annotated[Principal, Depends(Require(Permission.dutylog_read))]
DutyLogWriter = Annotated[Principal, Depends(Require(Permission.dutylog_write))]
ComplaintReader = Annotated[Principal, Depends(Require(Permission.complaint_read))]
ComplaintWriter = Annotated[Principal, Depends(Require(Permission.complaint_write))]
ComplaintHandler = Annotated[Principal, Depends(Require(Permission.complaint_handle))]
ComplaintSupervisor = Annotated[Principal, Depends(Require(Permission.complaint_supervise))]
ComplaintConfidential = Annotated[Principal, Depends(Require(Permission.complaint_confidential))]
ComplaintConfigurer = Annotated[Principal, Depends(Require(Permission.complaint_configure))]
DashboardReader = Annotated[Principal, Depends(Require(Permission.dashboard_read))]
WarningReader = Annotated[Principal, Depends(Require(Permission.warning_read))]
WarningHandler = Annotated[Principal, Depends(Require(Permission.warning_handle))]
ReportReader = Annotated[Principal, Depends(Require(Permission.report_read))]
ReportGenerator = Annotated[Principal, Depends(Require(Permission.report_generate))]
InsightConfigurer = Annotated[Principal, Depends(Require(Permission.insight_configure))]
PlanConfigurer = Annotated[Principal, Depends(Require(Permission.plan_configure))]
