"""Domain exceptions. The API maps each to an RFC 9457 problem with a stable `code`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


class DomainError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, errors: tuple[FieldError, ...] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", errors=(FieldError(field, reason),))


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Infeasible(DomainError):
    status = 422
    code = "infeasible"
    title = "No roster satisfies the hard rules"
