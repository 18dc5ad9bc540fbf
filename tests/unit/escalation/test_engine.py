"""The escalation state machine, driven table-first with fixed instants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from escalation.commands import acknowledge, reopen, resolve, upgrade
from escalation.deadlines import reporting_clocks
from escalation.engine import advance, escalate_now, next_wakeup, open_state
from escalation.policy import (
    GroupTarget,
    NotifyRule,
    OnDutyTarget,
    PersonTarget,
    Policy,
    ReportingDeadlines,
    Step,
)
from escalation.state import (
    Action,
    Broadcast,
    EscalationState,
    Exhausted,
    IncidentStatus,
    InvalidTransition,
    Notify,
    TimelineNote,
)

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
INCIDENT = 42
PRIMARY, BACKUP, EXPERT, LEADER, DIRECTOR = 1, 2, 3, 4, 5


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# duty officer (5 min) → backup (5 min) → expert (5 min, repeat once) → leader (10 min,
# broadcast to leadership) → director (10 min, last)
POLICY = Policy(
    "test",
    (
        Step((OnDutyTarget("duty_officer"),), 5),
        Step((OnDutyTarget("duty_backup"),), 5),
        Step((OnDutyTarget("expert", "food_safety"),), 5, repeat=1),
        Step((OnDutyTarget("leader"),), 10, broadcast_groups=("leadership",)),
        Step((PersonTarget(DIRECTOR),), 10),
    ),
)
FULL: Mapping[int, frozenset[int]] = {
    0: frozenset({PRIMARY}),
    1: frozenset({BACKUP}),
    2: frozenset({EXPERT}),
    3: frozenset({LEADER}),
    4: frozenset({DIRECTOR}),
}


def key(step: int, round_: int, person: int | str, kind: str) -> str:
    return f"{INCIDENT}:{step}:{round_}:{person}:{kind}"


def sms(person: int, step: int, round_: int = 0) -> Notify:
    return Notify(person, "sms", step, round_, key(step, round_, person, "sms"))


def voice(person: int, step: int, round_: int = 0) -> Notify:
    return Notify(person, "voice", step, round_, key(step, round_, person, "voice"))


def paged(actions: tuple[Action, ...]) -> list[Action]:
    """The actions that reach people or groups (timeline notes left out)."""
    return [a for a in actions if not isinstance(a, TimelineNote)]


def notes(actions: tuple[Action, ...]) -> list[str]:
    return [a.text for a in actions if isinstance(a, TimelineNote)]


@dataclass
class Run:
    """Drives one incident through `advance` calls at the given minutes."""

    policy: Policy = POLICY
    resolved: Mapping[int, frozenset[int]] = field(default_factory=lambda: FULL)
    state: EscalationState = field(default_factory=lambda: open_state(T0))

    def tick(self, minutes: float) -> tuple[Action, ...]:
        self.state, actions = advance(
            self.state, self.policy, at(minutes), incident_id=INCIDENT, resolved=self.resolved
        )
        return actions


# ---- the happy climb -------------------------------------------------------------------------

CLIMB: list[tuple[float, list[Action]]] = [
    (0, [sms(PRIMARY, 0)]),
    (1, []),
    (2, [voice(PRIMARY, 0)]),
    (4.9, []),
    (5, [sms(BACKUP, 1)]),
    (7, [voice(BACKUP, 1)]),
    (10, [sms(EXPERT, 2)]),
    (12, [voice(EXPERT, 2)]),
    (15, [sms(EXPERT, 2, 1)]),  # repeat=1: the same step pages again in round 1
    (17, [voice(EXPERT, 2, 1)]),
    (
        20,
        [Broadcast("leadership", 3, 0, key(3, 0, "broadcast", "leadership")), sms(LEADER, 3)],
    ),
    (22, [voice(LEADER, 3)]),
    (30, [sms(DIRECTOR, 4)]),
    (32, [voice(DIRECTOR, 4)]),
    (40, [Exhausted(4), sms(DIRECTOR, 4, 1)]),  # last step keeps re-paging
    (42, [voice(DIRECTOR, 4, 1)]),
    (50, [sms(DIRECTOR, 4, 2)]),  # Exhausted only once
]


def test_unacknowledged_chain_climbs_step_by_step() -> None:
    run = Run()
    for minutes, expected in CLIMB:
        assert paged(run.tick(minutes)) == expected, f"at +{minutes} min"


@pytest.mark.parametrize(("ack_minute", "last_paged_minute"), [(0.5, 0), (3, 2), (13, 12)])
def test_acknowledgement_stops_everything(ack_minute: float, last_paged_minute: float) -> None:
    run = Run()
    for minutes, _ in CLIMB:
        if minutes > last_paged_minute:
            break
        run.tick(minutes)
    run.state, actions = acknowledge(run.state, PRIMARY, at(ack_minute), via="sms")
    assert run.state.status is IncidentStatus.acknowledged
    assert run.state.acknowledged_by == PRIMARY
    when = at(ack_minute).isoformat()
    assert notes(actions) == [f"acknowledged by person {PRIMARY} via sms at {when}"]
    assert next_wakeup(run.state, POLICY) is None
    for minutes in (ack_minute, 5, 10, 60, 600):
        assert run.tick(minutes) == ()


def test_acknowledge_twice_is_noop_and_resolved_cannot_be_acknowledged() -> None:
    state, _ = acknowledge(open_state(T0), PRIMARY, at(1))
    assert acknowledge(state, BACKUP, at(2)) == (state, ())
    closed, _ = resolve(state, PRIMARY, at(3))
    with pytest.raises(InvalidTransition):
        acknowledge(closed, PRIMARY, at(4))


# ---- gaps in the roster ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolved", "expected_first", "gap_steps"),
    [
        ({**FULL, 0: frozenset()}, [sms(BACKUP, 1)], [1]),
        (
            {**FULL, 0: frozenset(), 1: frozenset(), 2: frozenset()},
            [Broadcast("leadership", 3, 0, key(3, 0, "broadcast", "leadership")), sms(LEADER, 3)],
            [1, 2, 3],
        ),
    ],
)
def test_gap_climbs_at_once_with_a_note(
    resolved: Mapping[int, frozenset[int]], expected_first: list[Action], gap_steps: list[int]
) -> None:
    run = Run(resolved=resolved)
    actions = run.tick(0)
    assert paged(actions) == expected_first
    gap_notes = [n for n in notes(actions) if "resolved to nobody: climbing at once" in n]
    assert [int(n.split()[1]) for n in gap_notes] == gap_steps
    assert run.state.step_started_at == at(0)


def test_gap_on_the_way_up_climbs_at_wait_expiry_without_waiting_again() -> None:
    run = Run(resolved={**FULL, 1: frozenset()})
    run.tick(0)
    assert paged(run.tick(5)) == [sms(EXPERT, 2)]
    assert run.state.step_index == 2


def test_gap_on_last_step_waits_and_retries() -> None:
    policy = Policy("one", (Step((OnDutyTarget("duty_officer"),), 5),))
    run = Run(policy=policy, resolved={0: frozenset()})
    actions = run.tick(0)
    assert paged(actions) == []
    assert "is the last step" in notes(actions)[0]
    assert next_wakeup(run.state, policy) == at(5)
    run.resolved = {0: frozenset({PRIMARY})}
    assert paged(run.tick(5)) == [Exhausted(0), sms(PRIMARY, 0, 1)]


def test_group_only_step_is_not_a_gap() -> None:
    policy = Policy(
        "group", (Step((GroupTarget("duty-room"),), 5), Step((PersonTarget(DIRECTOR),), 5))
    )
    run = Run(policy=policy, resolved={0: frozenset(), 1: frozenset({DIRECTOR})})
    assert paged(run.tick(0)) == [Broadcast("duty-room", 0, 0, key(0, 0, "broadcast", "duty-room"))]
    assert run.tick(1) == ()
    assert paged(run.tick(5)) == [sms(DIRECTOR, 1)]


def test_missing_resolution_for_a_starting_step_is_an_error() -> None:
    with pytest.raises(KeyError):
        Run(resolved={1: frozenset({BACKUP})}).tick(0)


# ---- idempotency, broadcasts, late ticks -----------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 2, 5, 20, 22, 40])
def test_advance_twice_at_the_same_now_emits_nothing_new(minutes: float) -> None:
    run = Run()
    for m, _ in CLIMB:
        if m > minutes:
            break
        run.tick(m)
    before = run.state
    assert run.tick(minutes) == ()
    assert run.state == before


def test_broadcast_fires_once_per_step() -> None:
    run = Run()
    broadcasts = [a for m, _ in CLIMB for a in run.tick(m) if isinstance(a, Broadcast)]
    assert [b.group for b in broadcasts] == ["leadership"]


def test_late_tick_starts_the_step_when_it_runs_and_sends_only_what_is_due() -> None:
    run = Run()
    run.tick(0)
    # the dispatcher was down from +1 to +9: voice to the primary is skipped, the backup
    # step starts at +9 and its voice call is due at +11
    assert paged(run.tick(9)) == [sms(BACKUP, 1)]
    assert run.state.step_started_at == at(9)
    assert next_wakeup(run.state, POLICY) == at(11)


def test_recipients_are_frozen_when_the_step_starts() -> None:
    run = Run()
    run.tick(0)
    run.resolved = {**FULL, 0: frozenset({99})}  # handover at +1
    assert paged(run.tick(2)) == [voice(PRIMARY, 0)]


def test_several_people_and_rules_in_order() -> None:
    policy = Policy(
        "pair",
        (
            Step(
                (OnDutyTarget("duty_officer"),),
                10,
                rules=(NotifyRule("voice", 0), NotifyRule("sms", 0)),
            ),
        ),
    )
    run = Run(policy=policy, resolved={0: frozenset({7, 3})})
    assert paged(run.tick(0)) == [sms(3, 0), sms(7, 0), voice(3, 0), voice(7, 0)]


def test_rule_due_at_or_after_wait_end_never_fires() -> None:
    policy = Policy("short", (Step((PersonTarget(PRIMARY),), 2), Step((PersonTarget(BACKUP),), 5)))
    run = Run(policy=policy, resolved={0: frozenset({PRIMARY}), 1: frozenset({BACKUP})})
    assert paged(run.tick(0)) == [sms(PRIMARY, 0)]
    assert next_wakeup(run.state, policy) == at(2)
    assert paged(run.tick(2)) == [sms(BACKUP, 1)]


# ---- next_wakeup -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticks", "expected"),
    [
        ([], at(0)),  # not started: due at once
        ([0], at(2)),  # voice due
        ([0, 2], at(5)),  # wait expiry
        ([0, 2, 5], at(7)),
        ([0, 2, 5, 7, 10, 12], at(15)),  # repeat round
    ],
)
def test_next_wakeup(ticks: list[float], expected: datetime) -> None:
    run = Run()
    for m in ticks:
        run.tick(m)
    assert next_wakeup(run.state, POLICY) == expected


# ---- press 2, resolve, reopen ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticks", "press_at", "expected", "step_after"),
    [
        ([0], 1, [sms(BACKUP, 1)], 1),
        ([0, 2, 5, 7, 10], 11, [sms(LEADER, 3)], 3),  # skips expert's remaining round
        ([0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 30], 31, [Exhausted(4), sms(DIRECTOR, 4, 1)], 4),
    ],
)
def test_press_2_escalates_now(
    ticks: list[float], press_at: float, expected: list[Action], step_after: int
) -> None:
    run = Run()
    for m in ticks:
        run.tick(m)
    run.state, actions = escalate_now(
        run.state, POLICY, at(press_at), incident_id=INCIDENT, resolved=FULL
    )
    assert [a for a in paged(actions) if not isinstance(a, Broadcast)] == expected
    assert run.state.step_index == step_after
    assert run.state.step_started_at == at(press_at)
    assert next_wakeup(run.state, POLICY) == at(press_at + 2)


def test_press_2_only_while_open() -> None:
    state, _ = acknowledge(open_state(T0), PRIMARY, at(1))
    with pytest.raises(InvalidTransition):
        escalate_now(state, POLICY, at(2), incident_id=INCIDENT, resolved=FULL)


def test_resolve_then_reopen_restarts_with_fresh_keys() -> None:
    run = Run()
    run.tick(0)
    run.tick(2)
    run.state, actions = resolve(run.state, PRIMARY, at(3))
    assert run.state.status is IncidentStatus.resolved
    assert notes(actions)
    assert run.tick(10) == ()
    assert resolve(run.state, PRIMARY, at(4)) == (run.state, ())
    run.state, _ = reopen(run.state, at(60))
    assert run.state.status is IncidentStatus.open
    assert (run.state.step_index, run.state.episode, run.state.notified) == (0, 1, ())
    assert next_wakeup(run.state, POLICY) == at(60)
    assert paged(run.tick(60)) == [Notify(PRIMARY, "sms", 0, 0, key(0, 0, PRIMARY, "sms") + ":e1")]


@pytest.mark.parametrize("status", [IncidentStatus.open, IncidentStatus.acknowledged])
def test_only_resolved_can_be_reopened(status: IncidentStatus) -> None:
    state = open_state(T0)
    if status is IncidentStatus.acknowledged:
        state, _ = acknowledge(state, PRIMARY, at(1))
    with pytest.raises(InvalidTransition):
        reopen(state, at(2))


def test_resolve_from_open_stops_the_chain() -> None:
    state, _ = resolve(open_state(T0), PRIMARY, at(0))
    assert advance(state, POLICY, at(10), incident_id=INCIDENT, resolved=FULL) == (state, ())


# ---- reporting clocks ------------------------------------------------------------------------

DEADLINES = ReportingDeadlines(15, 30)


@pytest.mark.parametrize(
    ("now", "initial", "written", "expected"),
    [
        (at(10), None, None, [(at(15), None, False), (at(30), None, False)]),
        (at(15), None, None, [(at(15), None, False), (at(30), None, False)]),  # due, not late
        (at(16), None, None, [(at(15), None, True), (at(30), None, False)]),
        (at(16), at(14), None, [(at(15), at(14), False), (at(30), None, False)]),
        (at(40), at(14), None, [(at(15), at(14), False), (at(30), None, True)]),
        (at(40), at(20), at(29), [(at(15), at(20), True), (at(30), at(29), False)]),
    ],
)
def test_reporting_clocks(
    now: datetime,
    initial: datetime | None,
    written: datetime | None,
    expected: list[tuple[datetime, datetime | None, bool]],
) -> None:
    clocks = reporting_clocks(T0, DEADLINES, now, initial, written)
    assert [c.name for c in clocks] == ["initial_report", "written_report"]
    assert [(c.due_at, c.met_at, c.overdue) for c in clocks] == expected


# ---- a more severe report --------------------------------------------------------------------

# the same ladder at a higher level: shorter waits, the leadership told from the first step
SEVERE = Policy(
    "severe",
    tuple(
        Step(s.targets, 2, s.repeat, broadcast_groups=("leadership",) if i == 0 else ())
        for i, s in enumerate(POLICY.steps)
    ),
)


def test_upgrade_goes_on_from_the_current_step_under_the_new_policy() -> None:
    run = Run()
    for minutes in (0, 5, 7):  # backup paged by SMS and voice in step 2
        run.tick(minutes)
    run.state, actions = upgrade(run.state, SEVERE, at(8))
    assert notes(actions) and next_wakeup(run.state, SEVERE) == at(8)
    run.policy = SEVERE
    # the step restarts in a new episode: the backup is paged again, and the leadership,
    # which the new plan tells from step 1 on, is told now (once)
    assert paged(run.tick(8)) == [
        Broadcast("leadership", 1, 0, key(1, 0, "broadcast", "leadership") + ":e1"),
        Notify(BACKUP, "sms", 1, 0, key(1, 0, BACKUP, "sms") + ":e1"),
    ]
    assert paged(run.tick(9)) == []
    assert paged(run.tick(10)) == [Notify(EXPERT, "sms", 2, 0, key(2, 0, EXPERT, "sms") + ":e1")]


def test_upgrade_clamps_to_a_shorter_policy_and_leaves_other_statuses_alone() -> None:
    run = Run()
    for minutes in (0, 5, 10, 15, 20, 30):  # at the director, step 5
        run.tick(minutes)
    short = Policy("short", POLICY.steps[:2])
    upgraded, _ = upgrade(run.state, short, at(31))
    assert (upgraded.step_index, upgraded.step_started_at) == (1, None)
    acked, _ = acknowledge(run.state, DIRECTOR, at(31))
    assert upgrade(acked, SEVERE, at(32)) == (acked, ())


def test_upgrade_of_an_acknowledged_incident_tells_the_groups_it_missed_and_pages_nobody() -> None:
    run = Run()
    for minutes in (0, 5):  # the backup has been paged in step 2 ...
        run.tick(minutes)
    run.state, _ = acknowledge(run.state, BACKUP, at(6))  # ... and acknowledges
    run.state, actions = upgrade(run.state, SEVERE, at(8))
    assert notes(actions) == ["policy severe: telling leadership now"]
    assert run.state.status is IncidentStatus.acknowledged
    assert next_wakeup(run.state, SEVERE) == at(8)
    run.policy = SEVERE
    # the new plan tells the leadership from step 1 on: told once, and nobody is paged again
    assert run.tick(8) == (Broadcast("leadership", 1, 0, key(1, 0, "broadcast", "leadership")),)
    assert run.state.status is IncidentStatus.acknowledged
    assert next_wakeup(run.state, SEVERE) is None
    assert run.tick(30) == ()
    # a group told already is not told again by a second raise
    assert upgrade(run.state, SEVERE, at(31)) == (run.state, ())
    resolved_state, _ = resolve(run.state, BACKUP, at(40))
    assert upgrade(resolved_state, SEVERE, at(41)) == (resolved_state, ())
