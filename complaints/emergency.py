"""The incident an emergency complaint opens (or joins) in the registering transaction, linked
both ways: its category from the classifier's suggestion or the item's domain, its level
from the suggestion (IV when none)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from complaints import history, notes, privacy
from complaints.models import Complaint
from complaints.vocab import Domain, ItemType
from core import phones
from escalation import opening as incident_opening
from escalation.models import Category, IncidentCreate
from escalation.policy import Severity

DOMAIN_CATEGORY = {
    Domain.special_equipment: Category.special_equipment,
    Domain.food: Category.food_safety,
    Domain.drugs: Category.drug_safety,
    Domain.medical_devices: Category.drug_safety,
    Domain.cosmetics: Category.drug_safety,
}


def _severity(value: str | None) -> Severity:
    try:
        return Severity(value or "IV")
    except ValueError:
        return Severity.IV


def incident_category(domain: Domain, suggested: str | None) -> Category:
    if suggested and suggested != Category.other.value:
        try:
            return Category(suggested)
        except ValueError:
            pass
    return DOMAIN_CATEGORY.get(domain, Category.other)


def open_emergency_incident(
    session: Session, item: Complaint, *, actor: str, now: datetime
) -> None:
    """Open (or join) the item's incident in the caller's transaction; link both ways."""
    assert item.id is not None
    if item.incident_id is not None:
        return
    suggestion = json.loads(item.classification_json or "{}")
    place = item.occurred_address or item.respondent_address or item.district or ""
    data = IncidentCreate.model_validate(
        {
            "title": f"[{item.ref}] {item.title}"[:200],
            "category": incident_category(item.domain, suggestion.get("incident_category")),
            "severity": _severity(suggestion.get("severity")),
            "description": privacy.mask_text_phones(item.description)[:4000],
            "place": place[:200],
            "caller_name": "" if item.item_type is ItemType.report else item.submitter_name[:200],
            "caller_phone": None
            if item.item_type is ItemType.report
            else phones.normalised_or_none(item.submitter_phone),
        }
    )
    incident, deduplicated = incident_opening.open_incident_uncommitted(
        session, data=data, actor=actor, now=now, complaint_ref=item.ref
    )
    assert incident.id is not None
    item.incident_id = incident.id
    session.add(item)
    history.add(
        session,
        item,
        at=now,
        actor=actor,
        action="emergency",
        note=[
            notes.part("emergency.merged", incident=incident.id)
            if deduplicated
            else notes.part(
                "emergency.opened",
                incident=incident.id,
                category=data.category,
                severity=data.severity,
            )
        ],
    )
