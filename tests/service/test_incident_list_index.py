"""The incident list's pages (escalation.listing: newest first by (opened_at, id), keyset
paging) are read from `ix_incident_opened_at_id` (migration 0022) on both databases, the
first page, an older page and a newer page alike, instead of sorting every incident; an older
or newer page seeks the index to its position (a row-value comparison) instead of walking it
from one end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session

from escalation import listing
from escalation.models import Incident
from escalation.state import IncidentStatus
from tests.conftest import T0
from tests.statements import statements_run

INDEX = "ix_incident_opened_at_id"


def _incidents(session: Session, count: int) -> None:
    """`count` incidents, a few opened in each minute, most of them resolved."""
    rows = [
        {
            "title": f"电梯困人{n}",
            "description": "",
            "category": "special_equipment",
            "severity": "IV",
            "place": f"幸福小区{n}号楼",
            "caller_name": "",
            "status": IncidentStatus.resolved if n % 10 else IncidentStatus.open,
            "short_code": f"{n % 10_000:04d}",
            "policy_json": "{}",
            "state_json": "{}",
            "initial_report_minutes": 60,
            "written_report_minutes": 120,
            "opened_at": T0 - timedelta(minutes=n // 3),
            "opened_by": "test",
            "equipment_user": "",
            "measures_taken": "",
        }
        for n in range(count)
    ]
    session.execute(insert(Incident), rows)
    session.commit()
    session.connection().exec_driver_sql("ANALYZE incident")


def _plans(session: Session, **arguments: object) -> list[str]:
    """The plans of the ordered statements one `listing.page` call runs."""
    with statements_run(session) as statements:
        listing.page(session, **arguments)  # type: ignore[arg-type]
    connection = session.connection()
    explain = "EXPLAIN" if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    ordered = [(s, p) for s, p in statements if "ORDER BY" in s]
    assert ordered
    plans = []
    for statement, params in ordered:
        rows = connection.exec_driver_sql(f"{explain} {statement}", params).all()  # type: ignore[arg-type]
        plans.append("\n".join(str(r[-1]) for r in rows))
    return plans


def test_every_page_of_the_incident_list_is_read_from_its_index(session: Session) -> None:
    _incidents(session, 3000)
    first = listing.page(session, limit=50)
    assert first.older is not None
    middle = listing.page(session, limit=50, before=first.older)
    assert middle.older is not None and middle.newer is not None
    for arguments in (
        {"limit": 50},
        {"limit": 50, "before": middle.older},
        {"limit": 50, "after": middle.newer},
        {"limit": 50, "status": IncidentStatus.resolved},
    ):
        for plan in _plans(session, **arguments):
            assert INDEX in plan, (arguments, plan)
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, (arguments, plan)
            if "before" in arguments or "after" in arguments:  # seeks to the position
                assert "SEARCH incident" in plan or "Index Cond: (ROW(" in plan, plan
