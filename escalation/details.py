"""Storing a special-equipment accident's details on its incident (escalation.equipment), and
raising the incident to the level its figures suggest.

Rules:
- Only a special-equipment incident has an equipment type or an explosion/overturning
  (422 naming `equipment_type`); an explosion or overturning needs a boiler, pressure
  vessel or crane (422 naming `explosion_or_overturn`). Counts and the loss are checked by
  the schemas (non-negative, bounded).
- Setting them later (`update_details`) is a state change: the fields sent change, a null
  clears one, one timeline event and one audit entry with the changed fields before and
  after. A request that changes nothing writes nothing.
- A repeat report of the event (escalation.opening) raises figures and fills gaps, never
  lowers or overwrites (`apply_repeat`, escalation.repeat_figures); audited and on the
  timeline, with what it did not apply.
- The suggestion never raises the level by itself; `opening.raise_to_suggested` does, when
  a person asks, through the same path as a more severe second report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from core import audit
from core.errors import ValidationFailed
from escalation import repeat_figures, service
from escalation.equipment import EXPLOSION_OR_OVERTURN_TYPES, EquipmentType, suggested_severity
from escalation.models import AccidentDetails, AccidentDetailsUpdate, Category, Incident
from escalation.policy import Severity

FIELDS = tuple(AccidentDetails.model_fields)
CLEARED: dict[str, Any] = {
    "equipment_user": "",
    "measures_taken": "",
    "explosion_or_overturn": False,
}


def check(category: Category, values: dict[str, Any]) -> None:
    """422 when the details do not fit the incident (see the module's rules)."""
    kind = values.get("equipment_type")
    if kind is not None and category is not Category.special_equipment:
        raise ValidationFailed("equipment_type", "only a special-equipment incident has one")
    if values.get("explosion_or_overturn") and kind not in EXPLOSION_OR_OVERTURN_TYPES:
        raise ValidationFailed(
            "explosion_or_overturn", "only a boiler, pressure vessel or crane (equipment_type)"
        )


def details_of(incident: Incident) -> dict[str, Any]:
    """The incident's details as JSON values (for the audit)."""
    values = {name: getattr(incident, name) for name in FIELDS}
    kind = values["equipment_type"]
    values["equipment_type"] = kind.value if kind is not None else None
    return values


def suggestion(incident: Incident) -> Severity | None:
    """The level the incident's figures suggest (special equipment only), or None."""
    if incident.category is not Category.special_equipment:
        return None
    return suggested_severity(
        deaths=incident.deaths,
        serious_injuries=incident.serious_injuries,
        direct_loss_yuan=incident.direct_loss_yuan,
        equipment_type=incident.equipment_type,
        explosion_or_overturn=incident.explosion_or_overturn,
    )


def suggests_raise(incident: Incident) -> bool:
    suggested = suggestion(incident)
    return suggested is not None and suggested.rank < incident.severity.rank


def apply(incident: Incident, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(incident, name, CLEARED.get(name) if value is None and name in CLEARED else value)
    if incident.equipment_type is not None:
        incident.equipment_type = EquipmentType(incident.equipment_type)


def _text(before: dict[str, Any], after: dict[str, Any], incident: Incident) -> str:
    return f"accident details: {_changes(before, after)}{_suggestion_text(incident)}"


def _changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    return "; ".join(
        f"{name} {_shown(before[name])} → {_shown(after[name])}"
        for name in FIELDS
        if before[name] != after[name]
    )


def _change_values(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": name, "before": before[name], "after": after[name]}
        for name in FIELDS
        if before[name] != after[name]
    ]


def _suggestion_values(incident: Incident) -> dict[str, str | None]:
    suggested = suggestion(incident)
    if suggested is None or not suggests_raise(incident):
        return {"suggested": None, "now": None}
    return {"suggested": suggested.value, "now": incident.severity.value}


def _suggestion_text(incident: Incident) -> str:
    suggested = suggestion(incident)
    if suggested is None or not suggests_raise(incident):
        return ""
    return f"; the figures suggest level {suggested.value} (now {incident.severity.value})"


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def update_details(
    session: Session,
    *,
    incident_id: int,
    data: AccidentDetailsUpdate,
    actor: str,
    now: datetime,
) -> Incident:
    """Change the details sent in `data` (see the module's rules); commits."""
    incident = service.get_incident(session, incident_id=incident_id, for_update=True)
    before = details_of(incident)
    sent = data.model_dump(exclude_unset=True)
    merged = before | {k: (CLEARED.get(k) if v is None else v) for k, v in sent.items()}
    check(incident.category, merged)
    apply(incident, sent)
    after = details_of(incident)
    changed = [name for name in FIELDS if before[name] != after[name]]
    if not changed:
        session.rollback()  # release the row lock; nothing to record
        return service.get_incident(session, incident_id=incident_id)
    summary = service.summary(incident)
    return service.commit_change(
        session,
        incident,
        before=summary | {name: before[name] for name in changed},
        kind="details_updated",
        text=_text(before, after, incident),
        key="details_updated",
        values={"changes": _change_values(before, after)} | _suggestion_values(incident),
        actor=actor,
        now=now,
        after=summary | {name: after[name] for name in changed},
    )


def apply_repeat(
    session: Session, incident: Incident, *, reported: dict[str, Any], actor: str, now: datetime
) -> None:
    """A repeat report's details (the fields it gave, JSON values) on the incident it is
    attached to, by `repeat_figures.merge`: what it raises or fills is changed, with one
    timeline event and one audit entry (before and after of the changed fields); what it
    would lower or overwrite is named on the timeline and left as it is. The caller commits."""
    assert incident.id is not None
    before = details_of(incident)
    merged = repeat_figures.merge(before, reported)
    if not merged.changes and not merged.not_applied:
        return
    summary = service.summary(incident)
    apply(incident, merged.changes)
    after = details_of(incident)
    kept = "; ".join(
        f"{name} {_shown(before[name])} kept (report: {_shown(value)})"
        for name, value in merged.not_applied.items()
    )
    kept_values = [
        {"field": name, "kept": before[name], "report": value}
        for name, value in merged.not_applied.items()
    ]
    values: dict[str, Any] = {"kept": kept_values} | _suggestion_values(incident)
    if merged.changes:
        text = f"accident details from a repeat report: {_changes(before, after)}"
        text += f"; not lowered or overwritten: {kept}" if kept else ""
        key, values["changes"] = "details_repeat", _change_values(before, after)
    else:
        text = f"accident details from a repeat report not applied: {kept}"
        key = "details_kept"
    text += _suggestion_text(incident)
    kind = "details_updated" if merged.changes else "details_kept"
    service.add_event(
        session, incident.id, at=now, kind=kind, actor=actor, text=text, key=key, values=values
    )
    if merged.changes:
        session.add(incident)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="incident.details_updated",
            entity_type="incident",
            entity_id=incident.id,
            before=summary | {name: before[name] for name in merged.changes},
            after=summary
            | {name: after[name] for name in merged.changes}
            | {"source": "repeat report", "not_applied": merged.not_applied},
        )
