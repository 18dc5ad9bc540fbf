"""What a workflow action is given (`ActionInput`, from the API's request bodies) and what its
effect works on (`Ctx`: the item locked for the action, its rule set's limits and calendar)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from complaints import clocks, timers
from complaints.clocks import RuleLimits
from complaints.models import Complaint
from complaints.notes import Part
from complaints.vocab import ClockKind, PauseReason, RejectionGround, TerminationReason
from core.workcal import WorkingCalendar


@dataclass(frozen=True)
class ActionInput:
    note: str = ""
    unit_id: int | None = None
    reason: str = ""
    ground: RejectionGround | None = None
    pause_reason: PauseReason | None = None
    start: date | None = None
    end: date | None = None
    termination_reason: TerminationReason | None = None
    result: str | None = None
    amount_recovered_cents: int | None = None
    approved_by: str = ""
    complainant_consent: bool | None = None
    respondent_consent: bool | None = None
    entrusted_to: str = ""
    entrustment_consent: bool | None = None
    clue: str = ""


@dataclass
class Ctx:
    session: Session
    item: Complaint
    data: ActionInput
    now: datetime
    tz: ZoneInfo
    limits: RuleLimits
    cal: WorkingCalendar
    actor: str = ""
    notes: list[Part] = field(default_factory=list)

    @property
    def today(self) -> date:
        return clocks.local_day(self.now, self.tz)

    def start(self, kind: ClockKind) -> None:
        timers.start(
            self.session,
            self.item,
            kind,
            start_day=self.today,
            limits=self.limits,
            cal=self.cal,
            tz=self.tz,
            start_at=self.now,
        )

    def extend(self, kind: ClockKind, extra: int) -> None:
        timers.extend(
            self.session,
            self.item,
            kind,
            extra=extra,
            limits=self.limits,
            cal=self.cal,
            tz=self.tz,
        )

    def meet(self, kind: ClockKind) -> None:
        timers.meet(self.session, self.item, kind, now=self.now)


# ---- effects ---------------------------------------------------------------------------------
