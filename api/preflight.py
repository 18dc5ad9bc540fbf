"""What the command line checks before it starts anything, so a bad setting or an unready
database is one line on stderr and an exit code, never a traceback from deep inside nor a
server that starts and then fails on every request and tick.

- Settings: each invalid `DUTYDESK_*` variable is named with the reason, never with its
  value (a database URL or a secret would end up in a terminal or a log).
- Database: reachable, and migrated to exactly the revision this code needs.
- Clock file (test seam): readable and holding an aware instant.
Exit codes: 2 for configuration, 1 for a database that is not there or not ready.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from api.problems import driver_reason
from core.clock import FileClock
from core.config import Settings
from core.migrate import alembic_config

CONFIG_EXIT = 2
DATABASE_EXIT = 1
_FIELD = re.compile(r'field "([a-z_]+)"')


class Refused(Exception):
    """A pre-flight check failed: `str(self)` is the one line to print."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _variable(field: str) -> str:
    return f"DUTYDESK_{field.upper()}"


def settings_problem(exc: ValueError) -> str:
    """One line naming each invalid variable and why, without the values."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_input=False, include_url=False):
            message = str(error["msg"]).removeprefix("Value error, ")
            location = [str(part) for part in error["loc"]]
            if location:
                name = _variable(location[0]) + "".join(f"[{p}]" for p in location[1:])
                parts.append(f"{name}: {message}")
            else:  # a rule across variables names them in its message
                parts.append(message)
        return "; ".join(parts)
    if isinstance(exc, SettingsError) and (field := _FIELD.search(str(exc))):
        return f"{_variable(field.group(1))}: not valid JSON"
    return str(exc).splitlines()[0]


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database failure inside a command into a `Refused` line."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise Refused(f"database error: {driver_reason(exc)}", DATABASE_EXIT) from exc


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def check_database(engine: Engine, *, at_head: bool = True) -> None:
    """The database answers and has a schema: this code's head revision, or with
    `at_head=False` any (`audit verify` reads an old database before its upgrade too)."""
    head = head_revision()
    with database_errors(), engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head or (current is not None and not at_head):
        return
    if current is None:
        message = "the database has no schema yet: run `dutydesk db upgrade`"
    elif current in _known_revisions():
        message = (
            f"the database is at revision {current}, this DutyDesk needs {head}: "
            "run `dutydesk db upgrade`"
        )
    else:
        message = (
            f"the database is at revision {current}, which this DutyDesk does not know "
            "(migrated by a newer version?): run that version or restore a backup"
        )
    raise Refused(message, DATABASE_EXIT)


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {revision.revision for revision in script.walk_revisions()}


def check_clock(settings: Settings) -> None:
    if not settings.clock_file:
        return
    try:
        FileClock(settings.clock_file).now()
    except (OSError, ValueError) as exc:
        raise Refused(
            f"DUTYDESK_CLOCK_FILE: cannot read an aware ISO 8601 instant from "
            f"{settings.clock_file}: {exc}",
            CONFIG_EXIT,
        ) from exc
