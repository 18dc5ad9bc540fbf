"""How the actor of a recorded action is shown: the system's own actors (ticks, the solver,
migrations, the demo seed) by their labels, as message ids; a user by the name of their
person, else their full name, else their username (`oncall.user_link.shown_names`, loaded once
per page by `names_of`); a username no user has any more (deleted, renamed) as stored."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlmodel import Session

from oncall import user_link
from web.i18n import N_

ACTORS: dict[str, str] = {
    "system": N_("System"),
    "solver": N_("Roster solver"),
    "schedule": N_("Scheduled run"),
    "supervision": N_("Automatic supervision"),
    "detection": N_("Early-warning detection"),
    "migration": N_("Initial data"),
    "demo-seed": N_("Demo data"),
}


def names_of(session: Session, actors: Iterable[str | None]) -> dict[str, str]:
    """The names to show for the users and people among `actors`, by actor
    (`oncall.user_link.actor_names`; the system's own actors are worded by `actor_name`)."""
    return user_link.actor_names(session, {a for a in actors if a and a not in ACTORS})


def actor_name(
    actor: str | None, names: Mapping[str, str], *, gettext: Callable[[str], str]
) -> str:
    """`actor` as a page shows it, with `names` from `names_of` (and "person:N" keys where
    the page has people acting by reply)."""
    if not actor:
        return ""
    if actor in ACTORS:
        return gettext(ACTORS[actor])
    reply = user_link.OUTBOX_REPLY.fullmatch(actor)
    if reply is not None:
        person, user = reply.groups()
        return gettext(N_("%(person)s (outbox reply by %(user)s)")) % {
            "person": names.get(person, person),
            "user": names.get(user, user),
        }
    return names.get(actor, actor)
