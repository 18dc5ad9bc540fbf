"""A handling unit's group (complaint unit profile, `supervisor_group`) must be one a
supervision notice reaches: a configured group webhook, or the leadership group (the local
outbox shows it without a robot). Any other name is a 422 naming the field; nothing is written.
With no webhook configured (dev, demo), only the leadership group is accepted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from complaints import config
from complaints.config_models import UnitProfile
from complaints.config_schemas import UnitProfileUpdate
from core.audit import list_entries
from core.config import GroupWebhookConfig, RunMode, Settings
from core.errors import ValidationFailed
from core.users import Role
from escalation.plans import known_groups
from tests.complaint_helpers import Centre, make_centre
from tests.conftest import T0
from tests.web.test_complaint_pages import _sign_in

BASE = "/api/v1/complaint-config/units"
Headers = Callable[[Role], dict[str, str]]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The app of this module has one robot configured, for the market chiefs' group."""
    robot = GroupWebhookConfig(kind="wecom", url="http://127.0.0.1:9/robot")
    return Settings(
        env=RunMode.test, database_url=database_url, group_webhooks={"market-chiefs": robot}
    )


@pytest.fixture
def centre(session: Session) -> Centre:
    return make_centre(session)


@pytest.mark.parametrize(
    ("group", "accepted"),
    [
        ("market-chiefs", True),  # configured
        ("leadership", True),  # no robot: the outbox shows it
        (None, True),  # no group
        ("market-chief", False),  # a typo: would reach nobody
        ("intake", False),  # the intake office's group takes reminders, not a unit's notices
    ],
)
def test_a_units_group_must_be_one_a_notice_reaches(
    client: TestClient,
    session: Session,
    auth_headers: Headers,
    centre: Centre,
    group: str | None,
    accepted: bool,
) -> None:
    before = list_entries(session, entity_type="unit")
    body = {"supervisor_group": group, "accepts_items": True}
    response = client.put(f"{BASE}/{centre.east_id}", json=body, headers=auth_headers(Role.admin))
    if accepted:
        assert response.status_code == 200, response.text
        assert response.json()["supervisor_group"] == group
        return
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "supervisor_group" and error["type"] == "unknown_group"
    assert error["ctx"] == {"groups": "leadership, market-chiefs"}
    session.expire_all()
    profile = session.get(UnitProfile, centre.east_id)
    assert profile is not None and profile.supervisor_group == "leadership"  # as it was
    assert list_entries(session, entity_type="unit") == before


def test_with_no_webhook_configured_only_the_leadership_group_is_accepted(
    session: Session, centre: Centre
) -> None:
    groups = known_groups({})  # dev and demo: DUTYDESK_GROUP_WEBHOOKS unset
    assert groups == {"leadership"}
    with pytest.raises(ValidationFailed) as refused:
        config.set_profile(
            session,
            unit_id=centre.east_id,
            data=UnitProfileUpdate(supervisor_group="market-chiefs"),
            groups=groups,
            actor="test",
            now=T0,
        )
    assert refused.value.errors[0].field == "supervisor_group"
    kept = config.set_profile(
        session,
        unit_id=centre.east_id,
        data=UnitProfileUpdate(supervisor_group="leadership"),
        groups=groups,
        actor="test",
        now=T0,
    )
    assert kept.supervisor_group == "leadership"


def test_the_units_page_offers_the_groups_a_notice_reaches(
    client: TestClient, session: Session, centre: Centre
) -> None:
    _sign_in(client, session, Role.admin)
    page = client.get("/admin/units").text
    editor = page.split(f'id="unit-edit-{centre.east_id}"')[1].split("</form>")[0]
    box = editor.split('<select name="supervisor_group">')[1].split("</select>")[0]
    assert box == (
        '<option value="">—</option><option value="leadership" selected>领导群</option>'
        '<option value="market-chiefs">market-chiefs</option>'
    )
