"""A person distributing or re-routing an item by hand, or naming its unit at intake, could
send it to a unit marked as taking no complaint items (its profile's `accepts_items`), which a
routing rule may not name: each is now refused with a 422 naming `unit_id`, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from complaints.models import Complaint
from core.audit import list_entries
from core.users import Role
from oncall.models import UnitKind
from tests.api.test_refusal_wording import _register
from tests.complaint_helpers import Centre, complaint_data, make_centre
from tests.factories import make_unit

Headers = Callable[[Role], dict[str, str]]
BASE = "/api/v1/complaints"
NOT_HANDLING = "this unit does not take complaint items"


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


@pytest.fixture
def office(session: Session, client: TestClient, auth_headers: Headers, centre: Centre) -> int:
    """The bureau's general office, which no routing rule names, marked as taking no items."""
    unit = make_unit(session, code="office", name="办公室", kind=UnitKind.section)
    marked = client.put(
        f"/api/v1/complaint-config/units/{unit.id}",
        json={"accepts_items": False},
        headers=auth_headers(Role.admin),
    )
    assert marked.status_code == 200, marked.text
    assert unit.id is not None
    return unit.id


def _refused(response: Any) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["reason"]) for e in response.json()["errors"]] == [
        ("unit_id", NOT_HANDLING)
    ]


def _unchanged(client: TestClient, headers: dict[str, str], before: dict[str, Any]) -> None:
    after = client.get(f"{BASE}/{before['id']}", headers=headers).json()
    for name in ("status", "unit_id", "routing_note", "distributed_at"):
        assert after[name] == before[name], name
    assert [e["action"] for e in after["history"]] == [e["action"] for e in before["history"]]


def test_distributing_or_rerouting_to_such_a_unit_is_refused_and_nothing_written(
    client: TestClient, auth_headers: Headers, session: Session, centre: Centre, office: int
) -> None:
    coordinator = auth_headers(Role.coordinator)
    item = _register(client, coordinator, complaint_data())
    path = f"{BASE}/{item['id']}"
    before = client.get(path, headers=coordinator).json()
    assert before["unit_id"] == centre.east_id  # routed, not yet distributed
    _refused(client.post(f"{path}/distribute", json={"unit_id": office}, headers=coordinator))
    _unchanged(client, coordinator, before)

    sent = client.post(f"{path}/distribute", json={}, headers=coordinator)
    assert sent.status_code == 200, sent.text
    before = client.get(path, headers=coordinator).json()
    moved = {"unit_id": office, "reason": "改由办公室办理"}
    _refused(client.post(f"{path}/reroute", json=moved, headers=coordinator))
    _unchanged(client, coordinator, before)
    actions = [e.action for e in list_entries(session, entity_type="complaint")]
    assert "complaint.reroute" not in actions and actions.count("complaint.distribute") == 1

    moved |= {"unit_id": centre.west_id}
    assert client.post(f"{path}/reroute", json=moved, headers=coordinator).status_code == 200
    # a superior's take-over (Art. 13) is its own decision, whatever routing sends the unit
    over = {"unit_id": office, "reason": "市局提级办理"}
    taken = client.post(f"{path}/take-over", json=over, headers=auth_headers(Role.admin))
    assert taken.status_code == 200, taken.text


def test_the_routed_unit_is_refused_once_it_takes_no_items(
    client: TestClient, auth_headers: Headers, centre: Centre
) -> None:
    """Routed to the west bureau; its rule removed and the bureau marked as taking no items
    before the item was distributed: distributing to the routed unit is refused too."""
    coordinator, admin = auth_headers(Role.coordinator), auth_headers(Role.admin)
    item = _register(client, coordinator, complaint_data(respondent_address="城西区人民路200号"))
    assert item["unit_id"] == centre.west_id
    config = "/api/v1/complaint-config"
    for rule in client.get(f"{config}/routing-rules", headers=admin).json():
        if rule["unit_id"] == centre.west_id:
            assert client.delete(f"{config}/routing-rules/{rule['id']}", headers=admin).is_success
    stop = client.put(
        f"{config}/units/{centre.west_id}", json={"accepts_items": False}, headers=admin
    )
    assert stop.status_code == 200, stop.text
    before = client.get(f"{BASE}/{item['id']}", headers=coordinator).json()
    _refused(client.post(f"{BASE}/{item['id']}/distribute", json={}, headers=coordinator))
    _unchanged(client, coordinator, before)


def test_naming_such_a_unit_at_intake_is_refused(
    client: TestClient, auth_headers: Headers, session: Session, centre: Centre, office: int
) -> None:
    body = complaint_data(unit_id=office).model_dump(mode="json", exclude_none=True)
    _refused(client.post(BASE, json=body, headers=auth_headers(Role.coordinator)))
    assert session.exec(select(Complaint)).all() == []
