"""Registration of submissions, the one entry point every intake path calls (API, bulk
import, Open311): validation by type, the Art. 9 split, classification, routing, clocks,
clustering, the emergency incident, history and audit, committed once.

`register` commits; `register_uncommitted` does the same inside the caller's transaction
(e.g. a bulk import that wraps each row in a savepoint). Both return the created items, two
when a complaint carrying a violation clue was split into a complaint and a report.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from complaints import (
    agents,
    classify,
    clocks,
    clusters,
    config,
    config_checks,
    emergency,
    history,
    keys,
    notes,
    privacy,
    repeats,
    routing,
    timers,
)
from complaints.lookups import Lookups
from complaints.models import Complaint
from complaints.schemas import ComplaintCreate
from complaints.validation import MissingFields as MissingFields  # re-exported
from complaints.validation import validate
from complaints.vocab import (
    ClockKind,
    ItemType,
    Status,
    Urgency,
    Workflow,
    workflow_for,
)
from core import audit
from core.db import writing_from_here
from core.errors import NotFound
from core.workcal import WorkingCalendar
from oncall.models import Person, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
REF_PREFIX = {
    ItemType.complaint: "TS",
    ItemType.report: "JB",
    ItemType.consultation: "ZX",
    ItemType.suggestion: "JY",
    ItemType.help: "QZ",
}


# ---- registration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    item_type: ItemType
    claim: str
    clue: str


def _parts(data: ComplaintCreate) -> list[_Part]:
    """Art. 9: a complaint that also reports a violation is handled on two tracks."""
    if data.item_type is ItemType.complaint and data.clue.strip():
        return [
            _Part(ItemType.complaint, data.claim, ""),
            _Part(ItemType.report, "", data.clue),
        ]
    return [_Part(data.item_type, data.claim, data.clue)]


def _title(data: ComplaintCreate) -> str:
    """The given title, else the start of the text; phone and ID numbers in it are masked
    either way: the title goes to every list, export, reminder SMS and Open311 reader."""
    if data.title.strip():
        return privacy.mask_text_phones(data.title.strip())
    text = privacy.mask_text_phones(" ".join((data.description or data.clue or data.claim).split()))
    return (text[:40] + ("…" if len(text) > 40 else "")) or "（无标题）"


def _route(session: Session, item: Complaint, data: ComplaintCreate, lookups: Lookups) -> None:
    place = routing.territory(
        item_type=item.item_type,
        sale_mode=item.sale_mode,
        addresses=routing.Addresses(
            respondent=item.respondent_address,
            registered=item.respondent_registered_address,
            platform_shown=item.platform_shown_address,
            platform_domicile=item.platform_domicile_address,
            occurred=item.occurred_address,
            submitter=item.submitter_address,
        ),
        districts=lookups.districts,
        received_by=data.received_by_district,
    )
    item.district, item.district_source = place.district, place.source
    if data.unit_id is not None:
        config.check_unit(session, data.unit_id)
        config_checks.check_takes_items(session, data.unit_id)
        item.unit_id, item.routing_rule_id = data.unit_id, None
        set_routing_note(item, notes.part("route.manual"))
        return
    decision = routing.route(lookups.rules, district=place.district, domain=item.domain)
    apply_route(item, decision)


def set_routing_note(item: Complaint, note: notes.Part) -> None:
    """The routing note's Chinese text and its parts, always together."""
    item.routing_note = notes.text([note])[:300]
    item.routing_note_parts = notes.dump([note])


def routing_parts(item: Complaint) -> list[notes.Part]:
    """The routing note as parts; an older row's text as it was written."""
    return notes.load(item.routing_note_parts) or [notes.free(item.routing_note)]


def manually_routed(item: Complaint) -> bool:
    """Staff named the handling unit (no routing rule chose it), or a superior took it over."""
    return item.taken_over_by_superior or (
        item.unit_id is not None and item.routing_rule_id is None
    )


def apply_route(item: Complaint, decision: routing.Decision) -> None:
    """The unit, rule id and note of a routing decision, always together."""
    item.unit_id, item.routing_rule_id = decision.unit_id, decision.rule_id
    set_routing_note(
        item,
        notes.route(
            district=item.district,
            domain=item.domain,
            rule_id=decision.rule_id,
            tier=decision.tier,
        ),
    )


def _start_clocks(
    session: Session,
    item: Complaint,
    *,
    limits: clocks.RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
    now: datetime,
) -> None:
    """The clocks that run from receipt: distribution, and the first step of the workflow."""
    day = clocks.local_day(item.received_at, tz)
    first = {
        Workflow.complaint: ClockKind.acceptance,
        Workflow.report: ClockKind.verification,
        Workflow.general: ClockKind.reply,
        Workflow.order_12345: None,
    }[item.workflow]
    kinds = [ClockKind.distribution] + ([first] if first is not None else [])
    rows = [
        timers.new_clock(
            item, kind, start_day=day, limits=limits, cal=cal, tz=tz, start_at=item.received_at
        )
        for kind in kinds
    ]
    session.add_all(rows)
    timers.refresh(session, item, now=now, rows=rows)


def register_uncommitted(
    session: Session,
    *,
    data: ComplaintCreate,
    actor: str,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
    lookups: Lookups | None = None,
) -> list[Complaint]:
    """`lookups`: configuration already loaded in this request (a bulk import shares one)."""
    validate(data, now=now, tz=tz)
    # stored and answered in UTC, whatever offset the client wrote it with (as read back)
    received_at = (data.received_at or now).astimezone(UTC)
    lookups = lookups or Lookups(session, now=now)
    rule_set = lookups.rule_set_for(clocks.local_day(received_at, tz))
    limits = lookups.limits(rule_set)
    cal = lookups.calendar(roll_weekends=limits.roll_weekends)
    terms = lookups.terms
    assert rule_set.id is not None

    created: list[Complaint] = []
    for part in _parts(data):
        text = "\n".join(
            t
            for t in (data.title, data.description, part.claim, part.clue, data.respondent_name)
            if t
        )
        suggestion = classify.classify(text, terms)
        urgency = data.urgency or suggestion.urgency
        workflow = workflow_for(part.item_type, data.channel)
        anonymous = data.anonymous and part.item_type is not ItemType.complaint
        item = Complaint(
            ref="tmp-" + secrets.token_hex(8),
            item_type=part.item_type,
            workflow=workflow,
            channel=data.channel,
            status=Status.registered,
            external_ref=data.external_ref,
            title=_title(data),
            description=data.description,
            claim=part.claim,
            clue=part.clue,
            domain=data.domain or suggestion.domain,
            domain_confirmed=data.domain is not None,
            urgency=urgency,
            priority=urgency.priority,
            is_emergency=urgency is Urgency.emergency,
            urgency_confirmed=data.urgency is not None,
            utility=suggestion.utility if data.utility is None else data.utility,
            classification_json=json.dumps(suggestion.as_dict(), ensure_ascii=False),
            submitter_name="" if anonymous else data.submitter_name,
            submitter_phone=None if anonymous else data.submitter_phone,
            submitter_id_type=None if anonymous else data.submitter_id_type,
            submitter_id_number=None if anonymous else data.submitter_id_number,
            submitter_address="" if anonymous else data.submitter_address,
            anonymous=anonymous,
            consent_publish=data.consent_publish,
            consent_entrusted_mediation=data.consent_entrusted_mediation,
            respondent_name=data.respondent_name,
            respondent_credit_code=data.respondent_credit_code,
            respondent_address=data.respondent_address,
            respondent_registered_address=data.respondent_registered_address,
            sale_mode=data.sale_mode,
            platform_name=data.platform_name,
            platform_shown_address=data.platform_shown_address,
            platform_domicile_address=data.platform_domicile_address,
            occurred_address=data.occurred_address,
            dispute_date=data.dispute_date,
            amount_cents=data.amount_cents,
            respondent_key=keys.respondent_key(data.respondent_name, data.respondent_credit_code),
            respondent_name_key=keys.respondent_key(data.respondent_name),
            phone_key=None if anonymous else keys.phone_key(data.submitter_phone),
            address_key=keys.address_key(data.occurred_address or data.respondent_address),
            received_by_district=data.received_by_district,
            rule_set_id=rule_set.id,
            received_at=received_at,
            registered_at=now,
            registered_by=actor,
            updated_at=now,
        )
        if part.item_type is ItemType.complaint:  # the split report has no agent (Art. 9)
            agents.apply(item, data.model_dump(include=set(agents.FIELDS)))
        _route(session, item, data, lookups)
        session.add(item)
        session.flush()
        assert item.id is not None
        local = clocks.local_day(received_at, tz)
        item.ref = f"{REF_PREFIX[part.item_type]}{local:%Y%m%d}{item.id:07d}"
        if created:
            item.linked_item_id = created[0].id
            created[0].linked_item_id = item.id
            session.add(created[0])
        original = (
            repeats.find_original(session, item, repeat_of=data.repeat_of, new_facts=data.new_facts)
            if workflow is Workflow.report
            else None
        )
        if original is None:
            _start_clocks(session, item, limits=limits, cal=cal, tz=tz, now=now)
        history.add(
            session,
            item,
            at=now,
            actor=actor,
            action="register",
            to_status=Status.registered,
            note=[
                notes.part("register.channel", channel=data.channel),
                *routing_parts(item),
                *([notes.part("register.split", ref=created[0].ref)] if created else []),
            ],
        )
        if original is not None:
            repeats.apply(
                session,
                item,
                original,
                new_facts=data.new_facts,
                actor=actor,
                now=now,
                limits=limits,
                cal=cal,
                tz=tz,
            )
        clusters.assign(
            session,
            item,
            window=timedelta(days=limits.cluster_window_days),
            exclude={c.id for c in created if c.id is not None},
            now=now,
        )
        if item.is_emergency:
            emergency.open_emergency_incident(session, item, actor=actor, now=now)
        history.audit(session, item, at=now, actor=actor, action="complaint.register")
        created.append(item)
    return created


def register(
    session: Session,
    *,
    data: ComplaintCreate,
    actor: str,
    now: datetime,
    tz: ZoneInfo = SHANGHAI,
    lookups: Lookups | None = None,
) -> list[Complaint]:
    """Register one submission (one or two items) and commit. `lookups`: the caller's, when
    it goes on to show the result with the same configuration (the calendar, the rule set)."""
    items = register_uncommitted(session, data=data, actor=actor, now=now, tz=tz, lookups=lookups)
    session.commit()
    return items


# ---- reading ---------------------------------------------------------------------------------


def get(session: Session, *, complaint_id: int, for_update: bool = False) -> Complaint:
    """`for_update`: lock the row to the commit (PostgreSQL), for a change that depends on
    the item's state: two handlers acting at once then take turns, and the second sees the
    first one's result."""
    item = (
        session.get(Complaint, complaint_id, with_for_update=True, populate_existing=True)
        if for_update
        else session.get(Complaint, complaint_id)
    )
    if item is None:
        raise NotFound(f"complaint {complaint_id} not found")
    return item


def view_identity(session: Session, *, complaint_id: int, actor: str, now: datetime) -> Complaint:
    """The item whose submitter's full identity `actor` is about to be shown, the look
    audited. The entry is written in a write transaction of its own (`writing_from_here`): the
    request began reading (its sign-in) in a read transaction, which SQLite refuses to upgrade
    once another writer (a tick) has committed since."""
    writing_from_here(session)
    item = get(session, complaint_id=complaint_id)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.identity.view",
        entity_type="complaint",
        entity_id=item.id,
    )
    return item


def by_ref(session: Session, *, ref: str) -> Complaint:
    item = session.exec(select(Complaint).where(Complaint.ref == ref)).first()
    if item is None:
        raise NotFound(f"complaint {ref!r} not found")
    return item


def find_by_external_ref(session: Session, *, external_ref: str) -> list[Complaint]:
    return list(
        session.exec(
            select(Complaint)
            .where(or_(Complaint.external_ref == external_ref, Complaint.ref == external_ref))
            .order_by(col(Complaint.id))
        ).all()
    )


def handler_units(session: Session, *, user_id: int) -> frozenset[int]:
    """The units a handling-unit user acts for: their person's unit and its sub-units
    (a district bureau's field offices); empty when the user is linked to no person."""
    person = session.exec(
        select(Person).where(Person.user_id == user_id, col(Person.is_active).is_(True))
    ).first()
    if person is None:
        return frozenset()
    found = {person.unit_id}
    frontier = [person.unit_id]
    while frontier:
        children = session.exec(select(Unit.id).where(col(Unit.parent_id).in_(frontier))).all()
        frontier = [c for c in children if c is not None and c not in found]
        found.update(frontier)
    return frozenset(found)
