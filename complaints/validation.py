"""Required fields by submission type (DOMAIN.md §2; O121 Arts. 10, 28): one 422 naming every
missing field."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from complaints import agents
from complaints.clocks import local_day
from complaints.schemas import ComplaintCreate
from complaints.vocab import ItemType, SaleMode, Workflow, workflow_for
from core.errors import FieldError, ValidationFailed

FUTURE_TOLERANCE = timedelta(minutes=5)


class MissingFields(ValidationFailed):
    """Required fields missing, or fields that do not fit together (an agent's power of
    attorney without its day, a day in the future): one 422 naming each of them."""

    def __init__(self, errors: tuple[FieldError, ...]) -> None:
        super().__init__(errors[0].field, errors[0].reason)
        self.errors = errors
        self.detail = "missing or invalid fields: " + ", ".join(e.field for e in errors)
        self.args = (self.detail,)


# ---- validation ------------------------------------------------------------------------------


def _required(data: ComplaintCreate, item_type: ItemType, order: bool) -> list[FieldError]:
    """Required fields by type (DOMAIN.md §2; O121 Arts. 10, 28)."""
    missing: list[FieldError] = []

    def need(field: str, value: object, reason: str) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(FieldError(field, reason))

    need("description", data.description, "the facts are required")
    if order:
        need("external_ref", data.external_ref, "a 12345 order needs its order number")
    if item_type is ItemType.complaint and not order:
        need("submitter_name", data.submitter_name, "a complaint needs the complainant's real name")
        need("submitter_phone", data.submitter_phone, "a complaint needs the complainant's phone")
        need(
            "submitter_address",
            data.submitter_address,
            "a complaint needs the complainant's address",
        )
        need("respondent_name", data.respondent_name, "a complaint needs the respondent's name")
        place = (
            data.respondent_address
            or data.respondent_registered_address
            or data.platform_shown_address
            or data.platform_domicile_address
        )
        need("respondent_address", place, "a complaint needs the respondent's address")
        need("claim", data.claim, "a complaint needs a specific claim")
        if data.anonymous:
            missing.append(FieldError("anonymous", "a complaint cannot be anonymous"))
    if item_type is ItemType.report and not order:
        need("clue", data.clue, "a report needs the specific violation clue")
    reports = item_type is ItemType.report or (
        item_type is ItemType.complaint and bool(data.clue.strip())
    )
    if (data.repeat_of or data.new_facts) and (order or not reports):
        field = "repeat_of" if data.repeat_of else "new_facts"
        missing.append(FieldError(field, "only a report (not a 12345 order) repeats a report"))
    if data.sale_mode is SaleMode.platform_merchant and not order:
        need("platform_name", data.platform_name, "a platform merchant's platform is required")
    return missing


def missing_alongside(body: object, invalid: Collection[str]) -> list[FieldError]:
    """The required fields missing from a request body that failed type checks on the fields
    `invalid`, so that one 422 names them all: the rest of the body is checked as if those
    fields were left out. Nothing when the rest does not pass the type checks either (the
    required fields depend on the type and channel)."""
    if not isinstance(body, Mapping):
        return []
    rest = {k: v for k, v in body.items() if k not in invalid}
    try:
        data = ComplaintCreate.model_validate(rest)
    except ValidationError:
        return []
    order = workflow_for(data.item_type, data.channel) is Workflow.order_12345
    found = _required(data, data.item_type, order) + _agent_problems(data, today=None)
    return [e for e in found if e.field not in invalid]


def _agent_problems(data: ComplaintCreate, *, today: date | None) -> list[FieldError]:
    values = data.model_dump(include=set(agents.FIELDS))
    return agents.problems(values, item_type=data.item_type, today=today)


def _dispute_after_receipt(
    data: ComplaintCreate, *, now: datetime, tz: ZoneInfo
) -> list[FieldError]:
    """A dispute cannot have happened after the item about it was received."""
    received = local_day(data.received_at or now, tz)
    if data.dispute_date is None or data.dispute_date <= received:
        return []
    reason = f"must not be after the day the item was received ({received.isoformat()})"
    return [FieldError("dispute_date", reason, "after_receipt", {"day": received.isoformat()})]


def validate(data: ComplaintCreate, *, now: datetime, tz: ZoneInfo) -> None:
    order = workflow_for(data.item_type, data.channel) is Workflow.order_12345
    missing = _required(data, data.item_type, order)
    missing += _agent_problems(data, today=local_day(now, tz))
    missing += _dispute_after_receipt(data, now=now, tz=tz)
    if missing:
        raise MissingFields(tuple(missing))
    if data.received_at is not None and data.received_at > now + FUTURE_TOLERANCE:
        raise ValidationFailed("received_at", "must not be in the future")
