"""Login (OAuth2 password form), the current user, and token revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from pydantic import BaseModel, StringConstraints

from api.deps import ClockDep, CurrentPrincipal, SessionDep, SettingsDep, client_address
from api.schemas import UserPublic
from core import login_throttle
from core import users as user_service

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

FormText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


_WINDOW_MINUTES = int(login_throttle.LOCK_WINDOW.total_seconds()) // 60


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post(
    "/token",
    summary="Log in with username and password (OAuth2 password form)",
    description=(
        f"Failed attempts are audited. After {login_throttle.LOGIN_FAILURES_ALLOWED} failures "
        f"for a username from one client address within {_WINDOW_MINUTES} minutes (since "
        "its last sign-in from there) that client's further attempts for it get 429 with "
        "Retry-After until the oldest of them has left that window; other clients still sign "
        f"in. Likewise after {login_throttle.CLIENT_FAILURES_ALLOWED} failures from one client "
        "address, whatever the usernames, for every username from it; and after "
        f"{login_throttle.USERNAME_FAILURES_ALLOWED} failures for a username from all clients "
        "together, for it from every client except those it signed in from within "
        f"{login_throttle.KNOWN_CLIENT_FOR.days} days. The first refused attempt of a client "
        "(and username) in each window is audited, the later ones are counted."
    ),
)
def login(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    username: Annotated[FormText, Form()],
    password: Annotated[FormText, Form()],
) -> TokenResponse:
    user = user_service.authenticate(
        session,
        username=username,
        password=password,
        now=clock.now(),
        client=client_address(request),
    )
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    plaintext, _ = user_service.issue_token(session, user=user, now=clock.now(), ttl=ttl)
    return TokenResponse(access_token=plaintext, expires_in=int(ttl.total_seconds()))


@router.get("/me", summary="The signed-in user")
def me(principal: CurrentPrincipal) -> UserPublic:
    return UserPublic.model_validate(principal.user)


@router.post("/revoke", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke the token in use")
def revoke(session: SessionDep, clock: ClockDep, principal: CurrentPrincipal) -> None:
    token = session.merge(principal.token)
    user_service.revoke_token(session, token=token, actor=principal.name, now=clock.now())
