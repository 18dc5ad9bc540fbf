"""GET/PUT /api/v1/people/{id}/notify-rules: who may, what is valid, what is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from core.audit import AuditEntry, list_entries
from core.users import Role
from escalation.models import PersonNotifyRule
from oncall.models import Person
from tests.conftest import make_token, make_user
from tests.factories import make_person, make_unit

Headers = Callable[[Role], dict[str, str]]
VOICE_FIRST = [{"kind": "voice", "after_minutes": 0}, {"kind": "sms", "after_minutes": 3}]


def _url(person: Person | int) -> str:
    person_id = person if isinstance(person, int) else person.id
    return f"/api/v1/people/{person_id}/notify-rules"


@pytest.fixture
def people(session: Session) -> dict[str, Any]:
    """杨帆, a duty officer signed in as `officer`, and 胡军, someone else."""
    unit = make_unit(session)
    user = make_user(session, role=Role.duty_officer, username="officer")
    me = make_person(session, unit=unit, name="杨帆", user_id=user.id)
    other = make_person(session, unit=unit, name="胡军")
    headers = {"Authorization": f"Bearer {make_token(session, user)}"}
    return {"me": me, "other": other, "me_headers": headers}


def _audit_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_a_planner_sets_rules_and_everyone_reads_them(
    client: TestClient, session: Session, auth_headers: Headers, people: dict[str, Any]
) -> None:
    other = people["other"]
    fresh = client.get(_url(other), headers=auth_headers(Role.viewer))
    assert fresh.status_code == 200, fresh.text
    assert fresh.json() == {"person_id": other.id, "rules": [], "uses_step_rules": True}

    put = client.put(_url(other), json={"rules": VOICE_FIRST}, headers=auth_headers(Role.planner))
    assert put.status_code == 200, put.text
    expected = {"person_id": other.id, "rules": VOICE_FIRST, "uses_step_rules": False}
    assert put.json() == expected
    assert client.get(_url(other), headers=auth_headers(Role.coordinator)).json() == expected

    (entry, *_) = list_entries(session, entity_type="person", entity_id=str(other.id))
    assert (entry.action, entry.actor) == ("person.notify_rules", "planner-user")
    assert entry.before == '{"notify_rules": []}'
    assert '"voice"' in (entry.after or "")

    back = client.put(_url(other), json={"rules": []}, headers=auth_headers(Role.admin))
    assert back.json()["uses_step_rules"] is True
    rows = session.exec(select(PersonNotifyRule).where(PersonNotifyRule.person_id == other.id))
    assert rows.all() == []
    (entry, *_) = list_entries(session, entity_type="person", entity_id=str(other.id))
    assert entry.after == '{"notify_rules": []}' and '"voice"' in (entry.before or "")


def test_a_person_may_change_only_their_own_rules(
    client: TestClient, auth_headers: Headers, people: dict[str, Any]
) -> None:
    mine = client.put(_url(people["me"]), json={"rules": VOICE_FIRST}, headers=people["me_headers"])
    assert mine.status_code == 200, mine.text
    theirs = client.put(
        _url(people["other"]), json={"rules": VOICE_FIRST}, headers=people["me_headers"]
    )
    assert theirs.status_code == 403 and theirs.json()["code"] == "forbidden"
    for role in (Role.coordinator, Role.leader, Role.viewer):  # not linked to 杨帆
        response = client.put(_url(people["me"]), json={"rules": []}, headers=auth_headers(role))
        assert response.status_code == 403, (role, response.text)
    assert client.put(_url(people["me"]), json={"rules": []}).status_code == 401


def test_an_unknown_person_is_not_found(client: TestClient, auth_headers: Headers) -> None:
    for method in ("GET", "PUT"):
        response = client.request(
            method, _url(999_999), json={"rules": []}, headers=auth_headers(Role.admin)
        )
        assert response.status_code == 404, (method, response.text)
        assert response.headers["content-type"] == "application/problem+json"


SMS0 = {"kind": "sms", "after_minutes": 0}
INVALID: list[tuple[object, str]] = [
    ([SMS0, {"kind": "voice", "after_minutes": -1}], "rules[1].after_minutes"),
    ([SMS0, {"kind": "fax", "after_minutes": 1}], "rules[1].kind"),
    ([{"kind": "voice", "after_minutes": "2"}], "rules[0].after_minutes"),
    ([{"kind": "voice"}], "rules[0].after_minutes"),
    ([SMS0, SMS0], "rules[1].kind"),
    ([SMS0, {"kind": "voice", "after_minutes": 1}, SMS0], "rules"),
    ([7], "rules[0]"),
    ("voice", "rules"),
]


@pytest.mark.parametrize(("rules", "field_path"), INVALID)
def test_bad_rules_are_a_422_naming_the_field_and_change_nothing(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    people: dict[str, Any],
    rules: object,
    field_path: str,
) -> None:
    url, admin = _url(people["other"]), auth_headers(Role.admin)
    assert client.put(url, json={"rules": VOICE_FIRST}, headers=admin).status_code == 200
    audited = _audit_count(session)

    response = client.put(url, json={"rules": rules}, headers=admin)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert [e["field"] for e in problem["errors"]] == [field_path]
    assert client.get(url, headers=admin).json()["rules"] == VOICE_FIRST
    assert _audit_count(session) == audited
