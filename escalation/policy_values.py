"""The checks of a policy's plain values, each a `PolicyError` (a `ValueError`) naming the
field by its path (e.g. `steps[1].wait_minutes`), with a type and values a page words in its
own language (`core.errors.FieldError`'s `type` and `ctx`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class PolicyError(ValueError):
    """An invalid policy value: `field` is the path of the offending field; `type` and `ctx`
    (optional) name the kind of error and its values, as in `core.errors.FieldError`, so a
    page words it in its own language."""

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        type: str | None = None,
        ctx: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.type = type
        self.ctx = ctx

    def within(self, prefix: str) -> PolicyError:
        """The same error, with its field path below `prefix`."""
        return PolicyError(f"{prefix}.{self.field}", self.reason, type=self.type, ctx=self.ctx)


def require_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(name, f"expected a non-empty string, got {value!r}")


def require_int(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(name, f"expected an integer, got {value!r}", type="int_type")
    if value < minimum:
        raise PolicyError(
            name,
            f"must be at least {minimum}, got {value}",
            type="greater_than_equal",
            ctx={"ge": minimum},
        )


def require_list(data: object, path: str) -> list[Any]:
    if not isinstance(data, list):
        raise PolicyError(path, f"expected a list, got {type(data).__name__}")
    return data
