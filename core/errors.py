"""Domain exceptions. The API maps each to an RFC 9457 problem with a stable `code`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field. `reason` is stable English text for any client; `type`
    and `ctx` (optional) name the kind of error and its parameters, e.g. pydantic's
    `string_too_long` with `{"max_length": 200}`, so a page can word it in its own language."""

    field: str
    reason: str
    type: str | None = None
    ctx: Mapping[str, str | int | float] | None = None


#: Pydantic puts this before the message of a `ValueError` raised in a validator.
VALUE_ERROR_PREFIX = "Value error, "


def pydantic_reason(error: Mapping[str, object]) -> str:
    """The message of one of pydantic's errors (`ValidationError.errors()`) as a reason: our
    validators' own text, without pydantic's "Value error, " prefix."""
    return str(error.get("msg", "")).removeprefix(VALUE_ERROR_PREFIX)


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


def taken(detail: str, field: str, reason: str = "is already used") -> Conflict:
    """A 409 for a unique value (a code, a name) that another record holds, naming the field
    the request gave it in."""
    return Conflict(detail, errors=(FieldError(field, reason),))


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        type: str | None = None,
        ctx: Mapping[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(f"{field}: {reason}", errors=(FieldError(field, reason, type, ctx),))

    @classmethod
    def absent(
        cls, field: str, thing: str, ident: int, *, state: str | None = None
    ) -> ValidationFailed:
        """`field` names a `thing` ("person", "unit", "shift type", "user") by an id that is
        not there (or, with `state` such as "archived", not in use): typed `no_<thing>` with
        the id, so that a page words it in its own language."""
        reason = f"{thing} {ident} does not exist" + (f" or is {state}" if state else "")
        type_ = "no_" + thing.replace(" ", "_")
        return cls(field, reason, type=type_, ctx={"id": str(ident)})

    @classmethod
    def of(cls, errors: Sequence[FieldError]) -> ValidationFailed:
        """One 422 naming every field of `errors` (at least one), so that a page marks each
        wrong field of a submission at once."""
        first = errors[0]
        exc = cls(first.field, first.reason, type=first.type, ctx=first.ctx)
        if len(errors) > 1:
            exc.errors = tuple(errors)
            exc.detail = "invalid fields: " + ", ".join(dict.fromkeys(e.field for e in errors))
            exc.args = (exc.detail,)
        return exc


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    title = "Authentication required"


class TooManyAttempts(DomainError):
    """Refused for now after repeated failures; `retry_after` seconds until it may be tried
    again (the Retry-After header)."""

    status = 429
    code = "too_many_attempts"
    title = "Too many failed attempts"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Infeasible(DomainError):
    status = 422
    code = "infeasible"
    title = "No roster satisfies the hard rules"
