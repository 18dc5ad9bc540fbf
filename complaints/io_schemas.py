"""API schemas of the bulk import and the Open311 client keys (tables in `io_models`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from complaints.vocab import Channel, ItemType
from core.types import StrictBool

SourceCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_\-.]{1,40}$"),
]
RowStatus = Literal["imported", "duplicate", "invalid"]


class ImportOptions(BaseModel):
    """How to read a file. `source` names the exporting system: a record number is unique
    per source, so re-importing a file registers nothing twice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: SourceCode = "12315"
    dry_run: StrictBool = False
    channel: Channel | None = Field(default=None, description="for rows without a channel")
    item_type: ItemType | None = Field(default=None, description="for rows without a type")
    encoding: Literal["utf-8", "gb18030", "gbk"] | None = Field(
        default=None, description="CSV text encoding; default: UTF-8, else GB18030"
    )


class ImportRowError(BaseModel):
    field: str
    column: str | None = Field(description="the header as written in the file, if any")
    reason: str


class ImportRowResult(BaseModel):
    row: int = Field(description="the row number in the file (the header is usually row 1)")
    status: RowStatus
    external_ref: str | None = None
    refs: list[str] = Field(default_factory=list, description="items created or found")
    duplicate_of_row: int | None = Field(
        default=None, description="an earlier row of the same file with the same record"
    )
    emergency: bool = False
    incident_ids: list[int] = Field(default_factory=list)
    errors: list[ImportRowError] = Field(default_factory=list)


class ImportReport(BaseModel):
    batch: str
    dry_run: bool
    source: str
    filename: str
    file_format: Literal["csv", "xlsx"]
    encoding: str | None
    rows: int
    imported: int
    duplicates: int
    invalid: int
    items_created: int
    emergencies: int
    columns: dict[str, str] = Field(description="header as written → field")
    ignored_columns: list[str]
    results: list[ImportRowResult]


# ---- Open311 client keys ---------------------------------------------------------------------


class Open311ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00]*$"
        ),
    ]
    channel: Channel = Field(
        default=Channel.website, description="the channel its requests are registered on"
    )


class Open311ClientPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    key_hint: str
    channel: Channel
    is_active: bool
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    last_used_at: datetime | None


class Open311ClientCreated(Open311ClientPublic):
    api_key: str = Field(description="shown once: only its hash is stored")


# ---- statistics ------------------------------------------------------------------------------


class CountRow(BaseModel):
    key: str | None = Field(description="the code (unit id for units); null: not known yet")
    label: str
    count: int


class Figure(BaseModel):
    """One efficiency figure: numerator ÷ denominator with its definition."""

    name: str
    label: str = Field(description="the name used in 12315 / 12345 reports")
    numerator: int
    denominator: int
    rate: float | None = Field(description="0..1, 4 decimals; null when the denominator is 0")
    definition: str


class ComplaintStats(BaseModel):
    start: date = Field(description="first local day of the period (received_at)")
    end: date = Field(description="last local day of the period, included")
    timezone: str
    as_of: datetime = Field(description="rates count clocks run out by this instant")
    total: int = Field(description="items received in the period")
    complaints: int = Field(description="complaints (Order 121 workflow) received")
    complaint_orders: int = Field(
        default=0,
        description="complaints (type 投诉) that came as 12345 transfer orders and follow the "
        "12345 loop (sign for, handle, reply): counted by type with the complaints, never "
        "accepted or mediated, so outside 受理, 调解成功率 and 诉转案率",
    )
    accepted: int = Field(description="complaints accepted (受理)")
    closed: int = Field(description="items in the closed state, all types")
    concluded: int = Field(
        default=0,
        description="items 办结, all types: closed, plus rejected complaints not closed yet "
        "(不予受理 ends a complaint); the denominator of 按期办结率 with the open items late",
    )
    complaints_closed: int = Field(
        description="complaints 办结: closed, plus rejected ones not closed yet (不予受理 ends "
        "a complaint)"
    )
    mediation_successes: int
    converted_to_case: int = Field(description="诉转案")
    cases_filed: int = Field(description="reports that became a case (立案)")
    emergencies: int
    overdue_open: int = Field(description="open items overdue now")
    losses_recovered_cents: int = Field(description="consumer losses recovered, where recorded")
    losses_recovered_items: int = Field(description="items with a recovered amount recorded")
    by_channel: list[CountRow]
    by_type: list[CountRow]
    by_domain: list[CountRow]
    by_district: list[CountRow]
    by_unit: list[CountRow]
    by_status: list[CountRow]
    figures: list[Figure]
