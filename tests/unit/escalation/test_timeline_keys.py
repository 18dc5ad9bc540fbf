"""Every timeline key the escalation package writes is listed in `timeline_keys.KEYS`, every
listed key is written somewhere, and the engine's notes carry the values their keys list."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

from escalation import engine_notes
from escalation.policy import GroupTarget, OnDutyTarget, PersonTarget, Policy, Step
from escalation.timeline_keys import KEYS

PACKAGE = Path(__file__).parents[3] / "escalation"
NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def _strings(node: ast.AST) -> list[str]:
    """The string constants `node` may be (itself, or each side of a conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.Tuple):
        return _strings(node.elts[0]) if node.elts else []
    return []


def written_keys() -> set[str]:
    """The keys the package's sources pass to `add_event`, `commit_change`, `record_event`
    (`key=`), give a `TimelineNote` (its second argument) or assign to a variable `key`
    before passing it on."""
    found: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("add_event", "commit_change", "record_event", "_reply"):
                    for keyword in node.keywords:
                        if keyword.arg == "key":
                            found.update(_strings(keyword.value))
                if name == "TimelineNote" and len(node.args) > 1:
                    found.update(_strings(node.args[1]))
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    first = target.elts[0] if isinstance(target, ast.Tuple) else target
                    if isinstance(first, ast.Name) and first.id == "key":
                        found.update(_strings(node.value))
    return found


# keys only migrations write (0029_keyed_history: an old entry that matched no phrase)
MIGRATED_ONLY = {"note"}


def test_every_written_key_is_listed_and_every_listed_key_is_written() -> None:
    written = written_keys()
    assert written - KEYS.keys() == set()
    assert KEYS.keys() - written == MIGRATED_ONLY
    frozen = Path(__file__).parents[3] / "migrations" / "frozen" / "event_keys_0029.py"
    assert all(f'"{key}"' in frozen.read_text(encoding="utf-8") for key in MIGRATED_ONLY)


STEP = Step(
    targets=(OnDutyTarget("expert", "food"), PersonTarget(7), GroupTarget("leadership")),
    wait_minutes=5,
)
POLICY = Policy(name="food_safety-I", steps=(STEP,))


def test_the_engine_notes_carry_the_values_of_their_keys() -> None:
    notes = [
        engine_notes.started(0, 0, STEP, (6, 7)),
        engine_notes.own_rules_silent(6, 1, STEP),
        engine_notes.repeat(0, 1),
        engine_notes.climbing(0),
        engine_notes.last_repeat(2, 3),
        engine_notes.nobody(0, STEP),
        engine_notes.last_nobody(2, STEP),
        engine_notes.escalated_now(0),
        engine_notes.acknowledged(6, "sms", NOW),
        engine_notes.resolved(6, NOW),
        engine_notes.reopened(NOW),
        engine_notes.telling(POLICY, ("leadership",)),
        engine_notes.restarts(POLICY, 1),
    ]
    for note in notes:
        assert note.key in KEYS
        assert set(note.values) == KEYS[note.key], note.key
    started = notes[0]
    assert started.text == (
        "step 1 round 1 started (on duty: expert/food, person 7, group leadership): "
        "person 6, person 7"
    )
    assert started.values == {
        "step": 1,
        "round": 1,
        "targets": [
            {"type": "on_duty", "role": "expert", "skill": "food"},
            {"type": "person", "person_id": 7},
            {"type": "group", "group": "leadership"},
        ],
        "people": [6, 7],
    }
