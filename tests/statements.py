"""What a block of code asks the database: the statements it runs, and the tables each SELECT
statement reads."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

FROM = re.compile(r"\b(?:FROM|JOIN) (\w+)", re.I)


@contextmanager
def tables_read(session: Session) -> Iterator[Counter[str]]:
    """How many SELECT statements read each table while the block runs on `session`."""
    seen: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.update(set(FROM.findall(statement)))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


@contextmanager
def statements_run(session: Session) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the block runs on `session`, with its parameters, in order."""
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", keep)
