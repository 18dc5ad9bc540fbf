"""The duty page's "how to reach me" form: shown only to a user linked to a person, filled
with their own rules, sending to the notify-rules API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from escalation import person_rules
from tests.conftest import T0, TEST_PASSWORD, make_user
from tests.factories import make_person, make_unit


def _sign_in(client: TestClient, username: str) -> None:
    response = client.post(
        "/login", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303


def test_the_duty_page_shows_and_targets_my_own_rules(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.duty_officer, username="yangfan")
    me = make_person(session, unit=make_unit(session), name="杨帆", user_id=user.id)
    assert me.id is not None
    _sign_in(client, "yangfan")

    page = client.get("/duty").text
    assert f'data-api="/api/v1/people/{me.id}/notify-rules" data-method="PUT"' in page
    assert 'id="reach-reset"' not in page  # already on the steps' rules

    rules = [{"kind": "voice", "after_minutes": 0}, {"kind": "sms", "after_minutes": 4}]
    person_rules.replace(session, person_id=me.id, rules=rules, actor="test", now=T0)
    page = client.get("/duty").text
    assert '<option value="voice" selected>' in page
    assert 'name="rules.1.after_minutes" type="number" value="4"' in page
    assert 'id="reach-reset"' in page


def test_no_form_without_a_linked_person(client: TestClient, session: Session) -> None:
    make_user(session, role=Role.coordinator, username="coord")
    _sign_in(client, "coord")
    page = client.get("/duty")
    assert page.status_code == 200 and 'id="reach-form"' not in page.text
