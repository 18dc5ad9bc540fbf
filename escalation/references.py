"""Incidents named by what people write in other records (a duty-log entry's incident
reference): the short code the pages and the SMS call an incident by (`1234`, `#1234`), or
`INC-<id>`, the reference the outbox shows.

Short codes are unique only among unresolved incidents (escalation.service.new_short_code),
so a code is resolved to the incident holding it that opened nearest to the instant the
record is about; a reference naming no incident resolves to nothing (the record keeps the
text as typed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from escalation.models import Incident

_ROW_ID = re.compile(r"^INC-(\d{1,18})$", re.IGNORECASE)
_SHORT_CODE = re.compile(r"^#?(\d{4})$")

Reference = tuple[str, datetime]  # (what was written, the instant the record is about)


def resolve(session: Session, *, refs: Iterable[Reference]) -> dict[Reference, Incident]:
    """The incident each of `refs` names, for those that name one (two queries at most)."""
    wanted = list(dict.fromkeys(refs))
    ids = {ref: int(m[1]) for ref in wanted if (m := _ROW_ID.match(ref[0].strip()))}
    codes = {ref: m[1] for ref in wanted if (m := _SHORT_CODE.match(ref[0].strip()))}
    by_id: dict[int, Incident] = {}
    if ids:
        rows = session.exec(select(Incident).where(col(Incident.id).in_(set(ids.values()))))
        by_id = {i.id: i for i in rows.all() if i.id is not None}
    holding: dict[str, list[Incident]] = {}
    if codes:
        rows = session.exec(
            select(Incident).where(col(Incident.short_code).in_(set(codes.values())))
        )
        for incident in rows.all():
            holding.setdefault(incident.short_code, []).append(incident)
    found: dict[Reference, Incident] = {
        ref: by_id[number] for ref, number in ids.items() if number in by_id
    }
    for ref, code in codes.items():
        if holding.get(code):
            at = ref[1]
            found[ref] = min(
                holding[code], key=lambda i: (abs((i.opened_at - at).total_seconds()), -(i.id or 0))
            )
    return found
