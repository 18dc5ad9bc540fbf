"""The queue's text search from an index where the database has one (migration 0022_search).

The search itself is `queue`'s LIKE '%needle%' over the columns below; what this module adds
only narrows the rows that LIKE is evaluated on, so the results are the scan's:

- PostgreSQL: pg_trgm GIN indexes on the columns; the planner answers ILIKE (the queue
  ignores letter case) from them itself for 3+ characters (pg_trgm has no trigram for
  shorter needles: those stay a scan), as long as it plans for the needle
  (`plan_per_needle`).
- SQLite: `complaint_search`, an FTS5 table with the trigram tokenizer (case-insensitive,
  Unicode case folding) kept in step by triggers. A needle of 3+ characters is looked up there
  as a phrase, which finds every row whose column contains it in any letter case: a superset
  of SQLite's LIKE (ASCII case only); the LIKE then keeps exactly the scan's rows. Shorter
  needles have no trigram and stay the scan.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Integer, column, text
from sqlmodel import Session, col

from complaints.models import Complaint

COLUMNS = ("ref", "title", "description", "respondent_name", "external_ref")
FTS_TABLE = "complaint_search"
TRIGGERS = ("complaint_search_ai", "complaint_search_ad", "complaint_search_au")
TRIGRAM = 3  # the shortest needle an index can answer
_TRGM_INDEX_PREFIX = "ix_complaint_trgm_"

_fts_engines: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def trgm_index(column: str) -> str:
    return f"{_TRGM_INDEX_PREFIX}{column}"


def declared_by_models(name: str | None, type_: str) -> bool:
    """False for the search's tables and indexes, which the migration creates by dialect and
    the models do not declare (Alembic's `include_name`: autogenerate and the schema test
    leave them alone)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(FTS_TABLE)  # the FTS table and its shadow tables
    if type_ == "index":
        return not name.startswith(_TRGM_INDEX_PREFIX)
    return True


def fts_phrase(needle: str) -> str:
    """`needle` as one FTS5 phrase (a double quote inside is doubled)."""
    return '"' + needle.replace('"', '""') + '"'


def _has_fts(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine not in _fts_engines:
        found = session.connection().execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": FTS_TABLE},
        )
        if found.first() is None:
            return False  # not remembered: the database may be migrated later
        _fts_engines[engine] = True
    return True


def plan_per_needle(session: Session) -> None:
    """PostgreSQL: plan the search for its needle each time, in this transaction. psycopg
    prepares a statement run five times on a connection, and PostgreSQL then keeps one generic
    plan once it looks cheaper than the needles' own: the trigram indexes' for every needle,
    which for a 2-character one walks every index entry (~4 times the scan), or the scan for
    every needle."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def narrow(session: Session, needle: str) -> Any | None:
    """A condition on Complaint that holds for every row where a column contains `needle`
    (and for few others), answered from the SQLite FTS table; None where it cannot help (not
    SQLite, no FTS table, or a needle under 3 characters)."""
    if len(needle) < TRIGRAM or not _has_fts(session):
        return None
    hits = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase").bindparams(
        phrase=fts_phrase(needle)
    )
    return col(Complaint.id).in_(hits.columns(column("rowid", Integer)))
