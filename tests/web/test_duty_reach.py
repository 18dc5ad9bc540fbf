"""The duty page's "how to reach me" form: shown only to a user linked to a person, filled
with their own rules, sending to the notify-rules API."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from escalation import person_rules
from escalation.policy import DEFAULT_RULES, rules_to_list
from tests.conftest import T0, TEST_PASSWORD, make_token, make_user
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


def _form_rules(page: str) -> list[dict[str, object]]:
    """The rules the reach form sends as the page fills it (a rule whose minutes are empty
    is left out, as the form's script does)."""
    start = page.index('id="reach-form"')
    form = page[start : page.index("</form>", start)]
    rules: list[dict[str, object]] = []
    for i in (0, 1):
        select = re.search(rf'name="rules\.{i}\.kind".*?</select>', form, re.S)
        minutes = re.search(rf'name="rules\.{i}\.after_minutes" type="number" value="(\d*)"', form)
        assert select is not None and minutes is not None
        kind = re.search(r'<option value="(\w+)" selected>', select.group(0))
        assert kind is not None
        if minutes.group(1):
            rules.append({"kind": kind.group(1), "after_minutes": int(minutes.group(1))})
    return rules


def test_without_own_rules_the_form_shows_the_default_rules_and_saving_it_keeps_them(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, role=Role.duty_officer, username="yangfan")
    me = make_person(session, unit=make_unit(session), name="杨帆", user_id=user.id)
    assert me.id is not None
    _sign_in(client, "yangfan")

    rules = _form_rules(client.get("/duty").text)
    assert rules == rules_to_list(DEFAULT_RULES)  # SMS at once, a voice call after 2 minutes

    saved = client.put(
        f"/api/v1/people/{me.id}/notify-rules",
        json={"rules": rules},
        headers={"Authorization": f"Bearer {make_token(session, user)}"},
    )
    assert saved.status_code == 200, saved.text
    assert person_rules.rules_of(session, [me.id])[me.id] == DEFAULT_RULES
    assert _form_rules(client.get("/duty").text) == rules  # the form shows what is in force
