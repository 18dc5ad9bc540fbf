"""The fields of a rule set's limits as the rule sets page shows and edits them: each field of
`complaints.clocks.RuleLimits` with its input, the unit its value counts in and the schema's
bounds, so the form offers what the API accepts and names each unit in the page's language.
The API stays the judge: its refusals are shown beside the field they name."""

from __future__ import annotations

from dataclasses import dataclass
from types import NoneType
from typing import get_args

from annotated_types import Ge, Le

from complaints.clocks import RuleLimits
from web.i18n import N_

#: What a field's value counts (the suffix beside its input and its value; "percent": %).
UNITS: dict[str, str] = {
    "working": N_("working days"),
    "calendar": N_("calendar days"),
    "hours": N_("hours"),
}
#: What an empty field or a 0 means where the API allows it.
HINTS: dict[str, str] = {
    "verification_extension_wd": N_("0: no extension"),
    "order_return_wd": N_("0: only on the day of dispatch"),
    "order_reply_extension_wd": N_("0: no extension"),
    "order_reply_by_type": N_("empty: the 12345 reply limit above"),
    "order_urgent_reply_wd": N_("0: the day of dispatch; empty: no separate limit"),
    "order_criticism_wd": N_("empty: no written criticism"),
    "order_risk_hours": N_("empty: the working-day limits"),
    "order_utility_hours": N_("empty: the working-day limits"),
    "order_urgent_distribution_hours": N_("empty: the working-day distribution limit"),
    "due_soon_percent": N_("0: no reminder"),
    "due_soon_wd": N_("0: no reminder"),
}
_INPUTS = {
    "mediation_unit": "unit",
    "roll_weekends": "bool",
    "order_reply_by_type": "by_type",
    "rejection_grounds": "grounds",
}


@dataclass(frozen=True)
class LimitField:
    name: str
    input: str  # "int", "unit" (working or calendar days), "bool", "by_type", "grounds"
    unit: str | None  # a key of UNITS; None: no unit (mediation: the unit chosen with it)
    optional: bool  # empty is sent as null: no such limit
    low: int | None
    high: int | None
    hint: str | None


def unit_of(name: str) -> str | None:
    if name.endswith("_wd") or name == "order_reply_by_type":
        return "working"
    if name.endswith("_hours"):
        return "hours"
    if name.endswith("_percent"):
        return "percent"
    if name.endswith("_days"):
        return "calendar"
    return None


def limit_fields() -> list[LimitField]:
    """Every field of `RuleLimits`, in its order."""
    fields = []
    for name, info in RuleLimits.model_fields.items():
        metadata = info.metadata
        if name == "order_reply_by_type":  # the bounds of each type's limit
            metadata = get_args(get_args(info.annotation)[1])[1].metadata
        bounds = {type(m): m for m in metadata if isinstance(m, Ge | Le)}
        low, high = bounds.get(Ge), bounds.get(Le)
        fields.append(
            LimitField(
                name=name,
                input=_INPUTS.get(name, "int"),
                unit=unit_of(name),
                optional=NoneType in get_args(info.annotation),
                low=int(low.ge) if isinstance(low, Ge) else None,  # type: ignore[call-overload]
                high=int(high.le) if isinstance(high, Le) else None,  # type: ignore[call-overload]
                hint=HINTS.get(name),
            )
        )
    return fields
