"""Migration 0018 on a database of the previous version: a dictionary in use gets the utility
terms once (an admin's own utility term is kept, not doubled), an empty one stays empty (the
code seeds it), and the new columns exist with their defaults."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from core.migrate import upgrade

OLD = "0016_tz50"


def _terms(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT term, kind FROM complaint_term ORDER BY kind, term")
        )
        return [(r[0], r[1]) for r in rows]


def test_upgrade_adds_utility_terms_to_a_dictionary_in_use(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, OLD)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO complaint_term (term, kind, domain, weight, is_active) VALUES "
                "('酒店', 'domain', 'price', 1, 1), ('停水', 'utility', NULL, 3, 1)"
            )
        )
    upgrade(url)
    terms = _terms(engine)
    assert terms.count(("停水", "utility")) == 1 and ("供暖", "utility") in terms
    assert ("酒店", "domain") in terms
    columns = {c["name"]: c for c in sa.inspect(engine).get_columns("complaint")}
    assert not columns["utility"]["nullable"] and columns["next_due_unit"]["nullable"]
    assert "started_at" in {c["name"] for c in sa.inspect(engine).get_columns("complaint_clock")}
    engine.dispose()


def test_an_empty_dictionary_stays_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url, OLD)
    upgrade(url)
    engine = sa.create_engine(url)
    assert _terms(engine) == []
    engine.dispose()
