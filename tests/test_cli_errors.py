"""What an operator sees when something is wrong: one line on stderr naming the variable,
file or database problem (never a traceback, never a secret), exit code 2 for configuration
and usage, 1 for a database that is not there or not ready; a server never starts on a
database it cannot use."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from core.migrate import upgrade
from tests.test_cli import _run

OLD_REVISION = "0009_insight"
SECTIONS = [
    f"SECTION_{name}"
    for name in (
        "HORIZON",
        "SHIFTS",
        "STAFF",
        "DAYS_OFF",
        "SHIFT_ON_REQUESTS",
        "SHIFT_OFF_REQUESTS",
        "COVER",
    )
]


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DUTYDESK_DATABASE_URL": "garbage"}, "DUTYDESK_DATABASE_URL: not a database URL"),
        (
            {"DUTYDESK_DATABASE_URL": "postgresql://ops:hunter2-secret@db/dutydesk"},
            "DUTYDESK_DATABASE_URL: unsupported database driver 'postgresql'",
        ),
        ({"DUTYDESK_TIMEZONE": "Mars/Base"}, "DUTYDESK_TIMEZONE: unknown timezone"),
        ({"DUTYDESK_GROUP_WEBHOOKS": "{bad"}, "DUTYDESK_GROUP_WEBHOOKS: not valid JSON"),
        (
            {"DUTYDESK_GROUP_WEBHOOKS": '{"leadership": {"kind": "wecom", "url": "robot"}}'},
            "DUTYDESK_GROUP_WEBHOOKS[leadership][url]: must be an http:// or https:// URL",
        ),
        ({"DUTYDESK_PUBLIC_URL": "dutydesk.example"}, "DUTYDESK_PUBLIC_URL: must be an http"),
        ({"DUTYDESK_TICK_SECONDS": "soon"}, "DUTYDESK_TICK_SECONDS: Input should be a valid"),
        (
            {"DUTYDESK_ENV": "production", "DUTYDESK_SECRET_KEY": "hunter2-secret"},
            "DUTYDESK_SECRET_KEY must be at least 32 characters",
        ),
        (
            {"DUTYDESK_NOTIFIER": "twilio", "DUTYDESK_TWILIO_AUTH_TOKEN": "hunter2-secret"},
            "DUTYDESK_NOTIFIER=twilio needs DUTYDESK_TWILIO_ACCOUNT_SID",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable_without_its_value(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    for command in (["serve"], ["db", "upgrade"]):
        result = _run(command, tmp_path / "x.db", **env)
        assert result.returncode == 2
        line = one_line(result)
        assert line.startswith("configuration error: ") and named in line, line
        assert "hunter2" not in result.stderr + result.stdout
        assert "errors.pydantic.dev" not in line


def test_serve_refuses_a_database_without_schema_or_behind_the_code(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    empty = _run(["serve", "--port", "1"], db)
    assert empty.returncode == 1
    assert one_line(empty) == "error: the database has no schema yet: run `dutydesk db upgrade`"

    upgrade(f"sqlite:///{db}", OLD_REVISION)  # the code was upgraded, the database not
    behind = _run(["serve", "--port", "1"], db)
    assert behind.returncode == 1
    line = one_line(behind)
    assert f"the database is at revision {OLD_REVISION}, this DutyDesk needs" in line
    assert line.endswith("run `dutydesk db upgrade`")
    # the audit chain of the old database can still be checked before upgrading it
    assert _run(["audit", "verify"], db).returncode == 0

    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_future'")
    ahead = _run(["serve", "--port", "1"], db)
    assert ahead.returncode == 1 and "does not know" in one_line(ahead)


def test_an_unreachable_database_is_one_line_for_every_command(tmp_path: Path) -> None:
    env = {"DUTYDESK_USER_PASSWORD": "a-long-password"}
    for command in (
        ["db", "upgrade"],
        ["serve"],
        ["audit", "verify"],
        ["user", "create", "--username", "ops", "--role", "admin"],
    ):
        result = _run(command, tmp_path / "missing-dir" / "x.db", **env)
        assert result.returncode == 1, command
        assert one_line(result) == "error: database error: unable to open database file"


def test_a_missing_clock_file_is_refused_before_serving(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert _run(["db", "upgrade"], db).returncode == 0
    result = _run(["serve", "--port", "1"], db, DUTYDESK_CLOCK_FILE=str(tmp_path / "no-clock"))
    assert result.returncode == 2
    assert one_line(result).startswith("error: DUTYDESK_CLOCK_FILE: cannot read")


@pytest.mark.parametrize("username", ["", "  ", "a b<script>", "x" * 65])
def test_user_create_applies_the_api_rules_to_the_username(tmp_path: Path, username: str) -> None:
    db = tmp_path / "u.db"
    assert _run(["db", "upgrade"], db).returncode == 0
    result = _run(
        ["user", "create", "--username", username, "--role", "viewer"],
        db,
        DUTYDESK_USER_PASSWORD="a-long-password",
    )
    assert result.returncode == 2
    assert one_line(result).startswith("error: --username: ")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM user").fetchone()[0] == 0


def test_db_upgrade_to_an_unknown_revision_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(["db", "upgrade", "--revision", "nonsense"], tmp_path / "r.db")
    assert result.returncode == 2
    assert one_line(result) == "error: Can't locate revision identified by 'nonsense'"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"garbage\n", ", line 1: data outside of any section: 'garbage'"),
        (b"", ": missing section(s) " + ", ".join(SECTIONS)),
        (b"SECTION_HORIZON\n\x94\xff\n", ": not an ASCII text file (byte 16)"),
    ],
)
def test_roster_bench_on_a_malformed_file_names_the_file_and_problem(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    instance = tmp_path / "Broken.txt"
    instance.write_bytes(content)
    result = _run(["roster", "bench", str(instance), "--seconds", "1"], tmp_path / "b.db")
    assert result.returncode == 2
    assert one_line(result) == f"error: {instance}{reason}"
