"""API schemas of a complaint's agent (代理人, O121 Art. 11) and of a group complaint's
elected representatives (代表人, Art. 12). Mixed into the complaint schemas of
`complaints.schemas`; the rules that join the fields are `complaints.agents`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from complaints.fields import IdNumber, IdType, OptionalName, Phone
from core.types import BoundedDate, Name, StrictBool

MAX_REPRESENTATIVES = 2  # "推选一至二名代表" (O121 Art. 12)
GroupSize = Annotated[int, Field(ge=2, le=100_000)]


class Representative(BaseModel):
    """One elected representative of a group complaint: both fields required."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    phone: Phone


Representatives = Annotated[
    list[Representative],
    Field(
        max_length=MAX_REPRESENTATIVES,
        description="a group complaint's elected representatives, at most two (Art. 12)",
    ),
]


class AgentFields(BaseModel):
    """The agent and the group of a complaint at intake (complaints only). An agent needs a
    name and phone to be registered; accepting the complaint also needs the power of
    attorney (授权委托书) recorded as received, and the agent's ID number (Art. 11)."""

    agent_name: OptionalName = Field(default="", description="the agent filing for the complainant")
    agent_phone: Phone | None = None
    agent_id_type: IdType | None = None
    agent_id_number: IdNumber | None = None
    agent_poa_received: StrictBool = Field(
        default=False, description="the original power of attorney (授权委托书) was received"
    )
    agent_poa_date: BoundedDate | None = Field(
        default=None, description="the local day it was received (with agent_poa_received)"
    )
    group_size: GroupSize | None = Field(
        default=None, description="a group complaint (群体投诉): the number of complainants"
    )
    representatives: Representatives = []


class AgentUpdate(BaseModel):
    """Record or correct the agent or the group later: the fields sent change, a null clears
    one (`representatives` is replaced as a whole)."""

    model_config = ConfigDict(extra="forbid")
    agent_name: OptionalName | None = None
    agent_phone: Phone | None = None
    agent_id_type: IdType | None = None
    agent_id_number: IdNumber | None = None
    agent_poa_received: StrictBool | None = None
    agent_poa_date: BoundedDate | None = None
    group_size: GroupSize | None = None
    representatives: Representatives | None = None
    note: Annotated[str, Field(max_length=300, pattern=r"^[^\x00]*$")] = ""


class RepresentativePublic(BaseModel):
    name: str
    phone: str | None


class AgentSummary(BaseModel):
    """What a list shows: the agent's phone always masked."""

    agent_name: str = ""
    agent_phone: str | None = None
    group_size: int | None = None


class AgentDetail(BaseModel):
    """What the detail adds (masked as the complainant's identity is)."""

    agent_id_type: str | None = None
    agent_id_number: str | None = None
    agent_poa_received: bool = False
    agent_poa_date: date | None = None
    representatives: list[RepresentativePublic] = []


class AgentIdentity(AgentSummary, AgentDetail):
    """The agent and representatives in full (the audited identity view)."""
