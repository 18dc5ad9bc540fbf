"""A draft is published only under the shift types and hard rules it was generated with: the
rules page changes both in place, and a draft solved for other rules or shift times may break
the ones that now apply. A shift type's new name changes nothing a roster relies on."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core.users import Role
from tests.api.test_rosters_api import Headers, _generate
from tests.api.test_rosters_api import intake as intake  # noqa: F401 (the fixture)


def test_a_draft_generated_under_other_rules_is_not_published(
    client: TestClient, auth_headers: Headers, intake: int
) -> None:
    planner = auth_headers(Role.planner)
    draft = _generate(client, planner, intake)
    assert draft["status"] == "draft", draft
    rules = client.get(f"/api/v1/units/{intake}/rules", headers=planner)
    stricter = rules.json() | {"max_consecutive_days": 2}
    saved = client.put(
        f"/api/v1/units/{intake}/rules",
        json=stricter,
        headers=planner | {"If-Match": rules.headers["ETag"]},
    )
    assert saved.status_code == 200, saved.text
    refused = client.post(f"/api/v1/rosters/{draft['id']}/publish", headers=planner)
    assert refused.status_code == 409
    assert "changed since this draft was generated" in refused.json()["detail"]
    assert client.get(f"/api/v1/rosters/{draft['id']}", headers=planner).json()["status"] == (
        "draft"
    )

    again = _generate(client, planner, intake)  # under the rules as they are now
    shift = client.get("/api/v1/shift-types", params={"unit_id": intake}, headers=planner).json()[0]
    renamed = client.patch(
        f"/api/v1/shift-types/{shift['id']}", json={"name": "改名的班次"}, headers=planner
    )
    assert renamed.status_code == 200, renamed.text
    published = client.post(f"/api/v1/rosters/{again['id']}/publish", headers=planner)
    assert published.status_code == 200, published.text
