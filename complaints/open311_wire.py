"""Open311 GeoReport v2 wire models: what the endpoints take and answer (pydantic, pure).

The catalogue and the mapping between requests and items are in `open311_catalog`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00+08:00"
MAX_DESCRIPTION = 4000

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]

Str64 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=64, pattern=r"^[^\x00]*$")
]
Str200 = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^\x00]*$")
]


class AttributeValue(BaseModel):
    key: str
    name: str


class Attribute(BaseModel):
    variable: bool = True
    code: str
    datatype: Datatype
    required: bool
    datatype_description: str | None = None
    order: int
    description: str
    values: list[AttributeValue] | None = None


class Service(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool = True
    type: Literal["realtime", "batch", "blackbox"] = "realtime"
    keywords: str
    group: str


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[Attribute]


class ServiceRequest(BaseModel):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str | None
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    extended_attributes: dict[str, str | bool | None] | None = None


class PostedRequest(BaseModel):
    service_request_id: str
    token: str
    service_notice: str | None
    account_id: str | None


class TokenAnswer(BaseModel):
    service_request_id: str | None
    token: str


class Error(BaseModel):
    code: int
    description: str


class Endpoint(BaseModel):
    specification: str = SPEC_URL
    url: str
    changeset: str = CHANGESET
    type: Literal["production", "test"] = "production"
    formats: list[str] = ["application/json", "text/xml"]


class Discovery(BaseModel):
    changeset: str = CHANGESET
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class RequestForm(BaseModel):
    """The fields of `POST requests` (besides `attribute[code]`)."""

    model_config = ConfigDict(extra="ignore")

    api_key: Str200 = ""
    jurisdiction_id: Str200 | None = None
    service_code: Str64 = ""
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    address_string: Str200 = ""
    address_id: Str64 | None = None
    email: Str200 | None = None
    device_id: Str64 | None = None
    account_id: Str64 | None = None
    first_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    last_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    description: Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION)] = ""
    media_url: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S{1,490}$")]
        | None
    ) = None
