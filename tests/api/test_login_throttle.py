"""Failed sign-ins are throttled per username and client, per client, and per username from
all clients: failures from one client refuse that client (429 problem+json, Retry-After) for
that username, or for every username after `CLIENT_FAILURES_ALLOWED` of them (password
spraying), on every instance, until the oldest of those failures leaves the window, while
other clients, the user's own, still sign in; guessing one username from many clients meets
a ceiling that refuses every client the user has not signed in from. The first refusal of a
client (and username) in a window is audited, the rest are counted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from functools import partial

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlmodel import Session, select

from api.app import create_app
from api.deps import SESSION_COOKIE
from core.audit import AuditEntry
from core.clock import FakeClock
from core.config import Settings
from core.login_throttle import (
    CLIENT_FAILURES_ALLOWED,
    LOCK_WINDOW,
    LOGIN_FAILURES_ALLOWED,
    USERNAME_FAILURES_ALLOWED,
    LoginPair,
    client_key,
)
from tests.conftest import TEST_PASSWORD, make_user, savepoint_session

SPRAYER = ("203.0.113.7", 40000)
OTHER = ("198.51.100.9", 40000)


def _app(connection: Connection, clock: FakeClock, settings: Settings) -> FastAPI:
    return create_app(settings, clock=clock, session_factory=partial(savepoint_session, connection))


@pytest.fixture
def two_instances(
    connection: Connection, clock: FakeClock, settings: Settings
) -> Iterator[tuple[TestClient, TestClient, TestClient]]:
    """Two app instances sharing nothing but the database: the sprayer's client on each, and
    another client's on the first."""
    first, second = _app(connection, clock, settings), _app(connection, clock, settings)
    with (
        TestClient(first, raise_server_exceptions=False, client=SPRAYER) as a,
        TestClient(second, raise_server_exceptions=False, client=SPRAYER) as b,
        TestClient(first, raise_server_exceptions=False, client=OTHER) as other,
    ):
        yield a, b, other


def _token(client: TestClient, username: str, password: str = "spring2026!") -> int:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    return response.status_code


def _refusals(session: Session, username: str) -> list[dict[str, object]]:
    entries = session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == "auth.login_refused", AuditEntry.entity_id == username)
        .order_by(AuditEntry.seq)  # type: ignore[arg-type]
    ).all()
    assert {e.actor for e in entries} <= {username}
    return [json.loads(e.after or "{}") for e in entries]


def test_failures_from_one_client_do_not_lock_the_user_out_of_another(
    two_instances: tuple[TestClient, TestClient, TestClient], session: Session, clock: FakeClock
) -> None:
    """An attacker anywhere guessing the duty officer's password locks only themselves out."""
    a, b, officer = two_instances
    make_user(session, username="chen")
    for n in range(LOGIN_FAILURES_ALLOWED):
        assert _token(a if n % 2 else b, "chen") == 401
    for instance in (a, b):  # even with the right password, on every instance
        refused = instance.post(
            "/api/v1/auth/token", data={"username": "chen", "password": TEST_PASSWORD}
        )
        assert refused.status_code == 429, refused.text
        assert refused.headers["retry-after"] == str(int(LOCK_WINDOW.total_seconds()))
        assert refused.json()["code"] == "too_many_attempts"
    assert _token(a, "someone-else", TEST_PASSWORD) == 401  # the client's other usernames
    assert _token(officer, "chen", TEST_PASSWORD) == 200
    page = officer.post(
        "/login", data={"username": "chen", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert page.status_code == 303 and SESSION_COOKIE in page.headers["set-cookie"]
    clock.advance(LOCK_WINDOW)
    assert _token(b, "chen", TEST_PASSWORD) == 200


def test_guessing_one_username_from_many_clients_meets_a_ceiling_known_clients_pass(
    connection: Connection, clock: FakeClock, settings: Settings, session: Session
) -> None:
    """Spread over many addresses, each under its own limits, the guesses at one username
    stop at the ceiling for every client except those the user signed in from before."""
    make_user(session, username="chen")
    first, second = _app(connection, clock, settings), _app(connection, clock, settings)
    with TestClient(first, client=("192.0.2.1", 40000)) as desk:
        assert _token(desk, "chen", TEST_PASSWORD) == 200  # the duty room's desk, yesterday
    clock.advance(timedelta(days=1))
    per_client = LOGIN_FAILURES_ALLOWED - 1
    for n in range(USERNAME_FAILURES_ALLOWED):
        app = first if n % 2 else second
        with TestClient(app, client=(f"203.0.113.{n // per_client + 1}", 40000)) as guesser:
            assert _token(guesser, "chen") == 401, n
    with TestClient(second, client=("198.51.100.9", 40000)) as fresh:
        refused = fresh.post(
            "/api/v1/auth/token", data={"username": "chen", "password": TEST_PASSWORD}
        )
        assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
        assert int(refused.headers["retry-after"]) == int(LOCK_WINDOW.total_seconds())
        assert _token(fresh, "lin", TEST_PASSWORD) == 401  # other usernames are not refused
    with TestClient(second, client=("192.0.2.1", 40000)) as desk:
        assert _token(desk, "chen", TEST_PASSWORD) == 200
    clock.advance(LOCK_WINDOW)
    with TestClient(first, client=("198.51.100.9", 40000)) as fresh:
        assert _token(fresh, "chen", TEST_PASSWORD) == 200


def test_a_refused_sign_in_is_audited_once_per_client_and_window(
    two_instances: tuple[TestClient, TestClient, TestClient], session: Session, clock: FakeClock
) -> None:
    a, b, _ = two_instances
    make_user(session, username="chen")
    for _ in range(LOGIN_FAILURES_ALLOWED):
        assert _token(a, "chen") == 401
    for n in range(4):
        assert _token(a if n % 2 else b, "chen", TEST_PASSWORD) == 429
    assert _refusals(session, "chen") == [
        {
            "client": SPRAYER[0],
            "limits": ["pair"],
            "retry_after": 900,
            "unaudited_refusals_before": 0,
        }
    ]
    pair = session.exec(select(LoginPair).where(LoginPair.username == "chen")).one()
    assert (pair.client, pair.refused_unaudited) == (SPRAYER[0], 3)
    clock.advance(LOCK_WINDOW)  # the next lock of the pair is audited again
    for _ in range(LOGIN_FAILURES_ALLOWED):
        assert _token(b, "chen") == 401
    assert _token(a, "chen") == 429
    assert _refusals(session, "chen")[1:] == [
        {
            "client": SPRAYER[0],
            "limits": ["pair"],
            "retry_after": 900,
            "unaudited_refusals_before": 3,
        }
    ]


def test_a_client_refused_for_its_own_limit_is_audited_once_whatever_the_usernames(
    two_instances: tuple[TestClient, TestClient, TestClient], session: Session
) -> None:
    a, b, _ = two_instances
    for n in range(CLIENT_FAILURES_ALLOWED):
        assert _token(a, f"user{n}") == 401
    for n in range(30):
        assert _token(a if n % 2 else b, f"more{n}") == 429
    refused = session.exec(
        select(AuditEntry).where(AuditEntry.action == "auth.login_refused")
    ).all()
    assert [(e.actor, json.loads(e.after or "{}")["limits"]) for e in refused] == [
        ("more0", ["client"])
    ]


def test_a_client_spraying_many_usernames_is_refused_on_every_instance(
    two_instances: tuple[TestClient, TestClient, TestClient],
    session: Session,
    clock: FakeClock,
) -> None:
    a, b, other = two_instances
    make_user(session, username="chen")
    for n in range(CLIENT_FAILURES_ALLOWED):
        assert _token(a if n % 2 else b, f"user{n}") == 401  # each username fails once only
    for instance in (a, b):
        refused = instance.post(
            "/api/v1/auth/token", data={"username": "chen", "password": TEST_PASSWORD}
        )
        assert refused.status_code == 429, refused.text
        assert refused.headers["retry-after"] == str(int(LOCK_WINDOW.total_seconds()))
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "too_many_attempts"
    page = b.post(
        "/login", data={"username": "chen", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert page.status_code == 429 and "retry-after" in page.headers
    assert SESSION_COOKIE not in page.headers.get("set-cookie", "")
    assert _token(other, "chen", TEST_PASSWORD) == 200  # another client is not locked out
    clock.advance(LOCK_WINDOW - timedelta(seconds=1))
    assert _token(a, "chen", TEST_PASSWORD) == 429
    clock.advance(timedelta(seconds=1))
    assert _token(a, "chen", TEST_PASSWORD) == 200


def test_a_successful_sign_in_does_not_reset_the_client_count(
    two_instances: tuple[TestClient, TestClient, TestClient], session: Session
) -> None:
    """An attacker with an account of their own cannot sign in between guesses to reset it."""
    a, _, _ = two_instances
    make_user(session, username="mallory")
    for n in range(CLIENT_FAILURES_ALLOWED - 1):
        assert _token(a, f"user{n}") == 401
        if n % 5 == 4:
            assert _token(a, "mallory", TEST_PASSWORD) == 200
    assert _token(a, "last-guess") == 401
    assert _token(a, "mallory", TEST_PASSWORD) == 429


def test_each_failure_is_audited_with_the_client_address(
    two_instances: tuple[TestClient, TestClient, TestClient], session: Session
) -> None:
    a, _, _ = two_instances
    assert _token(a, "nobody") == 401
    entry = session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "auth.login_failed", AuditEntry.entity_id == "nobody"
        )
    ).one()
    assert entry.actor == "nobody"
    assert json.loads(entry.after or "{}") == {"client": SPRAYER[0]}
    assert "spring2026" not in (entry.after or "")  # never the password


def test_an_ipv6_client_counts_by_its_64_network(
    connection: Connection, clock: FakeClock, settings: Settings, session: Session
) -> None:
    """A host holds a whole /64: a fresh address per guess must not escape the count."""
    make_user(session, username="chen")
    app = _app(connection, clock, settings)
    for n in range(CLIENT_FAILURES_ALLOWED):
        with TestClient(app, client=(f"2001:db8:1:2::{n + 1:x}", 40000)) as guesser:
            assert _token(guesser, f"user{n}") == 401
    with TestClient(app, client=("2001:db8:1:2:ffff::1", 40000)) as same_network:
        assert _token(same_network, "chen", TEST_PASSWORD) == 429
    with TestClient(app, client=("2001:db8:1:3::1", 40000)) as next_network:
        assert _token(next_network, "chen", TEST_PASSWORD) == 200


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # an IPv4 client on a dual-stack socket
        ("testclient", "testclient"),
    ],
)
def test_client_key(address: str, key: str) -> None:
    assert client_key(address) == key
