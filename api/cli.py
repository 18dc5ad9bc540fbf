"""The `dutydesk` command line: serve, demo, db upgrade and downgrade, user create, audit verify,
roster bench."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from api import preflight
from core.clock import SystemClock
from core.config import RunMode, Settings, get_settings
from core.db import make_engine, read_session, write_session
from core.errors import DomainError
from core.users import Role

app = typer.Typer(
    help="DutyDesk: duty rosters, emergency escalation and complaint handling.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="Audit log.", no_args_is_help=True)
roster_app = typer.Typer(help="Roster solver.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(roster_app, name="roster")

Host = Annotated[str, typer.Option(help="Interface to bind.")]
Port = Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)]


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:
        typer.echo(f"configuration error: {preflight.settings_problem(exc)}", err=True)
        raise typer.Exit(preflight.CONFIG_EXIT) from exc


def _refuse(exc: preflight.Refused) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(exc.exit_code)


def _ready(settings: Settings, *, at_head: bool = True) -> None:
    """The database answers at this code's revision and the clock file reads: checked before
    anything starts, so a server never starts only to fail on every request and tick."""
    engine = make_engine(settings.database_url)
    try:
        preflight.check_clock(settings)
        preflight.check_database(engine, at_head=at_head)
    except preflight.Refused as exc:
        raise _refuse(exc) from exc
    finally:
        engine.dispose()


def _served_at(settings: Settings, host: str, port: int) -> Settings:
    """Without DUTYDESK_PUBLIC_URL, links that leave the page (iCal feeds, Twilio callbacks)
    name the address this server listens on, not the default port 8000; a server listening
    on every interface is named by its loopback address."""
    if "public_url" in settings.model_fields_set:
        return settings
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return settings.model_copy(update={"public_url": f"http://{shown}:{port}"})


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from api import access_log
    from api.app import create_app

    _ready(settings)
    settings = _served_at(settings, host, port)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per tick is noise
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting of report PDFs
    # the Twilio client logs eight lines per API call; our timeline records every page
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    access_log.install()  # feed tokens in /ical/<token>.ics are secrets
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Serve the API and web pages (the database must be migrated: `dutydesk db upgrade`)."""
    _serve(_settings(), host, port)


@app.command()
def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    seed_only: Annotated[bool, typer.Option(help="Seed and exit without serving.")] = False,
    complaints: Annotated[
        bool,
        typer.Option(help="Also seed complaint handling (items, routing rules, terms)."),
    ] = True,
) -> None:
    """Migrate, seed a realistic demo centre (idempotent) and serve it."""
    from api import demo as demo_data
    from api import demo_complaints
    from core.migrate import upgrade

    settings = _settings()
    try:
        with preflight.database_errors():
            upgrade(settings.database_url)
    except preflight.Refused as exc:
        raise _refuse(exc) from exc
    engine = make_engine(settings.database_url)
    now = SystemClock().now()
    with write_session(engine) as session:
        created = demo_data.seed(session, now=now)
    typer.echo("demo centre seeded" if created else "demo centre already present")
    roster_id = demo_data.seed_roster(lambda: write_session(engine), now=now, tz=settings.tz)
    if roster_id is not None:
        typer.echo(f"demo roster {roster_id} generated")
    items = 0
    if complaints:
        with write_session(engine) as session:
            items = demo_complaints.seed_complaints(session, now=now)
    if items:
        typer.echo(f"demo complaints: {items} items (routing rules, terms, unit profiles)")
    engine.dispose()
    typer.echo(
        f"logins (password {demo_data.DEMO_PASSWORD!r}): " + ", ".join(role.value for role in Role)
    )
    if not seed_only:
        typer.echo(f"serving on http://{host}:{port}/ (API docs at /docs)")
        _serve(settings, host, port)


def _migrate(move: Callable[[str, str], None], revision: str) -> None:
    """Take DUTYDESK_DATABASE_URL's schema to `revision` with `move` (core.migrate's upgrade or
    downgrade); an unknown revision is one line on stderr and exit code 2."""
    from alembic.util import CommandError

    settings = _settings()
    try:
        with preflight.database_errors():
            move(settings.database_url, revision)
    except CommandError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(preflight.CONFIG_EXIT) from exc
    except preflight.Refused as exc:
        raise _refuse(exc) from exc
    typer.echo(f"database at {revision}")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply the schema migrations to DUTYDESK_DATABASE_URL."""
    from core.migrate import upgrade

    _migrate(upgrade, revision)


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str,
        typer.Argument(
            help="Revision to go back to (e.g. 0029_keyed_history); `-- -1` for one back."
        ),
    ],
) -> None:
    """Undo the schema migrations after REVISION, to roll back a release (README: Production).
    Columns those migrations added are dropped with what they held."""
    from core.migrate import downgrade

    _migrate(downgrade, revision)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Option(help="Login name.")],
    role: Annotated[Role, typer.Option(help="Role.")],
    password: Annotated[
        str,
        typer.Option(
            envvar="DUTYDESK_USER_PASSWORD",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Password (prompted when absent; or DUTYDESK_USER_PASSWORD).",
        ),
    ],
    full_name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user with a role."""
    from pydantic import ValidationError

    from api.schemas import UserCreate
    from core import users as user_service

    try:  # the rules of POST /api/v1/users
        body = UserCreate(username=username, password=password, role=role, full_name=full_name)
    except ValidationError as exc:
        error = exc.errors(include_input=False, include_url=False)[0]
        option = "--" + str(error["loc"][0]).replace("_", "-")
        typer.echo(f"error: {option}: {error['msg']}", err=True)
        raise typer.Exit(preflight.CONFIG_EXIT) from exc
    settings = _settings()
    _ready(settings)
    engine = make_engine(settings.database_url)
    try:
        with preflight.database_errors(), write_session(engine) as session:
            user = user_service.create_user(
                session,
                username=body.username,
                password=body.password,
                role=body.role,
                full_name=body.full_name,
                actor=f"cli:{os.environ.get('USER', 'unknown')}",
                now=SystemClock().now(),
            )
            typer.echo(f"created user {user.username} ({user.role.value}) id={user.id}")
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    except preflight.Refused as exc:
        raise _refuse(exc) from exc
    finally:
        engine.dispose()


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        str | None,
        typer.Option(
            help="SEQ:HASH printed by an earlier verify: also fail if the chain no longer "
            "reaches that entry unchanged (its newest entries deleted or rewritten)"
        ),
    ] = None,
) -> None:
    """Recompute the audit log's hash chain; exit 1 if it was tampered with. Prints the head
    (SEQ:HASH): keep it outside the database to detect a cut-off tail later with --head."""
    from core import audit

    expected: tuple[int, str] | None = None
    if head is not None:
        seq, _, digest = head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            typer.echo("error: --head must be SEQ:HASH (a 64-character hex hash)", err=True)
            raise typer.Exit(2)
        expected = (int(seq), digest.lower())
    settings = _settings()
    _ready(settings, at_head=False)
    engine = make_engine(settings.database_url)
    try:
        with preflight.database_errors(), read_session(engine) as session:
            report = audit.verify_chain(session, expected_head=expected)
    except preflight.Refused as exc:
        raise _refuse(exc) from exc
    finally:
        engine.dispose()
    if report.ok:
        typer.echo(f"audit chain ok: {report.entries} entries")
        typer.echo(f"head {report.head_seq}:{report.head_hash}")
        return
    typer.echo(f"audit chain BROKEN at seq {report.first_bad_seq}: {report.reason}", err=True)
    raise typer.Exit(1)


@roster_app.command("bench")
def roster_bench(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Curtois–Qu .txt")],
    seconds: Annotated[float, typer.Option(min=0.1, help="Time limit.")] = 60.0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="CP-SAT workers.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Solve a Curtois–Qu benchmark instance (format: shared/benchmarks/shift-scheduling)."""
    from scheduler.benchmark_format import read_instance
    from scheduler.benchmark_model import benchmark_json

    try:
        read_instance(file)  # every input problem is a ValueError naming the file and line
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(preflight.CONFIG_EXIT) from exc
    result = benchmark_json(file, seconds=seconds, workers=workers)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    typer.echo(
        f"{result['instance']}: status={result['status']} objective={result['objective']} "
        f"bound={result['bound']} seconds={result['seconds']:.1f}"
    )


def main() -> None:
    if os.environ.get("DUTYDESK_ENV") is None and len(sys.argv) > 1 and sys.argv[1] == "demo":
        os.environ["DUTYDESK_ENV"] = RunMode.demo.value
    app()


if __name__ == "__main__":
    main()
