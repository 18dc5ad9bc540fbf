"""What a draft was generated under: its unit's shift types (code, times, night flag, role,
retired or not) and hard rules, kept with the draft as a fingerprint. Publishing refuses a
draft whose unit changed them since (the rules page edits both in place): it was solved for
other shift times or rules and may break the ones that now apply. A shift type's name is not
part of it (renaming changes nothing a roster relies on); nor are demand, leave (checked on its
own when publishing) and wishes.

A stale draft's refusal is a `StaleDraft` (409, code `stale_draft`): its detail an English
sentence for clients and logs, its one error (field `roster`) the kind of staleness as `type`
(`stale_published`, `stale_leave`, `stale_inputs`) with its values (`ctx`: names and dates,
not ids alone), so that a page words it in its own language."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlmodel import Session

from core.errors import Conflict, FieldError
from oncall import planning
from oncall.problem_builder import load_rules
from oncall.roster_models import Roster, ShiftType

#: The key of the fingerprint in a roster's result document (`Roster.result_json`).
KEY = "inputs"
CHANGED = (
    "the unit's shift types or hard rules changed since this draft was generated: generate it again"
)


class StaleDraft(Conflict):
    """A draft that no longer fits what it would be published over (see the module text)."""

    code = "stale_draft"

    def __init__(self, detail: str, *, kind: str, values: dict[str, str | int]) -> None:
        super().__init__(detail, errors=(FieldError("roster", detail, kind, values),))


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
        raise StaleDraft(CHANGED, kind="stale_inputs", values={"roster": roster.id or 0})
