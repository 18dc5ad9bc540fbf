from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from core import login_throttle
from core import users as user_service
from core.audit import list_entries
from core.clock import FakeClock
from core.errors import Conflict, TooManyAttempts, Unauthenticated, ValidationFailed
from core.users import Role
from tests.conftest import T0, TEST_PASSWORD, make_user


def test_password_is_stored_as_argon2_hash(session: Session) -> None:
    user = make_user(session, role=Role.planner)
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_duplicate_username_is_a_conflict(session: Session) -> None:
    make_user(session, username="alice")
    with pytest.raises(Conflict):
        make_user(session, username="alice")


def test_short_password_names_the_field(session: Session) -> None:
    with pytest.raises(ValidationFailed) as raised:
        make_user(session, password="short")
    assert raised.value.errors[0].field == "password"


def test_authenticate_accepts_right_and_rejects_wrong_password(session: Session) -> None:
    user = make_user(session, username="bob")
    found = user_service.authenticate(session, username="bob", password=TEST_PASSWORD, now=T0)
    assert found.id == user.id
    with pytest.raises(Unauthenticated):
        user_service.authenticate(session, username="bob", password="wrong-password", now=T0)
    with pytest.raises(Unauthenticated):
        user_service.authenticate(session, username="nobody", password=TEST_PASSWORD, now=T0)


def test_repeated_failures_lock_the_username_from_that_client_for_the_window(
    session: Session, clock: FakeClock
) -> None:
    make_user(session, username="dave")
    make_user(session, username="erin")
    for _ in range(login_throttle.LOGIN_FAILURES_ALLOWED):
        with pytest.raises(Unauthenticated):
            user_service.authenticate(session, username="dave", password="wrong", now=clock.now())
        clock.advance(timedelta(minutes=1))
    with pytest.raises(TooManyAttempts) as locked:  # even with the right password
        user_service.authenticate(session, username="dave", password=TEST_PASSWORD, now=clock.now())
    assert locked.value.retry_after == 10 * 60  # the first failure leaves the window then
    # the lock is the username's from this client: others sign in, and so does dave from
    # another client; refused attempts are not counted as failures but audited
    user_service.authenticate(session, username="erin", password=TEST_PASSWORD, now=clock.now())
    user_service.authenticate(
        session, username="dave", password=TEST_PASSWORD, now=clock.now(), client="192.0.2.1"
    )
    entries = list_entries(session, entity_type="login", entity_id="dave")
    assert [e.action for e in entries] == ["auth.login_refused"] + ["auth.login_failed"] * 5
    assert {(e.actor, e.before, e.after) for e in entries[1:]} == {("dave", None, None)}
    clock.advance(timedelta(minutes=10))
    found = user_service.authenticate(
        session, username="dave", password=TEST_PASSWORD, now=clock.now()
    )
    assert found.username == "dave"


def test_a_successful_sign_in_resets_the_count(session: Session, clock: FakeClock) -> None:
    user = make_user(session, username="fay")
    for _ in range(login_throttle.LOGIN_FAILURES_ALLOWED - 1):
        with pytest.raises(Unauthenticated):
            user_service.authenticate(session, username="fay", password="wrong", now=clock.now())
    clock.advance(timedelta(seconds=1))
    user_service.authenticate(session, username="fay", password=TEST_PASSWORD, now=clock.now())
    user_service.issue_token(session, user=user, now=clock.now(), ttl=timedelta(hours=1))
    clock.advance(timedelta(seconds=1))
    for _ in range(login_throttle.LOGIN_FAILURES_ALLOWED - 1):
        with pytest.raises(Unauthenticated):
            user_service.authenticate(session, username="fay", password="wrong", now=clock.now())
    assert (
        login_throttle.pair_locked_for(session, username="fay", client=None, now=clock.now())
        is None
    )


def test_token_expires(session: Session, clock: FakeClock) -> None:
    user = make_user(session)
    token, _ = user_service.issue_token(session, user=user, now=clock.now(), ttl=timedelta(hours=1))
    found, _ = user_service.user_for_token(
        session, token=token, now=clock.advance(timedelta(minutes=59))
    )
    assert found.id == user.id
    with pytest.raises(Unauthenticated):
        user_service.user_for_token(session, token=token, now=clock.advance(timedelta(minutes=1)))


def test_revoked_token_is_refused(session: Session) -> None:
    user = make_user(session)
    token, record = user_service.issue_token(session, user=user, now=T0, ttl=timedelta(hours=1))
    user_service.revoke_token(session, token=record, actor=user.username, now=T0)
    with pytest.raises(Unauthenticated):
        user_service.user_for_token(session, token=token, now=T0)


def test_deactivating_a_user_revokes_tokens_and_is_audited(session: Session) -> None:
    user = make_user(session, username="carol")
    assert user.id is not None
    token, _ = user_service.issue_token(session, user=user, now=T0, ttl=timedelta(hours=1))
    user_service.update_user(session, user_id=user.id, actor="admin", now=T0, is_active=False)
    with pytest.raises(Unauthenticated):
        user_service.user_for_token(session, token=token, now=T0)
    with pytest.raises(Unauthenticated):
        user_service.authenticate(session, username="carol", password=TEST_PASSWORD, now=T0)
    actions = [e.action for e in list_entries(session, entity_type="user", entity_id=str(user.id))]
    assert actions[:3] == ["user.update", "auth.login", "user.create"]


def test_an_admin_changes_neither_their_own_role_nor_their_own_status(session: Session) -> None:
    admin = make_user(session, username="self-admin", role=Role.admin)
    make_user(session, username="next-admin", role=Role.admin)
    assert admin.id is not None
    for change, field in (({"role": Role.viewer}, "role"), ({"is_active": False}, "is_active")):
        with pytest.raises(Conflict, match="your own") as refused:
            user_service.update_user(
                session,
                user_id=admin.id,
                actor="self-admin",
                now=T0,
                **change,  # type: ignore[arg-type]
            )
        assert [e.field for e in refused.value.errors] == [field]
    same = user_service.update_user(
        session, user_id=admin.id, actor="self-admin", now=T0, role=Role.admin, full_name="王"
    )
    assert (same.role, same.full_name, same.is_active) == (Role.admin, "王", True)
    other = user_service.update_user(
        session, user_id=admin.id, actor="next-admin", now=T0, role=Role.viewer
    )
    assert other.role is Role.viewer


def test_role_permissions_cover_every_permission() -> None:
    for permission in user_service.Permission:
        assert user_service.ROLE_PERMISSIONS[permission], permission
    assert user_service.allowed(Role.admin, user_service.Permission.users_manage)
    assert not user_service.allowed(Role.viewer, user_service.Permission.directory_write)


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(session: Session) -> None:
    admin = make_user(session, username="only-admin", role=Role.admin)
    assert admin.id is not None
    for user in user_service.list_users(session):  # the test database may hold others
        if user.role is Role.admin and user.id not in (None, admin.id):
            user_service.update_user(session, user_id=user.id, actor="t", now=T0, role=Role.viewer)
    for change in ({"is_active": False}, {"role": Role.planner}):
        with pytest.raises(Conflict, match="last active administrator"):
            user_service.update_user(session, user_id=admin.id, actor="t", now=T0, **change)  # type: ignore[arg-type]
    other = make_user(session, username="second-admin", role=Role.admin)
    user_service.update_user(session, user_id=admin.id, actor="admin", now=T0, is_active=False)
    assert other.is_active
