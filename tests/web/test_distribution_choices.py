"""The item page's distribute and re-route forms, and the intake form, offered every unit,
also one marked as taking no complaint items, which the API refuses (422 on `unit_id`): they
now leave such a unit out; the take-over form (a superior's decision) still offers it, and
offers only the superiors of the unit holding the item."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import config
from complaints.config_schemas import UnitProfileUpdate
from core.users import Role
from oncall.models import UnitKind
from tests.complaint_helpers import make_centre
from tests.conftest import T0
from tests.factories import make_unit
from tests.web.test_complaint_pages import _post, _register, _sign_in

FORMS = re.compile(r'<form class="action-form[^"]*"[^>]*data-action-name="(\w+)".*?</form>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')


def _unit_choices(page: str) -> dict[str, set[int]]:
    """Each action form's unit options (ids), by action."""
    forms = {m.group(1): m.group(0) for m in FORMS.finditer(page)}
    return {a: {int(v) for v in OPTION.findall(f)} for a, f in forms.items() if "unit_id" in f}


def test_a_unit_taking_no_items_is_not_offered_for_distribution(
    client: TestClient, session: Session
) -> None:
    centre = make_centre(session)
    office = make_unit(session, code="office", name="办公室", kind=UnitKind.section)
    assert office.id is not None
    data = UnitProfileUpdate(accepts_items=False)
    config.set_profile(
        session, unit_id=office.id, data=data, groups=frozenset(), actor="test", now=T0
    )
    csrf = _sign_in(client, session, Role.coordinator)
    intake_choices = {int(v) for v in OPTION.findall(client.get("/complaints/new").text)}
    assert centre.east_id in intake_choices and office.id not in intake_choices

    item = _register(client, csrf)
    choices = _unit_choices(client.get(f"/complaints/{item['id']}").text)
    assert set(choices) == {"distribute", "reroute"}
    for action, units in choices.items():
        assert {centre.east_id, centre.west_id} <= units and office.id not in units, action

    refused = _post(
        client, csrf, f"/api/v1/complaints/{item['id']}/distribute", {"unit_id": office.id}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "unit_id"
    _sign_in(client, session, Role.admin)
    over = _unit_choices(client.get(f"/complaints/{item['id']}").text)
    assert office.id in over["take_over"] and office.id not in over["distribute"]
    # a take-over is a superior's (Art. 13): not the unit itself nor a peer district
    assert centre.intake.id in over["take_over"]
    assert centre.east_id not in over["take_over"] and centre.west_id not in over["take_over"]
