"""Validated scalar types of the people on a complaint (submitter, agent, representatives),
shared by `complaints.schemas` and `complaints.agent_schemas`."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from core.types import ContactPhone

Phone = ContactPhone  # one rule with an incident's caller (core.phones)
IdNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z\-]{4,40}$")
]
IdType = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20, pattern=r"^[^\x00]*$"),
]
OptionalName = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=r"^[^\x00]*$")
]
