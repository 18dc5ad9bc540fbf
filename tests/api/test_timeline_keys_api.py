"""The incident API returns each timeline entry's key and values beside its English text: a
keyed entry with the values its phrase says, one stored before keys existed with key null and
values empty."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from escalation.dispatch import Dispatcher
from escalation.models import IncidentEvent
from oncall.models import Person
from tests.api import test_escalation_flow as flow
from tests.conftest import T0

fake, twilio_app, web, dispatcher = flow.fake, flow.twilio_app, flow.web, flow.dispatcher
centre, coordinator = flow.centre, flow.coordinator


def test_the_timeline_returns_keys_and_values_and_null_for_an_old_entry(
    web: TestClient,
    dispatcher: Dispatcher,
    centre: dict[str, Person],
    coordinator: dict[str, str],
    session: Session,
) -> None:
    incident = flow._open(web, coordinator)
    dispatcher.tick()
    session.add(
        IncidentEvent(
            incident_id=incident["id"],
            at=T0,
            kind="note",
            text="step 1: no acknowledgement, climbing",
        )
    )
    session.commit()
    timeline = web.get(f"/api/v1/incidents/{incident['id']}", headers=coordinator).json()[
        "timeline"
    ]
    by_key = {e["key"]: e for e in timeline}
    opened = by_key["opened"]
    assert opened["text"] == "opened: II special_equipment — plan special_equipment-II"
    assert opened["values"] == {
        "severity": "II",
        "category": "special_equipment",
        "plan": "special_equipment-II",
    }
    started = by_key["step_started"]
    officer = centre["officer"].id
    assert started["values"]["people"] == [officer]
    assert started["values"]["targets"] == [
        {"type": "on_duty", "role": "duty_officer", "skill": None}
    ]
    assert by_key["paged"]["values"] | {"to": "…"} == {
        "step": 1,
        "kind": "sms",
        "person": officer,
        "to": "…",
    }
    old = by_key[None]
    assert (old["text"], old["values"]) == ("step 1: no acknowledgement, climbing", {})
