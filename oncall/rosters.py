"""Roster versions: generate (in the background), review, compare, repair; publishing is
`oncall.publishing`.

Lifecycle: generating → draft | infeasible | failed; draft → published (`oncall.publishing`);
a newer published version of the same unit supersedes the published versions whose period it
overlaps, and only when it covers each of them whole, so no day is ever left without a roster
(a period that overlaps only part of a published one is refused, at generation already:
`refuse_partial_overlap`, which publishing applies again). Every step is audited. Generation
is split in two so the HTTP request never waits for the solver: `start_generation` records
the version, `run_generation` (called by a runner thread) solves and stores the result; a
repair is hinted by the base version as people work it (its approved swaps applied).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from core import audit
from core.calendar_store import load_calendar
from core.errors import Conflict, FieldError, NotFound, ValidationFailed
from oncall import planning, roster_inputs
from oncall.change_models import SwapRequestRow, SwapStatus
from oncall.problem_builder import SHANGHAI, build_problem
from oncall.roster_models import (
    Leave,
    LeaveCreate,
    RepairRequest,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
)
from scheduler import roster_problem as rp
from scheduler.roster_solver import solve

SessionOpener = Callable[[], AbstractContextManager[Session]]
log = logging.getLogger("dutydesk.rosters")


def get_roster(session: Session, *, roster_id: int) -> Roster:
    roster = session.get(Roster, roster_id)
    if roster is None:
        raise NotFound(f"roster {roster_id} not found")
    return roster


def list_rosters(session: Session, *, unit_id: int | None = None) -> list[Roster]:
    query = select(Roster).order_by(col(Roster.id).desc())
    if unit_id is not None:
        query = query.where(Roster.unit_id == unit_id)
    return list(session.exec(query).all())


def summary(roster: Roster) -> dict[str, object]:
    return {
        "unit_id": roster.unit_id,
        "period": f"{roster.period_start}..{roster.period_end}",
        "version": roster.version,
        "status": roster.status.value,
    }


def published_overlapping(
    session: Session, *, unit_id: int, start: date, end: date
) -> list[Roster]:
    return list(
        session.exec(
            select(Roster)
            .where(
                Roster.unit_id == unit_id,
                Roster.status == RosterStatus.published,
                Roster.period_start <= end,
                Roster.period_end >= start,
            )
            .order_by(col(Roster.id))
        ).all()
    )


def refuse_partial_overlap(published: list[Roster], *, start: date, end: date) -> None:
    """A new version replaces the published ones it overlaps as a whole: one that it covers
    only in part would leave that roster's other days with nobody on duty."""
    for previous in published:
        if previous.period_start < start or previous.period_end > end:
            assert previous.id is not None
            reason = "covers only part of a published roster"
            values: dict[str, str | int] = {
                "roster": previous.id,
                "start": str(previous.period_start),
                "end": str(previous.period_end),
            }
            raise Conflict(
                f"published roster {previous.id} ({previous.period_start}..{previous.period_end})"
                f" overlaps only part of {start}..{end}; publishing would leave its other days"
                " without a roster: choose a period that covers it whole or does not overlap it",
                errors=(
                    FieldError(
                        "period_start",
                        reason,
                        "roster_partial_overlap",
                        values,
                    ),
                ),
            )


def start_generation(
    session: Session,
    *,
    unit_id: int,
    start: date,
    end: date,
    time_limit_s: float,
    note: str,
    actor: str,
    now: datetime,
    base_roster_id: int | None = None,
    repair_reason: str | None = None,
) -> Roster:
    planning.get_rules(session, unit_id=unit_id)  # validates the unit
    if not planning.list_shift_types(session, unit_id=unit_id):
        raise ValidationFailed("unit_id", "the unit has no shift types yet")
    refuse_partial_overlap(
        published_overlapping(session, unit_id=unit_id, start=start, end=end),
        start=start,
        end=end,
    )
    latest = session.exec(
        select(func.max(Roster.version)).where(
            Roster.unit_id == unit_id, Roster.period_start == start, Roster.period_end == end
        )
    ).one()
    roster = Roster(
        unit_id=unit_id,
        period_start=start,
        period_end=end,
        version=(latest or 0) + 1,
        status=RosterStatus.generating,
        base_roster_id=base_roster_id,
        note=note,
        repair_reason=repair_reason,
        time_limit_s=time_limit_s,
        created_by=actor,
        created_at=now,
    )
    session.add(roster)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="roster.generate",
        entity_type="roster",
        entity_id=roster.id,
        after=summary(roster),
    )
    session.commit()
    return roster


def assignments_of(session: Session, roster_id: int) -> list[rp.Assignment]:
    codes = {s.id: s.code for s in session.exec(select(ShiftType)).all()}
    rows = session.exec(
        select(RosterAssignment)
        .where(RosterAssignment.roster_id == roster_id)
        .order_by(col(RosterAssignment.day), col(RosterAssignment.person_id))
    ).all()
    return [rp.Assignment(str(r.person_id), r.day, codes[r.shift_type_id]) for r in rows]


def _with_swaps(
    assignments: list[rp.Assignment], swaps: list[SwapRequestRow]
) -> list[rp.Assignment]:
    """The assignments with these approved swaps applied (each swapped slot is worked by the
    other person); a swap whose slots are not both there is left out."""
    slots = {(a.person, a.day): a for a in assignments}
    for swap in swaps:
        a_key, b_key = (str(swap.a_person_id), swap.a_day), (str(swap.b_person_id), swap.b_day)
        if a_key not in slots or b_key not in slots:
            continue
        a_slot, b_slot = slots.pop(a_key), slots.pop(b_key)
        slots[(b_key[0], swap.a_day)] = rp.Assignment(b_key[0], swap.a_day, a_slot.shift)
        slots[(a_key[0], swap.b_day)] = rp.Assignment(a_key[0], swap.b_day, b_slot.shift)
    return sorted(slots.values(), key=lambda a: (a.day, int(a.person)))


def approved_swaps(session: Session, roster_id: int) -> list[SwapRequestRow]:
    return list(
        session.exec(
            select(SwapRequestRow)
            .where(
                SwapRequestRow.roster_id == roster_id,
                SwapRequestRow.status == SwapStatus.approved,
            )
            .order_by(col(SwapRequestRow.id))
        ).all()
    )


def effective_assignments(session: Session, roster_id: int) -> list[rp.Assignment]:
    """A roster's assignments with its approved swaps applied (what people actually work)."""
    return _with_swaps(assignments_of(session, roster_id), approved_swaps(session, roster_id))


def _result_document(result: rp.RosterResult) -> dict[str, Any]:
    return {
        "violations": [
            {
                "goal": v.goal,
                "cost": v.cost,
                "detail": v.detail,
                "person": v.person,
                "day": v.day.isoformat() if v.day else None,
                "key": v.key,
                "values": v.values,
            }
            for v in result.violations
        ],
        "totals": {person: asdict(t) for person, t in result.totals.items()},
        "explanation": [
            {**asdict(s), "day": s.day.isoformat() if s.day else None} for s in result.explanation
        ],
        "seconds": round(result.seconds, 2),
    }


#: Progress is stored at most this often (in solver seconds).
PROGRESS_INTERVAL_S = 1.0


def progress_writer(
    open_session: SessionOpener, *, roster_id: int, interval_s: float = PROGRESS_INTERVAL_S
) -> Callable[[rp.Progress], None]:
    """A solver progress callback that stores the latest objective, bound and elapsed
    seconds on a `generating` roster, each time in its own short transaction, at most once
    per ``interval_s`` of solver time. Progress is not a state change, so it is not audited;
    a failed write is logged and skipped (it must never stop the solver)."""
    lock = threading.Lock()
    last: list[float] = []

    def write(progress: rp.Progress) -> None:
        with lock:
            if last and progress.elapsed_s - last[0] < interval_s:
                return
            last[:] = [progress.elapsed_s]
            try:
                with open_session() as session:
                    roster = session.get(Roster, roster_id)
                    if roster is None or roster.status is not RosterStatus.generating:
                        return
                    roster.objective, roster.bound = progress.objective, progress.bound
                    roster.solver_seconds = round(progress.elapsed_s, 3)
                    session.add(roster)
                    session.commit()
            except Exception:
                log.exception("storing progress of roster %s failed", roster_id)

    return write


def run_generation(
    open_session: SessionOpener,
    *,
    roster_id: int,
    now: Callable[[], datetime],
    workers: int = 2,
    tz: ZoneInfo = SHANGHAI,
) -> None:
    """Solve a `generating` roster and store the outcome. Safe to call from a worker thread.
    While solving, the latest objective, bound and solver seconds are stored on the roster
    (see ``progress_writer``)."""
    with open_session() as session:
        roster = get_roster(session, roster_id=roster_id)
        if roster.status is not RosterStatus.generating:
            return
        problem = build_problem(
            session,
            unit_id=roster.unit_id,
            start=roster.period_start,
            end=roster.period_end,
            calendar=load_calendar(session),
            tz=tz,
        )
        hint = (
            tuple(effective_assignments(session, roster.base_roster_id))
            if roster.base_roster_id is not None
            else None
        )
        time_limit = roster.time_limit_s
        shift_types = planning.list_shift_types(session, unit_id=roster.unit_id)
        inputs = roster_inputs.fingerprint_of(session, roster.unit_id, shift_types)
        # by the codes the problem was built with: a shift type recoded meanwhile keeps its id
        shift_ids = {s.code: s.id for s in shift_types if s.id is not None}
    try:
        result = solve(
            problem,
            time_limit_s=time_limit,
            workers=workers,
            hint=hint,
            progress=progress_writer(open_session, roster_id=roster_id),
        )
    except Exception as exc:  # stored as a failed version; the worker thread must survive
        with open_session() as session:
            roster = get_roster(session, roster_id=roster_id)
            roster.status = RosterStatus.failed
            roster.finished_at = now()
            roster.result_json = json.dumps({"error": str(exc)})
            session.add(roster)
            audit.record(
                session,
                at=now(),
                actor="solver",
                action="roster.failed",
                entity_type="roster",
                entity_id=roster_id,
                after={"error": str(exc)},
            )
            session.commit()
        raise
    with open_session() as session:
        roster = get_roster(session, roster_id=roster_id)
        for assignment in result.assignments:
            session.add(
                RosterAssignment(
                    roster_id=roster_id,
                    person_id=int(assignment.person),
                    day=assignment.day,
                    shift_type_id=shift_ids[assignment.shift],
                )
            )
        roster.status = (
            RosterStatus.infeasible
            if result.status == "INFEASIBLE"
            else RosterStatus.draft
            if result.assignments
            else RosterStatus.failed
        )
        roster.solver_status = result.status
        roster.objective, roster.bound = result.objective, result.bound
        roster.solver_seconds = round(result.seconds, 3)
        roster.finished_at = now()
        document = _result_document(result) | {roster_inputs.KEY: inputs}
        roster.result_json = json.dumps(document, ensure_ascii=False)
        session.add(roster)
        audit.record(
            session,
            at=now(),
            actor="solver",
            action=f"roster.{roster.status.value}",
            entity_type="roster",
            entity_id=roster_id,
            after={**summary(roster), "objective": result.objective},
        )
        session.commit()


def compare(
    session: Session, *, roster_id: int, other_id: int
) -> tuple[list[rp.Assignment], list[rp.Assignment]]:
    """(removed, added): what changes when going from `other_id` to `roster_id`, each as
    people work it (its approved swaps applied): a repair is hinted by its base as worked and
    keeps the base's swaps, so they are not changes of the repair."""
    get_roster(session, roster_id=roster_id)
    get_roster(session, roster_id=other_id)
    return rp.diff(
        effective_assignments(session, other_id), effective_assignments(session, roster_id)
    )


def start_repair(
    session: Session, *, roster_id: int, data: RepairRequest, actor: str, now: datetime
) -> Roster:
    """Record the absence as leave (unless one leave of the person already covers it: the
    repair of leave recorded on the leave page) and start a new version hinted by the
    published one."""
    base = get_roster(session, roster_id=roster_id)
    if base.status is not RosterStatus.published:
        raise Conflict("repairs start from the published roster")
    if data.end_date < base.period_start or data.start_date > base.period_end:
        raise ValidationFailed("start_date", "the absence does not overlap the roster period")
    recorded = session.exec(
        select(Leave.id).where(
            Leave.person_id == data.person_id,
            Leave.start_date <= data.start_date,
            Leave.end_date >= data.end_date,
        )
    ).first()
    if recorded is None:
        planning.add_leave(
            session,
            data=LeaveCreate(
                person_id=data.person_id,
                start_date=data.start_date,
                end_date=data.end_date,
                reason=data.reason,
            ),
            actor=actor,
            now=now,
        )
    return start_generation(
        session,
        unit_id=base.unit_id,
        start=base.period_start,
        end=base.period_end,
        time_limit_s=data.time_limit_s,
        note=f"repair: {data.reason}"[:200],
        actor=actor,
        now=now,
        base_roster_id=roster_id,
        repair_reason=data.reason,
    )
