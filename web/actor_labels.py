"""How the actor of a recorded action is shown: the system's own actors (ticks, the solver,
migrations, the demo seed) by their labels, as message ids; a user by the name of their
person, else their full name, else their username (`oncall.user_link.shown_names`, loaded once
per page by `names_of`); a username no user has any more (deleted, renamed) as stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from sqlmodel import Session

from oncall import user_link
from oncall.layers import people_by_id
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
# a person who answered a page ("person:6"), and the user who typed their reply in the outbox
_PERSON = re.compile(r"person:(\d+)")
_OUTBOX_REPLY = re.compile(r"(person:\d+) \(outbox reply by (.+)\)")


def names_of(session: Session, actors: Iterable[str | None]) -> dict[str, str]:
    """The names to show for the users and people among `actors`, by actor: one query for
    the users, one more only where people acted by reply (incidents)."""
    given = {a for a in actors if a and a not in ACTORS}
    replies = {a: m.groups() for a in given if (m := _OUTBOX_REPLY.fullmatch(a))}
    people = {a for a in given if _PERSON.fullmatch(a)} | {p for p, _ in replies.values()}
    users = (given - people - replies.keys()) | {u for _, u in replies.values()}
    names = user_link.shown_names(session, usernames=users)
    if people:
        found = people_by_id(session, {int(p.partition(":")[2]) for p in people})
        names |= {f"person:{pid}": p.name for pid, p in found.items()}
    return names


def actor_name(
    actor: str | None, names: Mapping[str, str], *, gettext: Callable[[str], str]
) -> str:
    """`actor` as a page shows it, with `names` from `names_of` (and "person:N" keys where
    the page has people acting by reply)."""
    if not actor:
        return ""
    if actor in ACTORS:
        return gettext(ACTORS[actor])
    reply = _OUTBOX_REPLY.fullmatch(actor)
    if reply is not None:
        person, user = reply.groups()
        return gettext(N_("%(person)s (outbox reply by %(user)s)")) % {
            "person": names.get(person, person),
            "user": names.get(user, user),
        }
    return names.get(actor, actor)
