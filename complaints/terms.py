"""The classification term dictionary, editable by administrators: each change is audited and
committed once, taking turns with the other configuration changes (`config.CONFIG_LOCK`); the
active terms feed `classify.classify`, the built-in ones when the dictionary is empty."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from complaints import classify, config_checks
from complaints.config import CONFIG_LOCK
from complaints.config_models import ClassificationTerm
from complaints.config_schemas import TermCreate
from core import audit
from core.db import advisory_lock
from core.errors import NotFound, taken


def list_terms(session: Session) -> list[ClassificationTerm]:
    return list(
        session.exec(
            select(ClassificationTerm).order_by(
                col(ClassificationTerm.kind), col(ClassificationTerm.term)
            )
        ).all()
    )


def active_terms(session: Session) -> list[classify.Term]:
    """The dictionary's active terms; the built-in starting dictionary while it is empty."""
    rows = session.exec(
        select(ClassificationTerm).where(col(ClassificationTerm.is_active).is_(True))
    ).all()
    if not rows and session.exec(select(ClassificationTerm.id).limit(1)).first() is None:
        return classify.default_terms()
    return [
        classify.Term(
            term=r.term,
            kind=r.kind.value,
            domain=r.domain,
            weight=r.weight,
            incident_category=r.incident_category,
            severity=r.severity,
        )
        for r in rows
    ]


def _refuse_duplicate_term(session: Session, data: TermCreate, *, term_id: int | None) -> None:
    """Conflict when another term has the same text, kind and domain (`domain` None included:
    the unique key lets NULLs repeat)."""
    duplicate = session.exec(
        select(ClassificationTerm.id).where(
            ClassificationTerm.term == data.term,
            ClassificationTerm.kind == data.kind,
            col(ClassificationTerm.domain).is_(None)
            if data.domain is None
            else ClassificationTerm.domain == data.domain,
            col(ClassificationTerm.id) != (term_id or 0),
        )
    ).first()
    if duplicate is not None:
        raise taken(
            f"term {data.term!r} ({data.kind.value}) already exists", "term", "already exists"
        )


def create_term(
    session: Session, *, data: TermCreate, actor: str, now: datetime
) -> ClassificationTerm:
    advisory_lock(session, CONFIG_LOCK)
    config_checks.check_term(data)
    _refuse_duplicate_term(session, data, term_id=None)
    term = ClassificationTerm.model_validate(data.model_dump())
    session.add(term)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.term.create",
        entity_type="complaint_term",
        entity_id=term.id,
        after=term.model_dump(exclude={"id"}, mode="json"),
    )
    session.commit()
    return term


def seed_terms(session: Session, terms: list[classify.Term]) -> int:
    """Load a dictionary into an empty table (the caller commits and audits)."""
    if session.exec(select(ClassificationTerm.id).limit(1)).first() is not None:
        return 0
    seen: set[tuple[str, str, object]] = set()
    for t in terms:
        key = (t.term, t.kind, t.domain)
        if key in seen:
            continue
        seen.add(key)
        session.add(
            ClassificationTerm(
                term=t.term,
                kind=t.kind,  # type: ignore[arg-type]
                domain=t.domain,
                weight=t.weight,
                incident_category=t.incident_category,
                severity=t.severity,
            )
        )
    session.flush()
    return len(seen)


def get_term(session: Session, *, term_id: int) -> ClassificationTerm:
    term = session.get(ClassificationTerm, term_id)
    if term is None:
        raise NotFound(f"term {term_id} not found")
    return term


def update_term(
    session: Session, *, term_id: int, data: TermCreate, actor: str, now: datetime
) -> ClassificationTerm:
    advisory_lock(session, CONFIG_LOCK)
    config_checks.check_term(data)
    term = get_term(session, term_id=term_id)
    _refuse_duplicate_term(session, data, term_id=term_id)
    before = term.model_dump(exclude={"id"}, mode="json")
    for name, value in data.model_dump().items():
        setattr(term, name, value)
    session.add(term)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.term.update",
        entity_type="complaint_term",
        entity_id=term.id,
        before=before,
        after=term.model_dump(exclude={"id"}, mode="json"),
    )
    session.commit()
    return term


def delete_term(session: Session, *, term_id: int, actor: str, now: datetime) -> None:
    advisory_lock(session, CONFIG_LOCK)
    term = get_term(session, term_id=term_id)
    before = term.model_dump(exclude={"id"}, mode="json")
    session.delete(term)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="complaint.term.delete",
        entity_type="complaint_term",
        entity_id=term_id,
        before=before,
    )
    session.commit()
