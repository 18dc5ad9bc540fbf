"""Mounts the web application: static assets, every page module, and the handlers that turn
"not signed in", "not for your role" and domain errors on pages into pages.

One module per area (`auth_pages`, `home`, `duty`, `incidents`, `complaints`, `outbox`,
`rosters`, `planner`, `dashboard`, `insight`, `admin`, `admin_complaints`, `admin_plans`); a new
area adds its router to `AREAS` and its entries to `web.nav.NAV`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.problems import domain_problem, field_name
from core.errors import DomainError
from web import (
    account,
    admin,
    admin_complaints,
    admin_plans,
    auth_pages,
    complaint_export,
    complaints,
    dashboard,
    duty,
    home,
    incidents,
    insight,
    outbox,
    planner,
    rosters,
)
from web.field_errors import refusal_text
from web.i18n import locale_of
from web.problem_text import describe
from web.render import STATIC, render
from web.session import PageForbidden, SignInRequired

AREAS = (
    auth_pages,
    home,
    account,
    duty,
    incidents,
    complaint_export,  # before complaints: /complaints/export is not an item id
    complaints,
    outbox,
    rosters,
    planner,
    dashboard,
    insight,
    admin,
    admin_complaints,
    admin_plans,
)
FRAGMENT_HEADER = "x-dutydesk-fragment"
NON_PAGE_PREFIXES = (
    "/api/",
    "/open311/",
    "/twilio/",
    "/ical/",
    "/static/",
    "/openapi",
    "/docs",
    "/redoc",
)


class Assets(StaticFiles):
    """Static files, revalidated on every use (an unchanged one answers 304): the script's
    modules import each other by plain relative names, without `asset()`'s content hash, so a
    browser must never mix a cached module with a newer one after an upgrade."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NON_PAGE_PREFIXES)


def _sign_in(request: Request, _: Exception) -> Response:
    if request.headers.get(FRAGMENT_HEADER):
        return PlainTextResponse("sign in again", status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageForbidden)
    context = {"status": 403, "reason": "role", "detail": ""}
    return render(request, "error.html", context, user=exc.user, status=403)


def _error_page(request: Request, status: int, reason: str, detail: str) -> Response:
    context = {"status": status, "reason": reason, "detail": detail}
    return render(request, "error.html", context, user=None, status=status)


def _page_detail(request: Request, exc: DomainError) -> tuple[str, str]:
    """The reason and what the error page says about `exc`: a refusal naming its values (an
    export of more items than it holds) worded as such, else the fields of an invalid
    address, else the problem worded in the page's language."""
    locale = locale_of(request)
    if exc.status == 422 and exc.errors:
        worded = [refusal_text(locale, error) for error in exc.errors]
        if all(worded):
            return "refused", " ".join(text for text in worded if text)
        return exc.code, ", ".join(sorted({error.field for error in exc.errors}))
    return exc.code, describe(locale, status=exc.status, code=exc.code, detail=exc.detail)


async def _delegate(handler: Callable[..., Any], request: Request, exc: Exception) -> Response:
    """Hand `exc` to the handler that was installed before ours (sync or async)."""
    response = handler(request, exc)
    return cast(Response, await response if inspect.isawaitable(response) else response)


def mount(app: FastAPI) -> None:
    app.mount("/static", Assets(directory=STATIC), name="static")
    app.add_exception_handler(SignInRequired, _sign_in)
    app.add_exception_handler(PageForbidden, _forbidden)
    api_handler = app.exception_handlers.get(DomainError)

    async def domain_error(request: Request, exc: Exception) -> Response:
        # Pages get an HTML error page; everything else keeps the handler installed before
        # us (RFC 9457 problems, or the Open311 error format under /open311/).
        assert isinstance(exc, DomainError)
        if is_page(request):
            return _error_page(request, exc.status, *_page_detail(request, exc))
        if api_handler is None:
            return domain_problem(request, exc)
        return await _delegate(api_handler, request, exc)

    app.add_exception_handler(DomainError, domain_error)
    api_validation_handler = app.exception_handlers.get(RequestValidationError)

    async def validation_error(request: Request, exc: Exception) -> Response:
        # A page opened with a bad query value (a hand-edited address) gets an HTML page that
        # names the field; form posts and fragments keep the problem details their script reads.
        assert isinstance(exc, RequestValidationError)
        if (
            is_page(request)
            and request.method == "GET"
            and not request.headers.get(FRAGMENT_HEADER)
        ):
            names = ", ".join(sorted({field_name(e.get("loc", ())) for e in exc.errors()}))
            return _error_page(request, 422, "validation_failed", names)
        assert api_validation_handler is not None
        return await _delegate(api_validation_handler, request, exc)

    app.add_exception_handler(RequestValidationError, validation_error)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    for area in AREAS:
        app.include_router(area.router)
