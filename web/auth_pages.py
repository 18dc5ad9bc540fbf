"""Sign-in, sign-out and the language switch.

Signing in issues an opaque token with the same token service as the API and keeps it in an
HttpOnly, SameSite=Strict cookie (Secure when PUBLIC_URL is https or the page came over
https), valid as long as the token. A sign-in posted from another site (its Origin, or
without one its Referer, is neither this server nor PUBLIC_URL) is refused (403: no login
CSRF); a post with neither header (a non-browser client) is not. A username or client locked
after repeated failures (core.login_throttle) gets the page again with 429 and Retry-After.
Signing out, or signing in over a session, revokes its token. The language switch only
sets a cookie.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.deps import (
    SESSION_COOKIE,
    ClockDep,
    SessionDep,
    SettingsDep,
    client_address,
    csrf_matches,
)
from core import users as user_service
from core.config import Settings
from core.errors import TooManyAttempts, Unauthenticated
from web.i18n import DEFAULT_LOCALE, LANG_COOKIE, LOCALES
from web.nav import landing_page
from web.render import render
from web.session import MaybeUser

router = APIRouter(include_in_schema=False)
FORM_MAX = 200
NextQuery = Annotated[str | None, Query(alias="next", max_length=2000)]


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_own_site(request: Request, settings: Settings) -> bool:
    """Whether a form post comes from this server's pages: its Origin header, or without one
    its Referer, names this server (the request's own scheme and host, or PUBLIC_URL). A post
    with neither header (a non-browser client) passes."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return True
    own = {_origin(str(request.base_url)), _origin(settings.public_url)}
    given = _origin(claimed)
    return given is not None and given in own


@router.get("/login")
def login_form(request: Request, user: MaybeUser, next_path: NextQuery = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next_path) or landing_page(user.role), status_code=303)
    context = {
        "next": safe_next(next_path) or "",
        "error": False,
        "username": "",
        "locked_minutes": 0,
    }
    return render(request, "login.html", context, user=None)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    if not from_own_site(request, settings):
        return render(
            request, "error.html", {"status": 403, "reason": "csrf"}, user=None, status=403
        )
    username = username.strip()[:FORM_MAX]
    context = {
        "next": safe_next(next_path) or "",
        "error": True,
        "username": username,
        "locked_minutes": 0,
    }
    try:
        if not username or not password or len(password) > FORM_MAX:
            raise Unauthenticated("incorrect username or password")
        user = user_service.authenticate(
            session,
            username=username,
            password=password,
            now=clock.now(),
            client=client_address(request),
        )
    except Unauthenticated:
        return render(request, "login.html", context, user=None, status=401)
    except TooManyAttempts as exc:
        context |= {"locked_minutes": math.ceil(exc.retry_after / 60)}
        page = render(request, "login.html", context, user=None, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    _end_previous_session(request, session, actor=user.username, now=clock.now())
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    token, _ = user_service.issue_token(session, user=user, now=clock.now(), ttl=ttl)
    response = RedirectResponse(safe_next(next_path) or landing_page(user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ttl.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        # over https (also when TLS ends at a trusted proxy: X-Forwarded-Proto) whatever
        # PUBLIC_URL says, so the cookie never travels over plain http
        secure=settings.public_url.startswith("https://") or request.url.scheme == "https",
    )
    return response


def _end_previous_session(request: Request, session: Session, *, actor: str, now: datetime) -> None:
    """Revoke the session the browser signs in over (a shared desk), rather than leave its
    token usable for the rest of its lifetime."""
    previous = request.cookies.get(SESSION_COOKIE)
    if not previous:
        return
    try:
        _, record = user_service.user_for_token(session, token=previous, now=now)
    except Unauthenticated:
        return
    user_service.revoke_token(session, token=record, actor=actor, now=now)


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    response = RedirectResponse("/login", status_code=303)
    if token and csrf_matches(settings, token, csrf_token):
        try:
            user, record = user_service.user_for_token(session, token=token, now=clock.now())
        except Unauthenticated:
            pass
        else:
            user_service.revoke_token(session, token=record, actor=user.username, now=clock.now())
    elif token:
        return render(
            request, "error.html", {"status": 403, "reason": "csrf"}, user=None, status=403
        )
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{locale}")
def switch_language(locale: str, next_path: NextQuery = None) -> Response:
    response = RedirectResponse(safe_next(next_path) or "/", status_code=303)
    chosen = locale if locale in LOCALES else DEFAULT_LOCALE
    response.set_cookie(
        LANG_COOKIE, chosen, max_age=365 * 24 * 3600, path="/", samesite="lax", httponly=True
    )
    return response
