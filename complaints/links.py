"""The items an item is linked to, both ways, as its detail shows them.

- `split`: the other half of a submission split into a complaint and a report (Art. 9,
  `linked_item_id`, set on both);
- `clue_handed_over` / `clue_from_mediation`: the report made from a violation clue found in
  a complaint's mediation, and that complaint (Art. 27, `source_item_id` on the report);
- `repeat_of` / `repeated_by`: a repeated report and the report it repeats (Art. 35,
  `repeat_of_id` on the repeat).

A reader sees only the links to items they may see (a handling unit: its own units' items).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select

from complaints.models import Complaint
from complaints.schemas import LinkPublic


class Relation(StrEnum):
    split_half = "split"
    clue_handed_over = "clue_handed_over"
    clue_from_mediation = "clue_from_mediation"
    repeat_of = "repeat_of"
    repeated_by = "repeated_by"


def _relation(item: Complaint, other: Complaint) -> Relation:
    if other.id == item.source_item_id:
        return Relation.clue_from_mediation
    if other.source_item_id == item.id:
        return Relation.clue_handed_over
    if other.id == item.repeat_of_id:
        return Relation.repeat_of
    if other.repeat_of_id == item.id:
        return Relation.repeated_by
    return Relation.split_half


# built once: every detail lists its links (building and keying the statement cost about as
# much as running it)
_LINKED = (
    select(Complaint)
    .where(
        or_(
            col(Complaint.id).in_(bindparam("outward", expanding=True)),
            Complaint.source_item_id == bindparam("item_id"),
            Complaint.repeat_of_id == bindparam("item_id"),
        ),
        Complaint.id != bindparam("item_id"),
    )
    .order_by(col(Complaint.id))
)


def links_of(
    session: Session, item: Complaint, *, visible: Callable[[Complaint], bool]
) -> list[LinkPublic]:
    """Every item linked to `item` that `visible` lets the reader see, oldest first."""
    assert item.id is not None
    outward = [i for i in (item.linked_item_id, item.source_item_id, item.repeat_of_id) if i]
    others = session.exec(_LINKED, params={"outward": outward, "item_id": item.id}).all()
    return [
        LinkPublic(
            id=other.id,
            ref=other.ref,
            item_type=other.item_type,
            status=other.status,
            relation=_relation(item, other).value,
        )
        for other in others
        if other.id is not None and visible(other)
    ]
