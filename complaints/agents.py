"""A complaint's agent (代理人, O121 Art. 11) and a group complaint's representatives (代表人,
Art. 12): the rules that join their fields, the accept precondition, and how they are shown.

Rules:
- Only a complaint has an agent or a group (422 naming each field sent on another type; the
  report split from a complaint by Art. 9 carries none).
- An agent is registered with a name and a phone; a power of attorney recorded as received
  needs the local day it was received (not in the future), and a day needs it received.
- A complaint filed by an agent is accepted only once the original power of attorney and the
  agent's ID number are recorded (`accept_blockers`; the accept action answers 409 naming
  the missing fields, like the other refusals that depend on the item's recorded state, not
  on the request): it can be registered, distributed, signed for, rejected or returned
  before that.
- A group complaint has 2 or more complainants (`group_size`) and elects one or two
  representatives (the schema refuses a third, naming `representatives`); representatives
  without a group are a 422.
- Agents' and representatives' phones and ID numbers are personal data exactly like the
  complainant's: lists, history and audit entries mask them; the detail shows them as it
  shows the complainant's (full ID numbers only with `complaint.confidential`, names and
  numbers masked for read-only viewers).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from complaints import privacy
from complaints.agent_schemas import Representative
from complaints.models import Complaint
from complaints.vocab import ItemType
from core.errors import FieldError

FIELDS = (
    "agent_name",
    "agent_phone",
    "agent_id_type",
    "agent_id_number",
    "agent_poa_received",
    "agent_poa_date",
    "group_size",
    "representatives",
)
EMPTY: dict[str, Any] = {
    "agent_name": "",
    "agent_phone": None,
    "agent_id_type": None,
    "agent_id_number": None,
    "agent_poa_received": False,
    "agent_poa_date": None,
    "group_size": None,
    "representatives": [],
}
_SLOTS = (
    ("representative1_name", "representative1_phone"),
    ("representative2_name", "representative2_phone"),
)


def given(values: Mapping[str, Any]) -> list[str]:
    """The agent and group fields that hold something."""
    return [f for f in FIELDS if values.get(f) not in (None, "", False, [])]


def problems(
    values: Mapping[str, Any], *, item_type: ItemType, today: date | None
) -> list[FieldError]:
    """What is wrong with these agent and group fields on an item of `item_type` (`today`:
    None leaves out the check against the future)."""
    sent = given(values)
    if item_type is not ItemType.complaint:
        reason = "only a complaint has an agent or a group of complainants (O121 Arts. 11-12)"
        return [FieldError(f, reason) for f in sent]
    errors: list[FieldError] = []
    name = (values.get("agent_name") or "").strip()
    if not name and any(f.startswith("agent_") for f in sent):
        errors.append(FieldError("agent_name", "the agent's details need the agent's name"))
    if name and not values.get("agent_phone"):
        errors.append(FieldError("agent_phone", "an agent needs a phone"))
    received, day = values.get("agent_poa_received"), values.get("agent_poa_date")
    if day is not None and not received:
        errors.append(
            FieldError("agent_poa_received", "a day of receipt is given: mark it received")
        )
    if received and day is None:
        errors.append(
            FieldError("agent_poa_date", "record the day the power of attorney was received")
        )
    if day is not None and today is not None and day > today:
        errors.append(FieldError("agent_poa_date", "must not be in the future"))
    if values.get("representatives") and values.get("group_size") is None:
        errors.append(
            FieldError(
                "representatives",
                "only a group complaint (group_size: 2 or more complainants) elects "
                "representatives (O121 Art. 12)",
            )
        )
    return errors


def accept_blockers(item: Complaint) -> tuple[FieldError, ...]:
    """Why an agent's complaint cannot be accepted yet (O121 Art. 11); empty when it can."""
    if not item.agent_name:
        return ()
    missing = []
    if not item.agent_poa_received:
        missing.append(
            FieldError(
                "agent_poa_received",
                "a complaint filed by an agent is accepted only once the original power of "
                "attorney (授权委托书) is received (O121 Art. 11): record it first",
            )
        )
    if not item.agent_id_number:
        missing.append(
            FieldError(
                "agent_id_number",
                "a complaint filed by an agent is accepted only with the agent's own ID "
                "(O121 Art. 11): record its number first",
            )
        )
    return tuple(missing)


# ---- stored form -----------------------------------------------------------------------------


def _representatives(values: Mapping[str, Any]) -> list[Representative]:
    return [Representative.model_validate(r) for r in values.get("representatives") or []]


def apply(item: Complaint, values: Mapping[str, Any]) -> None:
    """Store the fields present in `values` on the item (None clears one)."""
    for name in FIELDS:
        if name not in values or name == "representatives":
            continue
        value = values[name]
        setattr(item, name, EMPTY[name] if value is None else value)
    if "representatives" in values:
        people = _representatives(values)
        for index, (name_col, phone_col) in enumerate(_SLOTS):
            person = people[index] if index < len(people) else None
            setattr(item, name_col, person.name if person else "")
            setattr(item, phone_col, person.phone if person else None)


def values_of(item: Complaint) -> dict[str, Any]:
    """The item's agent and group fields in the API's form."""
    values = {name: getattr(item, name) for name in FIELDS if name != "representatives"}
    values["representatives"] = [
        {"name": getattr(item, n), "phone": getattr(item, p)} for n, p in _SLOTS if getattr(item, n)
    ]
    return values


# ---- shown -----------------------------------------------------------------------------------


def shown(
    item: Complaint,
    *,
    hidden: bool = False,
    mask_names: bool = False,
    full_phones: bool = False,
    full_ids: bool = False,
) -> dict[str, Any]:
    """The fields as a reader sees them: `hidden` shows nothing (a report's reporter side),
    names masked for read-only viewers, phones and ID numbers masked unless allowed."""
    if hidden:
        return dict(EMPTY)
    values = values_of(item)

    def name(text: str) -> str:
        return privacy.mask_name(text) if mask_names else text

    def phone(number: str | None) -> str | None:
        return number if full_phones else privacy.mask_phone(number)

    values["agent_name"] = name(values["agent_name"])
    values["agent_phone"] = phone(values["agent_phone"])
    if not full_ids:
        values["agent_id_number"] = privacy.mask_id(values["agent_id_number"])
    values["representatives"] = [
        {"name": name(r["name"]), "phone": phone(r["phone"])} for r in values["representatives"]
    ]
    return values


def for_log(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as history and audit keep them: names, phones and ID numbers masked,
    dates as ISO days."""
    masked: dict[str, Any] = {}
    for key, value in values.items():
        if key == "agent_name":
            masked[key] = privacy.mask_name(value or "")
        elif key == "agent_phone":
            masked[key] = privacy.mask_phone(value)
        elif key == "agent_id_number":
            masked[key] = privacy.mask_id(value)
        elif key == "representatives":
            masked[key] = [
                {"name": privacy.mask_name(r["name"]), "phone": privacy.mask_phone(r["phone"])}
                for r in value or []
            ]
        elif isinstance(value, date):
            masked[key] = value.isoformat()
        else:
            masked[key] = value
    return masked
