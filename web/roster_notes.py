"""A roster version's note in the page's language.

A repaired version keeps the planner's reason on its own (`Roster.repair_reason`) and is
worded from the catalogue with it. A version without one (repaired before the reason was
kept, or generated with a note of the planner's) is worded from its stored note by
`timeline.localise_roster`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from web import timeline
from web.i18n import N_

Gettext = Callable[[str], str]
Label = Callable[[str, object], str]


def localise_note(
    note: str,
    repair_reason: str | None,
    *,
    names: Mapping[int, str],
    shifts: Mapping[str, str],
    gettext: Gettext,
    label: Label,
) -> str:
    """The note of a roster version (its note and repair reason as stored) to show."""
    if repair_reason is not None:
        return gettext(N_("repair: %(reason)s")) % {"reason": repair_reason}
    return timeline.localise_roster(note, names=names, shifts=shifts, gettext=gettext, label=label)
