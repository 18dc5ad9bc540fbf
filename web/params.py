"""Query parameters of the pages' filter forms.

A filter form's "All" choice is an empty option, so the browser sends `status=` rather
than leaving the parameter out. `EmptyIsNone` goes beside `Query(...)` in an optional
parameter's `Annotated` so an empty value means "no filter" instead of a 422 for a value
that is not a member or not a number; any other value is still validated as declared.
"""

from __future__ import annotations

from pydantic import BeforeValidator


def _empty_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


EmptyIsNone = BeforeValidator(_empty_is_none)
