"""Publishing a roster draft: it supersedes the published versions of its unit whose period it
overlaps, and the approved swaps of those versions carry over to it where they still fit.

Invariants:
- Only a draft is published, and only over published versions it covers whole (a partial
  overlap would leave days without a roster: 409, `rosters.refuse_partial_overlap`).
- A stale draft is refused (409): generated before an overlapping version was published,
  putting someone on duty during leave recorded since, or generated under shift types or
  hard rules its unit changed since (`roster_inputs`).
- An approved swap of a superseded version is re-pointed to the new version when both swapped
  slots are in it unchanged; one the new version already contains needs nothing; the others
  are dropped and listed on the new version (`dropped_swaps` in its result document).
- A pending swap request moves with its slots the same way, so the planner can still decide
  it; one whose slots changed is closed as rejected by the publisher (a superseded version's
  request could never be approved) and listed as dropped with its status.
- Every supersede, carry-over, drop and the publication itself are audited; one commit.
- Publications, overrides and swap decisions take turns (`changes.lock_plan`): two drafts of
  one period published at once, or a swap approved while a repair is published, are
  decided one after the other, each on what the other committed.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import Session, col, select

from core import audit
from core.errors import Conflict
from oncall import changes, roster_inputs
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.models import Person
from oncall.roster_inputs import StaleDraft
from oncall.roster_models import Leave, Roster, RosterAssignment, RosterStatus
from oncall.rosters import (
    get_roster,
    published_overlapping,
    refuse_partial_overlap,
    summary,
)


def _slots(session: Session, roster_id: int) -> dict[tuple[int, date], int]:
    """(person, day) -> shift type id of a roster's assignments."""
    rows = session.exec(
        select(RosterAssignment).where(RosterAssignment.roster_id == roster_id)
    ).all()
    return {(r.person_id, r.day): r.shift_type_id for r in rows}


def _newer(roster: Roster, published: list[Roster]) -> Roster | None:
    """The first of `published` (versions overlapping the draft) made or published after the
    draft was generated: publishing the draft would undo it."""
    for previous in published:
        assert previous.id is not None and roster.id is not None
        if previous.id > roster.id or (
            previous.published_at is not None and previous.published_at > roster.created_at
        ):
            return previous
    return None


def published_since(session: Session, roster: Roster) -> Roster | None:
    """The published version that makes a draft stale (its publication is refused), if any."""
    if roster.status is not RosterStatus.draft:
        return None
    published = published_overlapping(
        session, unit_id=roster.unit_id, start=roster.period_start, end=roster.period_end
    )
    return _newer(roster, published)


def _refuse_stale(session: Session, roster: Roster, published: list[Roster]) -> None:
    """`StaleDraft` when a version was published since the draft was generated, or the draft
    puts someone on duty during leave (recorded or corrected since: the solver honours the
    leave it is given)."""
    previous = _newer(roster, published)
    if previous is not None:
        raise StaleDraft(
            f"roster {roster.id} was generated before roster {previous.id}"
            f" ({previous.period_start}..{previous.period_end}, version {previous.version})"
            " was published; generate again, or repair the published roster",
            kind="stale_published",
            values={
                "roster": previous.id or 0,
                "version": previous.version,
                "start": str(previous.period_start),
                "end": str(previous.period_end),
            },
        )
    on_leave = session.exec(
        select(RosterAssignment, Leave, Person)
        .join(Leave, col(Leave.person_id) == RosterAssignment.person_id)
        .join(Person, col(Person.id) == RosterAssignment.person_id)
        .where(
            RosterAssignment.roster_id == roster.id,
            col(Leave.start_date) <= RosterAssignment.day,
            col(Leave.end_date) >= RosterAssignment.day,
        )
        .order_by(col(RosterAssignment.day), col(RosterAssignment.person_id))
    ).first()
    if on_leave is not None:
        assignment, leave, person = on_leave
        raise StaleDraft(
            f"roster {roster.id} puts person {assignment.person_id} on duty on {assignment.day},"
            f" during their leave ({leave.reason}) recorded or changed since it was generated;"
            " generate again, or repair the published roster",
            kind="stale_leave",
            values={
                "person": person.name,
                "person_id": assignment.person_id,
                "day": str(assignment.day),
                "reason": leave.reason,
                "start": str(leave.start_date),
                "end": str(leave.end_date),
            },
        )


def _carry_over_swaps(
    session: Session, *, previous: Roster, roster: Roster, actor: str, now: datetime
) -> list[dict[str, object]]:
    """Re-point the approved and pending swaps of `previous` to `roster` where both swapped
    slots are in it unchanged; an approved swap the new version already contains (a repair
    keeps them) needs nothing. The others no longer apply: each is returned and audited, and a
    pending one is closed as rejected."""
    assert previous.id is not None and roster.id is not None
    old, new = _slots(session, previous.id), _slots(session, roster.id)
    dropped: list[dict[str, object]] = []
    swaps = session.exec(
        select(SwapRequestRow)
        .where(
            SwapRequestRow.roster_id == previous.id,
            col(SwapRequestRow.status).in_([SwapStatus.approved, SwapStatus.pending]),
        )
        .order_by(col(SwapRequestRow.id))
    ).all()
    for swap in swaps:
        a_slot, b_slot = (swap.a_person_id, swap.a_day), (swap.b_person_id, swap.b_day)
        a_shift, b_shift = old.get(a_slot), old.get(b_slot)
        detail: dict[str, object] = {
            "swap_id": swap.id,
            "status": swap.status.value,
            "from_roster_id": previous.id,
            "to_roster_id": roster.id,
        }
        if a_shift is not None and new.get(a_slot) == a_shift and new.get(b_slot) == b_shift:
            swap.roster_id = roster.id
            session.add(swap)
            action = "swap.carry_over"
        elif (
            swap.status is SwapStatus.approved
            and a_shift is not None
            and new.get((swap.b_person_id, swap.a_day)) == a_shift
            and new.get((swap.a_person_id, swap.b_day)) == b_shift
        ):
            action = "swap.contained"
        else:
            detail["reason"] = (
                f"the slots of person {swap.a_person_id} on {swap.a_day} and person"
                f" {swap.b_person_id} on {swap.b_day} are not both in the new version"
            )
            dropped.append(detail)
            action = "swap.dropped"
            if swap.status is SwapStatus.pending:
                swap.status = SwapStatus.rejected
                swap.decided_by, swap.decided_at = actor, now
                session.add(swap)
        audit.record(
            session,
            at=now,
            actor=actor,
            action=action,
            entity_type="roster",
            entity_id=roster.id,
            after=detail,
        )
    return dropped


def publish(session: Session, *, roster_id: int, actor: str, now: datetime) -> Roster:
    """Publish a draft over the published versions it covers whole; refused (409) when it
    would cover one only in part, or when the draft is stale (see the module docstring)."""
    changes.lock_plan(session)
    roster = get_roster(session, roster_id=roster_id)
    if roster.status is not RosterStatus.draft:
        raise Conflict(f"only a draft can be published; this roster is {roster.status.value}")
    older = published_overlapping(
        session, unit_id=roster.unit_id, start=roster.period_start, end=roster.period_end
    )
    refuse_partial_overlap(older, start=roster.period_start, end=roster.period_end)
    _refuse_stale(session, roster, older)
    roster_inputs.refuse_changed(session, roster)
    dropped: list[dict[str, object]] = []
    for previous in older:
        before = summary(previous)
        previous.status = RosterStatus.superseded
        session.add(previous)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="roster.supersede",
            entity_type="roster",
            entity_id=previous.id,
            before=before,
            after=summary(previous),
        )
        dropped += _carry_over_swaps(
            session, previous=previous, roster=roster, actor=actor, now=now
        )
    before = summary(roster)
    roster.status = RosterStatus.published
    roster.published_at, roster.published_by = now, actor
    if dropped:
        document = json.loads(roster.result_json) if roster.result_json else {}
        document["dropped_swaps"] = dropped
        roster.result_json = json.dumps(document, ensure_ascii=False)
    session.add(roster)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="roster.publish",
        entity_type="roster",
        entity_id=roster_id,
        before=before,
        after=summary(roster)
        | ({"dropped_swaps": [d["swap_id"] for d in dropped]} if dropped else {}),
    )
    session.commit()
    return roster
