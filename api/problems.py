"""RFC 9457 problem details for every error, including the ones FastAPI raises itself."""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, cast

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import DomainError, FieldError, TooManyAttempts, pydantic_reason

log = logging.getLogger("dutydesk.api")

PROBLEM_JSON = "application/problem+json"

_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_failed", "Validation failed"),
    429: ("too_many_requests", "Too many requests"),
}
DATABASE_RETRY_AFTER_S = 5


def problem(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
    }
    if errors:
        body["errors"] = [_error(e) for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _error(error: FieldError) -> dict[str, Any]:
    entry: dict[str, Any] = {"field": error.field, "reason": error.reason}
    if error.type:
        entry["type"] = error.type
    if error.ctx:
        entry["ctx"] = dict(error.ctx)
    return entry


def pydantic_field_error(raw: Mapping[str, Any]) -> FieldError:
    """One of pydantic's errors as a field error: the message without pydantic's "Value
    error, " prefix as the reason, pydantic's error type and its JSON-safe context (limits,
    expected values) so that pages can word it in their own language."""
    reason = pydantic_reason(raw)
    ctx = {
        key: value if isinstance(value, str | int | float) else str(value)
        for key, value in (raw.get("ctx") or {}).items()
        if key != "error"  # the ValueError itself: its text is the reason
    }
    return FieldError(
        field_name(raw.get("loc", ())),
        reason,
        type=str(raw.get("type", "")) or None,
        ctx=ctx or None,
    )


def field_name(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def domain_problem(request: Request, exc: DomainError) -> JSONResponse:
    """The problem response for a domain error (used by the web layer for API paths too)."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=headers,
    )


def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return domain_problem(request, exc)


#: Checks that add their own field errors to a request's type errors, by endpoint.
AlongsideCheck = Callable[[Request, object, Collection[str]], list[FieldError]]
_ALONGSIDE: dict[Callable[..., Any], AlongsideCheck] = {}


def report_alongside(endpoint: Callable[..., Any], check: AlongsideCheck) -> None:
    """When the body of a request to `endpoint` fails the type checks, `check(request, body,
    invalid field names)` adds the errors the endpoint's own validation would have found (such
    as required fields), so that one 422 names every field at once. It runs after the
    endpoint's dependencies passed (authentication among them), in the thread pool."""
    _ALONGSIDE[endpoint] = check


def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(
            request,
            status=400,
            code="malformed_json",
            title="Malformed JSON",
            detail="the request body is not valid JSON",
        )
    errors = [pydantic_field_error(e) for e in raw]
    check = _ALONGSIDE.get(request.scope.get("endpoint"))  # type: ignore[arg-type]
    if check is not None and exc.body is not None:
        errors += check(request, exc.body, {e.field.split(".")[0] for e in errors})
    names = ", ".join(sorted({e.field for e in errors}))
    return problem(
        request,
        status=422,
        code="validation_failed",
        title="Validation failed",
        detail=f"invalid fields: {names}",
        errors=errors,
    )


def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("error", "Error"))
    return problem(
        request,
        status=exc.status_code,
        code=code,
        title=title,
        detail=str(exc.detail),
        headers=dict(exc.headers) if exc.headers else None,
    )


def _on_integrity_error(request: Request, exc: Exception) -> Response:
    log.info("integrity error on %s: %s", request.url.path, driver_reason(exc))
    return problem(
        request,
        status=409,
        code="conflict",
        title="Conflict",
        detail="the change conflicts with existing data",
    )


def _on_data_error(request: Request, exc: Exception) -> Response:
    log.info("data error on %s: %s", request.url.path, driver_reason(exc))
    return problem(
        request,
        status=422,
        code="invalid_data",
        title="Invalid data",
        detail="a value is out of range or malformed for storage",
    )


def driver_reason(exc: Exception) -> str:
    """The database driver's first line of `exc` (no SQL, no parameters, no password)."""
    origin = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(origin).splitlines() if line.strip()]
    return lines[0] if lines else type(origin).__name__


# PostgreSQL rolled the transaction back to settle a race: a deadlock, or a serialization failure
_CONCURRENT_CHANGE_STATES = frozenset({"40P01", "40001"})


def _on_database_unavailable(request: Request, exc: Exception) -> Response:
    """The database refused the connection or the statement (down, dropped, restarting,
    locked past the busy timeout): a 503 the client may retry, one log line, no traceback.
    A transaction the database rolled back to settle a race with another one (deadlock,
    serialization failure) is a 409 the client may retry at once: nothing was written."""
    race = getattr(getattr(exc, "orig", None), "sqlstate", None) in _CONCURRENT_CHANGE_STATES
    log.warning(
        "%s request_id=%s path=%s: %s",
        "concurrent change" if race else "database unavailable",
        getattr(request.state, "request_id", None),
        request.url.path,
        driver_reason(exc),
    )
    if race:
        return problem(
            request,
            status=409,
            code="concurrent_change",
            title="Conflict",
            detail="another change to the same records was made at the same moment; nothing "
            "was saved: try again",
        )
    return problem(
        request,
        status=503,
        code="database_unavailable",
        title="Service unavailable",
        detail="the database is not available; try again shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
    )


def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception(
        "unhandled error request_id=%s path=%s",
        getattr(request.state, "request_id", None),
        request.url.path,
        exc_info=exc,
    )
    return problem(
        request,
        status=500,
        code="internal_error",
        title="Internal server error",
        detail="an unexpected error occurred; quote the request id when reporting it",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(IntegrityError, _on_integrity_error)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(OperationalError, _on_database_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)

    app.add_middleware(RequestGuard)


class NulInUrl(DomainError):
    """A NUL character (`%00`) in the URL's path or query, refused before routing."""

    status = 400
    code = "nul_character"
    title = "Bad request"

    def __init__(self) -> None:
        super().__init__(
            "NUL characters are not allowed in the URL",
            errors=(FieldError("url", "must not contain NUL characters"),),
        )


async def _refuse(scope: Scope, exc: DomainError) -> Response:
    """The answer to `exc` raised before routing, from the application's own handler of domain
    errors (`scope["app"]`, set before the middleware runs): the web layer's translated HTML
    error page for a page's address, problem JSON for the API's."""
    request = Request(scope)
    app = scope.get("app")
    handlers = getattr(app, "exception_handlers", {})
    handler = handlers.get(DomainError, _on_domain_error)
    response = handler(request, exc)
    return cast(Response, await response if inspect.isawaitable(response) else response)


class RequestGuard:
    """Gives every request an id (the caller's `X-Request-ID`, or a new one), echoed in the
    response header and in every problem, and refuses NUL characters in the URL (before
    routing, yet answered like any domain error: a page's address gets the HTML error page).

    Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware wraps
    each response in a stream and a task group, which cost about a tenth of the server's
    time per request under load (py-spy, bench/escalation_benchmark.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = Headers(scope=scope).get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        raw_target = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if b"%00" in raw_target or b"\x00" in raw_target:
            response = await _refuse(scope, NulInUrl())
            response.headers["X-Request-ID"] = request_id
            await response(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
