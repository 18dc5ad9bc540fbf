"""A reply typed in the outbox with several problems is one 422 naming each of them at once
(the reply box shows them together); the incident and the audit stay as they were."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from core.audit import AuditEntry
from oncall.models import Person
from tests.api import test_escalation_flow as flow
from tests.api.test_incident_replies import _incident, _outbox_page

centre, coordinator, _open = flow.centre, flow.coordinator, flow._open


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ("   ", [("must not be blank", None)]),
        ("x" * 201, [("at most 200 characters", "string_too_long")]),
        (
            "1234 确认\x00" + "x" * 200,
            [
                ("at most 200 characters", "string_too_long"),
                ("must not contain NUL characters", None),
            ],
        ),
    ],
)
def test_every_problem_of_an_outbox_reply_is_named_at_once(
    client: TestClient,
    app: FastAPI,
    session: Session,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    body: str,
    problems: list[tuple[str, str | None]],
) -> None:
    incident = _open(client, coordinator)
    app.state.dispatcher.tick()
    page = _outbox_page(client, coordinator, centre["officer"])
    audited = session.exec(select(func.count()).select_from(AuditEntry)).one()
    reply = client.post(
        f"/api/v1/outbox/{page['id']}/reply", json={"body": body}, headers=coordinator
    )
    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"
    errors = reply.json()["errors"]
    assert [(e["field"], e["reason"], e.get("type")) for e in errors] == [
        ("body", reason, kind) for reason, kind in problems
    ]
    assert _incident(client, coordinator, incident["id"])["status"] == "open"
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audited
