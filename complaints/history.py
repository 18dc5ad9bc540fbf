"""The item's history rows and its audit entries; personal data in audit summaries is
masked (phones and IDs always, a report's reporter entirely)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from complaints import agents, notes, privacy
from complaints.models import Complaint, ComplaintEvent
from complaints.vocab import ItemType, Status
from core import audit as audit_log


def add(
    session: Session,
    item: Complaint,
    *,
    at: datetime,
    actor: str,
    action: str,
    from_status: Status | None = None,
    to_status: Status | None = None,
    note: str | Sequence[notes.Part] = "",
    unit_id: int | None = None,
) -> None:
    """One history row. A system-written note comes as parts (`complaints.notes`): the row
    keeps them and their Chinese text; a plain string (staff's own words) is kept as text.
    The row's unit is the item's after the step, or `unit_id` when given (a return names
    the unit that sent the item back, since the item then has none)."""
    assert item.id is not None
    if isinstance(note, str):
        text, parts = privacy.mask_text_phones(note), None
    else:
        shown = masked(note)
        text, parts = notes.text(shown), notes.dump(shown)
    session.add(
        ComplaintEvent(
            complaint_id=item.id,
            at=at,
            actor=actor[:100],
            action=action[:40],
            from_status=from_status,
            to_status=to_status,
            unit_id=unit_id if unit_id is not None else item.unit_id,
            note=text,
            note_parts=parts,
        )
    )


def masked(parts: Sequence[notes.Part]) -> list[notes.Part]:
    """The parts with phone numbers masked in every text argument (typed reasons, notes)."""
    return [
        notes.Part(
            p.key,
            {
                k: privacy.mask_text_phones(v) if isinstance(v, str) else v
                for k, v in p.args.items()
            },
        )
        for p in parts
    ]


def summary(item: Complaint) -> dict[str, object]:
    """What the audit log keeps of an item: no full phone, ID or reporter identity; the
    agent (masked like the complainant) and the group's size when there are any."""
    hidden = item.item_type is ItemType.report
    return {
        "ref": item.ref,
        "type": item.item_type.value,
        "channel": item.channel.value,
        "status": item.status.value,
        "domain": item.domain.value,
        "urgency": item.urgency.value,
        "utility": item.utility,
        "unit_id": item.unit_id,
        "district": item.district,
        "submitter": privacy.HIDDEN if hidden else privacy.mask_name(item.submitter_name),
        "phone": None if hidden else privacy.mask_phone(item.submitter_phone),
        "incident_id": item.incident_id,
    } | (_agent(item) if item.agent_name or item.group_size else {})


def _agent(item: Complaint) -> dict[str, object]:
    shown = agents.for_log(agents.values_of(item))
    return {
        "agent": shown["agent_name"] or None,
        "agent_phone": shown["agent_phone"],
        "agent_poa_received": shown["agent_poa_received"],
        "group_size": shown["group_size"],
    }


def audit_change(
    session: Session,
    item: Complaint,
    *,
    at: datetime,
    actor: str,
    action: str,
    before: dict[str, object] | None,
    extra: dict[str, object] | None = None,
) -> None:
    after = summary(item) | (extra or {})
    audit_log.record(
        session,
        at=at,
        actor=actor,
        action=action,
        entity_type="complaint",
        entity_id=item.id,
        before=before,
        after=after,
    )


def audit(session: Session, item: Complaint, *, at: datetime, actor: str, action: str) -> None:
    audit_change(session, item, at=at, actor=actor, action=action, before=None)


# built once: every detail reads an item's history, and building and keying the statement
# cost about as much as running it
_EVENTS_OF = (
    select(ComplaintEvent)
    .where(ComplaintEvent.complaint_id == bindparam("complaint_id"))
    .order_by(col(ComplaintEvent.at), col(ComplaintEvent.id))
)


def events_of(session: Session, complaint_id: int) -> list[ComplaintEvent]:
    return list(session.exec(_EVENTS_OF, params={"complaint_id": complaint_id}).all())


def last_returns(session: Session, complaint_ids: Collection[int]) -> dict[int, ComplaintEvent]:
    """Each item's latest return to intake (退单 / 退回): its row names the unit that sent the
    item back (`unit_id`), who did and when; items never returned are left out."""
    if not complaint_ids:
        return {}
    rows = session.exec(
        select(ComplaintEvent)
        .where(
            col(ComplaintEvent.complaint_id).in_(sorted(complaint_ids)),
            ComplaintEvent.action == "return_to_intake",
        )
        .order_by(col(ComplaintEvent.at), col(ComplaintEvent.id))
    ).all()
    return {row.complaint_id: row for row in rows}
