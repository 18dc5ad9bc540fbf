"""Optimistic concurrency for records edited in a form as a whole (HTTP `ETag` / `If-Match`).

A page that loads a record to edit it gets the record's tag (`tag_of` its JSON form) and sends
it back with the save; the save is refused (`EditedElsewhere`, 412) when the record changed in
between, instead of silently putting back what the other person changed. Without a tag the
save applies as before (API clients that replace the whole record on purpose). The check runs
inside the writing transaction, after the record's lock, so two saves at once cannot both
pass it."""

from __future__ import annotations

import hashlib
import json

from core.errors import DomainError


class EditedElsewhere(DomainError):
    status = 412
    code = "edited_elsewhere"
    title = "Changed by someone else"


def tag_of(document: object) -> str:
    """A strong entity tag (quoted) of a JSON-able document."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32] + '"'


def check_if_match(if_match: str | None, current: object) -> None:
    """Refuse unless `if_match` (an `If-Match` value, possibly a list or `*`) names the tag
    of `current`; no `if_match` passes."""
    if if_match is None or not if_match.strip():
        return
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" in tags or tag_of(current) in tags:
        return
    raise EditedElsewhere(
        "someone else saved this record after you loaded it: reload it to see their change, "
        "then make yours again"
    )
