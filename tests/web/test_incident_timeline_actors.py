"""An incident's timeline named who acknowledged, resolved or reopened twice: in the entry
("resolved by 王建国") and again after it ("· 王建国"). An entry that names who acted is not
followed by the name again; one that does not (the opening) still is."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from core.users import Role
from tests.conftest import TEST_PASSWORD, make_token, make_user
from web.i18n import LANG_COOKIE

ENTRY = re.compile(r'<li class="ev ev-[\w-]+" data-kind="([\w-]+)">(.*?)</li>', re.S)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_an_entry_naming_who_acted_is_not_followed_by_the_name_again(
    client: TestClient, session: Session, lang: str
) -> None:
    user = make_user(session, role=Role.coordinator, username="acting")
    token = {"Authorization": f"Bearer {make_token(session, user)}"}
    body = {"title": "电梯困人", "category": "special_equipment", "severity": "IV"}
    incident = client.post("/api/v1/incidents", json=body, headers=token).json()["id"]
    for step in ("ack", "resolve", "reopen"):
        done = client.post(f"/api/v1/incidents/{incident}/{step}", headers=token)
        assert done.status_code == 200, done.text
    client.post("/login", data={"username": "acting", "password": TEST_PASSWORD})
    client.cookies.set(LANG_COOKIE, lang)
    entries = dict(ENTRY.findall(client.get(f"/incidents/{incident}").text))
    assert user.full_name in entries["opened"] and "muted" in entries["opened"]
    for kind in ("acknowledged", "resolved", "reopened"):
        assert entries[kind].count(user.full_name) == 1, entries[kind]
        assert 'class="muted"' not in entries[kind]
