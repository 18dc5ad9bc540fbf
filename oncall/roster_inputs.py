"""What a draft was generated under: its unit's shift types (code, times, night flag, role,
retired or not) and hard rules, kept with the draft as a fingerprint. Publishing refuses a
draft whose unit changed them since (the rules page edits both in place): it was solved for
other shift times or rules and may break the ones that now apply. A shift type's name is not
part of it (renaming changes nothing a roster relies on); nor are demand, leave (checked on its
own when publishing) and wishes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlmodel import Session

from core.errors import Conflict
from oncall import planning
from oncall.problem_builder import load_rules
from oncall.roster_models import Roster, ShiftType

#: The key of the fingerprint in a roster's result document (`Roster.result_json`).
KEY = "inputs"
CHANGED = (
    "the unit's shift types or hard rules changed since this draft was generated: generate it again"
)


def fingerprint(session: Session, unit_id: int) -> str:
    return fingerprint_of(session, unit_id, planning.list_shift_types(session, unit_id=unit_id))


def fingerprint_of(session: Session, unit_id: int, shift_types: Sequence[ShiftType]) -> str:
    """The fingerprint with the unit's shift types (all of them, retired too) already read."""
    shifts = [
        [s.id, s.code, s.start_time.isoformat(), s.end_time.isoformat(), s.is_night]
        + [s.role.value, s.is_active]
        for s in shift_types
    ]
    rules = load_rules(session, unit_id).model_dump(mode="json")
    text = json.dumps([sorted(shifts), rules], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def refuse_changed(session: Session, roster: Roster) -> None:
    """Conflict (409) when the draft's unit changed its shift types or rules since the draft
    was generated (drafts generated before fingerprints were kept are not checked)."""
    stored = json.loads(roster.result_json or "{}").get(KEY)
    if stored is not None and stored != fingerprint(session, roster.unit_id):
        raise Conflict(CHANGED)
