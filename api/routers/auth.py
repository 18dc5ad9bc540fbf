"""Login (OAuth2 password form), the current user, and token revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from pydantic import BaseModel, StringConstraints

from api.deps import ClockDep, CurrentPrincipal, SessionDep, SettingsDep, client_address
from api.schemas import Password, UserPublic
from core import login_throttle
from core import users as user_service
from core.errors import ValidationFailed

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


class PasswordChange(BaseModel):
    current_password: FormText
    new_password: Password
    new_password_again: FormText | None = None


class PasswordChanged(BaseModel):
    sessions_ended: int


@router.post(
    "/password",
    summary="Change your own password",
    description=(
        "Needs the current password; a wrong one counts as a failed sign-in (audited, and "
        "throttled like one, 429). `new_password_again`, when sent (the web form does), must "
        "match. Every other session and token of the user ends; the one in use stays. Audited "
        "as `user.password_change`."
    ),
)
def change_password(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    principal: CurrentPrincipal,
    body: PasswordChange,
) -> PasswordChanged:
    # the web form sends an empty "again" as null; an API client may leave it out
    again_given = "new_password_again" in body.model_fields_set
    if again_given and body.new_password_again != body.new_password:
        raise ValidationFailed("new_password_again", "does not match the new password")
    assert principal.user.id is not None
    ended = user_service.change_own_password(
        session,
        user_id=principal.user.id,
        keep_token_id=principal.token.id,
        current_password=body.current_password,
        new_password=body.new_password,
        client=client_address(request),
        now=clock.now(),
    )
    return PasswordChanged(sessions_ended=ended)
