"""Open311 GeoReport v2 (`/open311/v2/…`): discovery, services, service definitions, service
requests (GET, POST with an API key), one request, and tokens. Every route answers in JSON
(`.json`) or XML (`.xml`).

Errors on these routes use the Open311 format instead of RFC 9457, with the HTTP status as
`code`: JSON `[{"code": 400, "description": "service_code: …"}]`, XML
`<errors><error><code>400</code><description>…</description></error></errors>`; one entry
per invalid field. 400 invalid or missing parameter, 403 missing or bad `api_key`, 404
unknown service, request, token or jurisdiction, 409 conflict, 413/415, 500.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlparse
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import ClockDep, SessionDep, SettingsDep
from api.open311_output import Fmt, reply
from complaints import open311, open311_clients, open311_render
from complaints import open311_catalog as catalog
from complaints import open311_wire as wire
from core.config import Settings
from core.errors import DomainError, FieldError, ValidationFailed, pydantic_reason
from core.types import check_instant

PREFIX = "/open311/v2"
router = APIRouter(prefix=PREFIX, tags=["open311"])


FmtPath = Annotated[Fmt, Path(description="response format: json or xml")]
ShortQuery = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
ListQuery = Annotated[str | None, Query(max_length=4000, pattern=r"^[^\x00]*$")]


def _jurisdiction(settings: Settings) -> str:
    return urlparse(settings.public_url).hostname or "localhost"


def _instant(name: str, raw: str | None, tz: ZoneInfo) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(name, "expected an ISO 8601 date and time") from None
    moment = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
    try:
        return check_instant(moment)
    except ValueError as exc:
        raise ValidationFailed(name, str(exc)) from None


def _split(raw: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())


# ---- routes ----------------------------------------------------------------------------------

_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": list[wire.Error], "description": "invalid or missing parameter"},
    404: {"model": list[wire.Error], "description": "not found"},
}


@router.get("/discovery.{fmt}", summary="Open311 service discovery", response_model=wire.Discovery)
def discovery(fmt: FmtPath, settings: SettingsDep) -> Response:
    base = settings.public_url.rstrip("/")
    return reply(
        wire.Discovery(
            contact=f"{base}/ (the centre's complaint intake office)",
            key_service="API keys are issued by the centre's administrator "
            "(POST /api/v1/open311/clients)",
            endpoints=[wire.Endpoint(url=f"{base}{PREFIX}")],
        ),
        fmt,
        "discovery",
    )


@router.get(
    "/services.{fmt}",
    summary="Services: submission types × domains",
    response_model=list[wire.Service],
    responses=_RESPONSES,
)
def list_services(
    fmt: FmtPath, settings: SettingsDep, jurisdiction_id: ShortQuery = None
) -> Response:
    open311.check_jurisdiction(jurisdiction_id, _jurisdiction(settings))
    return reply(catalog.services(), fmt, "services")


@router.get(
    "/services/{service_code}.{fmt}",
    summary="A service's definition (attributes)",
    response_model=wire.ServiceDefinition,
    responses=_RESPONSES,
)
def service_definition(
    service_code: Annotated[str, Path(pattern=r"^[a-z_]{1,30}-[a-z_]{1,30}$")],
    fmt: FmtPath,
    settings: SettingsDep,
    jurisdiction_id: ShortQuery = None,
) -> Response:
    open311.check_jurisdiction(jurisdiction_id, _jurisdiction(settings))
    return reply(catalog.definition(service_code), fmt, "service_definition")


_FORM_SCHEMA = wire.RequestForm.model_json_schema()
_FORM_SCHEMA["required"] = ["api_key", "service_code"]
_FORM_SCHEMA["additionalProperties"] = {"type": "string", "maxLength": 4000}
_FORM_SCHEMA["description"] = (
    "application/x-www-form-urlencoded (or JSON); attributes as attribute[code]=value"
)


async def _raw_body(request: Request) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ValidationFailed("body", "the request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ValidationFailed("body", "expected a JSON object")
        return body
    if kind in ("application/x-www-form-urlencoded", ""):
        # Open311 text is UTF-8; Starlette's form parser would read raw bytes as latin-1
        try:
            text = (await request.body()).decode("utf-8")
            pairs = parse_qsl(
                text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000
            )
        except UnicodeDecodeError:
            raise ValidationFailed("body", "the form is not valid UTF-8") from None
        except ValueError:
            raise ValidationFailed("body", "the form has too many fields") from None
        return dict(pairs)
    if kind == "multipart/form-data":
        form = await request.form()
        return {key: value for key, value in form.items() if isinstance(value, str)}
    raise ValidationFailed("content-type", "send application/x-www-form-urlencoded or JSON")


@router.post(
    "/requests.{fmt}",
    summary="Submit a service request (needs api_key)",
    response_model=list[wire.PostedRequest],
    status_code=201,
    responses=_RESPONSES
    | {403: {"model": list[wire.Error], "description": "missing or bad api_key"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA}},
        }
    },
)
async def post_request(
    request: Request,
    fmt: FmtPath,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> Response:
    raw = await _raw_body(request)

    def work() -> list[wire.PostedRequest]:
        form, attributes = open311.parse_form(raw)
        open311.check_jurisdiction(form.jurisdiction_id, _jurisdiction(settings))
        client = open311_clients.authenticate(session, form.api_key)
        if not form.service_code:
            raise ValidationFailed("service_code", "service_code is required")
        return open311.submit(
            session,
            client=client,
            form=form,
            attributes=attributes,
            now=clock.now(),
            tz=settings.tz,
        )

    posted = await run_in_threadpool(work)
    return reply(posted, fmt, "service_requests", status=201)


@router.get(
    "/requests.{fmt}",
    summary="Service requests (consented complaints; a client's own with its api_key)",
    response_model=list[wire.ServiceRequest],
    responses=_RESPONSES,
)
def list_requests(
    fmt: FmtPath,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    jurisdiction_id: ShortQuery = None,
    service_request_id: ListQuery = None,
    service_code: ListQuery = None,
    start_date: ShortQuery = None,
    end_date: ShortQuery = None,
    status: Annotated[str | None, Query(pattern=r"^(open|closed)(,(open|closed))?$")] = None,
    api_key: ShortQuery = None,
    extensions: bool = False,
) -> Response:
    open311.check_jurisdiction(jurisdiction_id, _jurisdiction(settings))
    tz = settings.tz
    query = open311.Query(
        ids=_split(service_request_id),
        service_codes=_split(service_code),
        start=_instant("start_date", start_date, tz),
        end=_instant("end_date", end_date, tz),
        statuses=_split(status),
    )
    client = open311_clients.client_for_key(session, api_key)
    items = open311.find(session, query=query, client=client, now=clock.now())
    return reply(
        open311_render.render(session, items, tz=tz, extensions=extensions), fmt, "service_requests"
    )


@router.get(
    "/requests/{service_request_id}.{fmt}",
    summary="One service request",
    response_model=list[wire.ServiceRequest],
    responses=_RESPONSES,
)
def get_request(
    service_request_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9\-]{1,40}$")],
    fmt: FmtPath,
    session: SessionDep,
    settings: SettingsDep,
    jurisdiction_id: ShortQuery = None,
    api_key: ShortQuery = None,
    extensions: bool = False,
) -> Response:
    open311.check_jurisdiction(jurisdiction_id, _jurisdiction(settings))
    client = open311_clients.client_for_key(session, api_key)
    item = open311.get(session, ref=service_request_id, client=client)
    return reply(
        open311_render.render(session, [item], tz=settings.tz, extensions=extensions),
        fmt,
        "service_requests",
    )


@router.get(
    "/tokens/{token}.{fmt}",
    summary="The service request(s) a token stands for",
    response_model=list[wire.TokenAnswer],
    responses=_RESPONSES,
)
def get_token(
    token: Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$")],
    fmt: FmtPath,
    session: SessionDep,
    settings: SettingsDep,
    jurisdiction_id: ShortQuery = None,
) -> Response:
    open311.check_jurisdiction(jurisdiction_id, _jurisdiction(settings))
    items = open311.by_token(session, token=token)
    answers = [wire.TokenAnswer(service_request_id=i.ref, token=token) for i in items]
    return reply(answers, fmt, "service_requests")


# ---- errors ----------------------------------------------------------------------------------


def _errors_for(exc: Exception) -> tuple[int, list[wire.Error]]:
    def each(status: int, errors: list[FieldError], fallback: str) -> list[wire.Error]:
        texts = [f"{e.field}: {e.reason}" for e in errors] or [fallback]
        return [wire.Error(code=status, description=t) for t in texts]

    if isinstance(exc, RequestValidationError):
        errors = [
            FieldError(
                ".".join(str(p) for p in e.get("loc", ())[1:]) or "request", pydantic_reason(e)
            )
            for e in exc.errors()
        ]
        return 400, each(400, errors, "invalid request")
    if isinstance(exc, DomainError):
        status = 400 if exc.status == 422 else 403 if exc.status == 401 else exc.status
        return status, each(status, list(exc.errors), exc.detail)
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, each(exc.status_code, [], str(exc.detail))
    if isinstance(exc, IntegrityError):
        return 409, each(409, [], "the request conflicts with existing data")
    if isinstance(exc, DataError):
        return 400, each(400, [], "a value is out of range or malformed")
    return 500, each(500, [], "an unexpected error occurred")


def open311_error(request: Request, exc: Exception) -> Response:
    status, errors = _errors_for(exc)
    fmt = Fmt.xml if request.url.path.endswith(".xml") else Fmt.json
    return reply(errors, fmt, "errors", status=status)


Handler = Callable[[Request, Exception], Any]


def _ours(request: Request) -> bool:
    return request.url.path.startswith(PREFIX + "/") or request.url.path == PREFIX


def _wrap(previous: Handler) -> Handler:
    if inspect.iscoroutinefunction(previous):

        async def async_handler(request: Request, exc: Exception) -> Any:
            return open311_error(request, exc) if _ours(request) else await previous(request, exc)

        return async_handler

    def handler(request: Request, exc: Exception) -> Any:
        return open311_error(request, exc) if _ours(request) else previous(request, exc)

    return handler


def install(app: FastAPI) -> None:
    """Route errors under /open311/ to the Open311 format; call after `problems.install`."""
    for exc_class in (
        DomainError,
        RequestValidationError,
        StarletteHTTPException,
        IntegrityError,
        DataError,
        Exception,
    ):
        previous = app.exception_handlers[exc_class]
        app.add_exception_handler(exc_class, _wrap(previous))
