"""Which person a user account is (`Person.user_id`): "My duty", handovers and iCal feeds
follow the link. Set from the user's side (the administration page) in one step: the user's
earlier person is unlinked and the new one linked in the same transaction, audited on the
user."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from core import audit
from core.errors import NotFound, ValidationFailed, taken
from core.users import User
from oncall.directory import take_turn
from oncall.layers import people_by_id
from oncall.models import Person

# actors of incident records besides users: a person who answered a page ("person:6"), and
# a reply typed in the outbox for them by a user ("person:6 (outbox reply by coord)")
PERSON_ACTOR = re.compile(r"person:(\d+)")
OUTBOX_REPLY = re.compile(r"(person:\d+) \(outbox reply by (.+)\)")


def people_by_user(session: Session) -> dict[int, Person]:
    """Each linked user's person, by user id."""
    people = session.exec(select(Person).where(col(Person.user_id).is_not(None))).all()
    return {p.user_id: p for p in people if p.user_id is not None}


def shown_names(session: Session, *, usernames: Iterable[str]) -> dict[str, str]:
    """How each user among `usernames` is shown to people, in one query: by the name of the
    person linked to them, else their full name, else their username. Usernames no user has
    (deleted or renamed since) are left out, for the caller to show as stored."""
    wanted = set(usernames)
    if not wanted:
        return {}
    rows = session.exec(
        select(User.username, User.full_name, Person.name)
        .join(Person, col(Person.user_id) == col(User.id), isouter=True)
        .where(col(User.username).in_(wanted))
    ).all()
    return {username: person or full_name or username for username, full_name, person in rows}


def actor_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """The names of the users and people among `actors`, by actor ("person:N" keys for
    people; an outbox reply gives its person and its user): one query for the users, one more
    only where people acted by reply. Actors nobody is found for are left out."""
    given = set(actors)
    replies = {a: m.groups() for a in given if (m := OUTBOX_REPLY.fullmatch(a))}
    people = {a for a in given if PERSON_ACTOR.fullmatch(a)} | {p for p, _ in replies.values()}
    users = (given - people - replies.keys()) | {u for _, u in replies.values()}
    names = shown_names(session, usernames=users)
    if people:
        found = people_by_id(session, {int(p.partition(":")[2]) for p in people})
        names |= {f"person:{pid}": p.name for pid, p in found.items()}
    return names


def person_of(session: Session, *, user_id: int) -> Person | None:
    return session.exec(select(Person).where(Person.user_id == user_id)).first()


def person_id_of(session: Session, *, user_id: int | None) -> int | None:
    """The id of the person user `user_id` is (None: none, or no user)."""
    person = person_of(session, user_id=user_id) if user_id is not None else None
    return person.id if person else None


def link_person(
    session: Session, *, user_id: int, person_id: int | None, actor: str, now: datetime
) -> Person | None:
    """Make `person_id` the person of user `user_id` (None: no person); commits. A person
    linked to another user is a 409 naming `person_id` (unlink it there first)."""
    take_turn(session)
    if session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} not found")
    person = None
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise ValidationFailed.absent("person_id", "person", person_id)
        if person.user_id not in (None, user_id):
            detail = f"person {person_id} is linked to another user"
            raise taken(detail, "person_id", "linked to another user")
    current = person_of(session, user_id=user_id)
    before = current.id if current else None
    if current is not None and current.id != person_id:
        current.user_id = None
        session.add(current)
        session.flush()  # the unique user_id is free before the new person takes it
    if person is not None:
        person.user_id = user_id
        session.add(person)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="user.person.link",
        entity_type="user",
        entity_id=user_id,
        before={"person_id": before},
        after={"person_id": person_id},
    )
    session.commit()
    return person
