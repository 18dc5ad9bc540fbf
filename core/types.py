"""Validated scalar types shared by every schema: bounded, NUL-free strings, safe ids, and
days and instants inside the range the application handles (2000-01-01 to 2100-12-31)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, Strict, StringConstraints

from core import phones

MAX_ID = 2**31 - 1
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CN_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


def _no_control_chars(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _e164(value: str) -> str:
    if not E164.match(value):
        raise ValueError("must be an E.164 number such as +8613800001234")
    if value.startswith("+86") and value[3:4] == "1" and not CN_MOBILE.match(value):
        raise ValueError("not a valid mainland China mobile number (+86 1[3-9]xxxxxxxxx)")
    return value


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_chars),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_control_chars),
]
OptionalShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_control_chars)
]
LongText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_no_control_chars)]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$"
    ),
]
PhoneNumber = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_e164)]
"""A number the centre pages or texts (E.164)."""
ContactPhone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40), AfterValidator(phones.normalise)
]
"""A number someone called from or gave to be called back on (`core.phones`): mobiles,
landlines with area code, hotline numbers, stored in one form."""
EntityId = Annotated[int, Field(ge=1, le=MAX_ID)]
StrictBool = Annotated[bool, Strict()]
"""A request body's yes/no: JSON true or false only (lax pydantic takes "yes", "1", 1 …)."""
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
BoundedDate = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
FIRST_INSTANT = datetime.combine(FIRST_DAY, time(0), UTC)
END_INSTANT = datetime.combine(LAST_DAY + timedelta(days=1), time(0), UTC)


def check_instant(value: datetime) -> datetime:
    """`value` (aware) if it lies inside the handled range, else ValueError (instants near
    year 1 or 9999 would overflow as soon as they are converted or shifted)."""
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not FIRST_INSTANT <= moment < END_INSTANT:
        raise ValueError(f"must lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return value


BoundedInstant = Annotated[AwareDatetime, AfterValidator(check_instant)]
"""An aware datetime (naive ones are refused) inside the handled range, offset kept."""
