"""The `dutydesk` command line, run as a real process against a fresh SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

DUTYDESK = [sys.executable, "-m", "api.cli"]
ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DUTYDESK_DATABASE_URL": f"sqlite:///{db}",
        "DUTYDESK_ENV": "test",
        **env,
    }
    return subprocess.run(
        DUTYDESK + args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["demo"],
        ["db"],
        ["db", "upgrade"],
        ["db", "downgrade"],
        ["user"],
        ["user", "create"],
        ["audit", "verify"],
        ["roster", "bench"],
    ],
)
def test_help_everywhere(tmp_path: Path, command: list[str]) -> None:
    result = _run([*command, "--help"], tmp_path / "x.db")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_upgrade_create_user_and_verify_the_audit_chain(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert _run(["db", "upgrade"], db).returncode == 0
    created = _run(
        ["user", "create", "--username", "ops", "--role", "admin"],
        db,
        DUTYDESK_USER_PASSWORD="a-long-password",
    )
    assert created.returncode == 0, created.stderr
    assert "created user ops (admin)" in created.stdout
    duplicate = _run(
        ["user", "create", "--username", "ops", "--role", "admin"],
        db,
        DUTYDESK_USER_PASSWORD="a-long-password",
    )
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    verified = _run(["audit", "verify"], db)
    assert verified.returncode == 0 and "audit chain ok: 1 entries" in verified.stdout


def _revision(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_downgrade_rolls_a_release_back_and_upgrade_brings_it_forward_with_the_data(
    tmp_path: Path,
) -> None:
    db = tmp_path / "back.db"
    assert _run(["db", "upgrade"], db).returncode == 0
    head = _revision(db)
    created = _run(
        ["user", "create", "--username", "ops", "--role", "admin"],
        db,
        DUTYDESK_USER_PASSWORD="a-long-password",
    )
    assert created.returncode == 0, created.stderr

    back = _run(["db", "downgrade", "--", "-1"], db)
    assert back.returncode == 0, back.stderr
    assert "database at -1" in back.stdout and _revision(db) not in ("", head)
    again = _run(["db", "downgrade", _revision(db)], db)  # already there: nothing to undo
    assert again.returncode == 0, again.stderr

    assert _run(["db", "upgrade"], db).returncode == 0
    assert _revision(db) == head
    verified = _run(["audit", "verify"], db)
    assert verified.returncode == 0 and "audit chain ok: 1 entries" in verified.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["db", "downgrade", "0007_no_such_revision"], "error: "),
        (["db", "downgrade"], "Missing argument"),
    ],
)
def test_downgrade_refuses_an_unknown_or_missing_revision(
    tmp_path: Path, args: list[str], said: str
) -> None:
    db = tmp_path / "refused.db"
    assert _run(["db", "upgrade"], db).returncode == 0
    head = _revision(db)
    result = _run(args, db)
    assert result.returncode == 2 and said in result.stderr
    assert "Traceback" not in result.stderr
    assert _revision(db) == head


def test_audit_verify_detects_tampering(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert _run(["demo", "--seed-only"], db).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5")
    result = _run(["audit", "verify"], db)
    assert result.returncode == 1
    assert "BROKEN at seq 5" in result.stderr


def test_audit_verify_detects_a_cut_off_tail_against_the_printed_head(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert _run(["demo", "--seed-only"], db).returncode == 0
    first = _run(["audit", "verify"], db)
    head = first.stdout.split("head ")[1].strip()
    assert _run(["audit", "verify", "--head", head], db).returncode == 0
    with sqlite3.connect(db) as connection:
        connection.execute("DROP TRIGGER audit_log_no_delete")
        connection.execute("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
    assert _run(["audit", "verify"], db).returncode == 0  # the rest is a valid chain
    cut = _run(["audit", "verify", "--head", head], db)
    assert cut.returncode == 1 and "newest entries were deleted" in cut.stderr


def test_demo_seed_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = _run(["demo", "--seed-only"], db)
    assert first.returncode == 0 and "demo centre seeded" in first.stdout
    second = _run(["demo", "--seed-only"], db)
    assert second.returncode == 0 and "already present" in second.stdout
    with sqlite3.connect(db) as connection:
        units = connection.execute("SELECT count(*) FROM unit").fetchone()[0]
        roles = {r for (r,) in connection.execute("SELECT role FROM user")}
    assert units == 12
    assert roles == {
        "admin",
        "planner",
        "duty_officer",
        "coordinator",
        "handler",
        "leader",
        "viewer",
    }


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    result = _run(["db", "upgrade"], tmp_path / "p.db", DUTYDESK_ENV="production")
    assert result.returncode == 2
    assert "DUTYDESK_SECRET_KEY" in result.stderr


def test_roster_bench_prints_the_documented_json(tmp_path: Path) -> None:
    instance = ROOT.parent / "shared/benchmarks/shift-scheduling/instances/Instance1.txt"
    if not instance.exists():
        pytest.skip("shared benchmarks are not beside the checkout")
    result = _run(
        ["roster", "bench", str(instance), "--seconds", "10", "--json"], tmp_path / "b.db"
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"instance", "status", "objective", "bound", "seconds", "roster"}
    assert body["instance"] == "Instance1" and body["objective"] == 607
    assert len(body["roster"]) == 8 and all(len(days) == 14 for days in body["roster"].values())
