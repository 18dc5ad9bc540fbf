"""Repeated reports (O121 Art. 35).

"同一举报人就同一涉嫌违法事实重复举报同一被举报人的，不再另行处理；对于同一举报人以补充新的事实为
由再次举报同一被举报人的，可以合并处理，并自收到最后一次举报之日起重新计算处理期限。"

- **Recognised** at registration: a report whose reporter (phone or ID number) and respondent
  (credit-code or name key) match a report not yet closed, and whose clue states the same
  facts (`same_facts`), is a repeat. Staff may also name the report it repeats (`repeat_of`,
  its ref), for instance when the reporter called from another number.
- **Same facts**: the repeat is registered, linked (`repeat_of_id`) and closed at once with
  the reason; no verification starts and the original's clock is untouched.
- **New facts** (`new_facts`, the intake records that the reporter brings new facts): the
  new facts are merged into the original's clue and the original's verification clock
  restarts from the day the last report was received (its extension too: a new period).
  An original already decided (立案 / 不予立案) keeps its decision; the facts are merged only.
- A repeat of a repeat counts against the first report.

The caller commits. Pure helpers first, then the database side.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from complaints import clocks, history, notes, timers
from complaints.clocks import RuleLimits
from complaints.models import Complaint
from complaints.vocab import ClockKind, ClockStatus, Status, Workflow
from core.errors import ValidationFailed
from core.workcal import WorkingCalendar

SAME_FACTS_SIMILARITY = 0.8
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _normal(text: str) -> str:
    return _NOISE.sub("", text).lower()


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def same_facts(a: str, b: str) -> bool:
    """Whether two clues state the same facts: equal or contained once spaces and punctuation
    are dropped, or nearly the same wording (character-bigram Dice ≥ 0.8)."""
    x, y = _normal(a), _normal(b)
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    bx, by = _bigrams(x), _bigrams(y)
    return 2 * len(bx & by) / (len(bx) + len(by)) >= SAME_FACTS_SIMILARITY


# ---- database --------------------------------------------------------------------------------


def _root(session: Session, item: Complaint) -> Complaint:
    seen = set()
    while item.repeat_of_id is not None and item.id not in seen:
        seen.add(item.id)
        parent = session.get(Complaint, item.repeat_of_id)
        if parent is None:
            break
        item = parent
    return item


def _same_respondent(a: Complaint, b: Complaint) -> bool:
    return bool(
        (a.respondent_key and a.respondent_key == b.respondent_key)
        or (a.respondent_name_key and a.respondent_name_key == b.respondent_name_key)
    )


def _candidates(session: Session, item: Complaint) -> list[Complaint]:
    """Open reports by the same reporter about the same respondent, newest first."""
    reporter = [
        cond
        for cond in (
            Complaint.phone_key == item.phone_key if item.phone_key else None,
            Complaint.submitter_id_number == item.submitter_id_number
            if item.submitter_id_number
            else None,
        )
        if cond is not None
    ]
    respondent = [
        cond
        for cond in (
            Complaint.respondent_key == item.respondent_key if item.respondent_key else None,
            Complaint.respondent_name_key == item.respondent_name_key
            if item.respondent_name_key
            else None,
        )
        if cond is not None
    ]
    if item.anonymous or not reporter or not respondent:
        return []
    return list(
        session.exec(
            select(Complaint)
            .where(
                Complaint.workflow == Workflow.report,
                Complaint.status != Status.closed,
                col(Complaint.repeat_of_id).is_(None),
                Complaint.id != item.id,
                or_(*reporter),
                or_(*respondent),
            )
            .order_by(col(Complaint.id).desc())
            .limit(20)
        ).all()
    )


def find_original(
    session: Session, item: Complaint, *, repeat_of: str | None, new_facts: bool
) -> Complaint | None:
    """The report `item` repeats, or None: the one staff named, else one recognised."""
    if repeat_of:
        named = session.exec(select(Complaint).where(Complaint.ref == repeat_of)).first()
        if named is None or named.workflow is not Workflow.report:
            raise ValidationFailed(
                "repeat_of",
                f"no report {repeat_of!r} to repeat",
                type="repeat_of_unknown",
                ctx={"ref": repeat_of},
            )
        original = _root(session, named)
        if item.respondent_name_key and not _same_respondent(item, original):
            raise ValidationFailed(
                "repeat_of",
                f"{original.ref} reports another respondent: not a repeat",
                type="repeat_of_other_respondent",
                ctx={"ref": original.ref},
            )
        if new_facts and original.status is Status.closed:
            raise ValidationFailed(
                "new_facts",
                f"{original.ref} is closed: register the new facts as a new report",
                type="repeat_of_closed",
                ctx={"ref": original.ref},
            )
        return original
    found = _candidates(session, item)
    if new_facts:
        if not found:
            raise ValidationFailed(
                "repeat_of",
                "no open report by this reporter about this respondent: name the report the "
                "new facts supplement",
            )
        return found[0]
    return next((c for c in found if same_facts(c.clue, item.clue)), None)


def apply(
    session: Session,
    item: Complaint,
    original: Complaint,
    *,
    new_facts: bool,
    actor: str,
    now: datetime,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
) -> None:
    """Link `item` (registered, no clocks) to `original` and close it; with new facts merge
    them into the original and restart its verification clock."""
    assert item.id is not None and original.id is not None
    locked = session.get(Complaint, original.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    original = locked
    item.repeat_of_id, item.unit_id = original.id, original.unit_id
    if new_facts:
        result = notes.part("repeat.merged_into", ref=original.ref)
        _merge(session, item, original, actor=actor, now=now, limits=limits, cal=cal, tz=tz)
    else:
        result = notes.part("repeat.closed", ref=original.ref)
        history.add(
            session,
            original,
            at=now,
            actor=actor,
            action="repeated",
            note=[notes.part("repeat.repeated_by", ref=item.ref)],
        )
    item.result = notes.text([result])
    item.status, item.closed_at, item.closed_on_time = Status.closed, now, True
    item.closure_due_at = item.next_due_at = item.next_due_clock = None
    item.updated_at = now
    session.add(item)
    history.add(
        session,
        item,
        at=now,
        actor=actor,
        action="repeat",
        from_status=Status.registered,
        to_status=Status.closed,
        note=[result],
    )


def _merge(
    session: Session,
    item: Complaint,
    original: Complaint,
    *,
    actor: str,
    now: datetime,
    limits: RuleLimits,
    cal: WorkingCalendar,
    tz: ZoneInfo,
) -> None:
    assert original.id is not None
    before = history.summary(original)
    received = clocks.local_day(item.received_at, tz)
    original.clue = f"{original.clue}\n\n【{item.ref} 补充事实】{item.clue}".strip()[:4000]
    clock = timers.find(session, original.id, ClockKind.verification)
    restarted = clock is not None and clock.status in (ClockStatus.running, ClockStatus.paused)
    if restarted:
        timers.start(
            session,
            original,
            ClockKind.verification,
            start_day=received,
            limits=limits,
            cal=cal,
            tz=tz,
            start_at=item.received_at,
        )
        original.verification_extended = False
        timers.refresh(session, original, now=now)
    note = [
        notes.part("repeat.new_facts", ref=item.ref),
        notes.part("repeat.clock_restarted", date=received.isoformat())
        if restarted
        else notes.part("repeat.facts_added"),
    ]
    original.updated_at = now
    session.add(original)
    history.add(session, original, at=now, actor=actor, action="repeat_merged", note=note)
    history.audit_change(
        session,
        original,
        at=now,
        actor=actor,
        action="complaint.repeat_merged",
        before=before,
        extra={"repeat": item.ref, "clock_restarted_from": received.isoformat()}
        if restarted
        else {"repeat": item.ref},
    )
