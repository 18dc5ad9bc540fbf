"""A roster version's note in the page's language.

A repaired version keeps the planner's reason on its own (`Roster.repair_reason`; versions
repaired before it was kept were given theirs from their note by migration 0029) and is
worded from the catalogue with it. Any other note is the planner's own and shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable

from web.i18n import N_

Gettext = Callable[[str], str]


def localise_note(note: str, repair_reason: str | None, *, gettext: Gettext) -> str:
    """The note of a roster version (its note and repair reason as stored) to show."""
    if repair_reason is not None:
        return gettext(N_("repair: %(reason)s")) % {"reason": repair_reason}
    return note
